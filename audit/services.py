"""Writing the audit trail. Call `audit_record` inside the service that performs the privileged
action, so the row is written in the same transaction: no action without its row, no row for an
action that was rolled back."""

from django.db import transaction

from audit.context import current_client_ip
from audit.models import ActorRole, AuditAction, AuditEntry


def actor_role_of(user) -> str:
    """The actor's role at the time, stored instead of anything that names them."""
    from members.permissions import is_secretariat, representative_of

    if user is None or not user.is_authenticated:
        return ActorRole.SYSTEM
    if user.is_superuser:
        return ActorRole.SUPERUSER
    if is_secretariat(user):
        return ActorRole.SECRETARIAT
    representative = representative_of(user)
    if representative is not None:
        return ActorRole.CONTACT if representative.is_contact else ActorRole.REPRESENTATIVE
    return ActorRole.USER


def audit_record(
    *,
    actor,
    action: AuditAction | str,
    obj=None,
    object_type: str = "",
    object_id: int | None = None,
    object_label: str = "",
    changes: dict | None = None,
    actor_label: str | None = None,
) -> AuditEntry:
    """Append one row to the audit trail. `obj` fills the object's type, id and label (its
    str(); pass `object_label` for objects whose str() names a person — the log keeps no
    personal data). `changes` is before/after where it matters: {"field": [before, after]}.
    `actor` None means the portal itself (a scheduled task)."""
    if action not in AuditAction.values:
        raise ValueError(f"Unknown audit action {action!r}")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk if object_id is None else object_id
        object_label = object_label or str(obj)
    entry = AuditEntry(
        actor_id=actor.pk if actor is not None and actor.is_authenticated else None,
        actor_label=actor_label or actor_role_of(actor),
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_label=object_label[:255],
        changes=changes or {},
        ip_address=current_client_ip(),
    )
    entry.full_clean()
    with transaction.atomic():
        entry.save()
    return entry
