"""Joining or leaving the secretariat group is a privileged change: audited wherever it is made
(the Django admin, a shell, a future page), by watching the user–group link itself."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from audit.context import current_request_user
from audit.models import AuditAction
from audit.services import audit_record


def _secretariat_group_id():
    from members.permissions import SECRETARIAT_GROUP

    return Group.objects.filter(name=SECRETARIAT_GROUP).values_list("pk", flat=True).first()


def _record(user_ids, action):
    actor = current_request_user()
    joined = action == AuditAction.SECRETARIAT_MEMBER_ADD
    for user_id in sorted(user_ids):
        audit_record(
            actor=actor,
            action=action,
            object_type="accounts.user",
            object_id=user_id,
            object_label=f"#{user_id}",
            changes={"secretariat": [False, True] if joined else [True, False]},
        )


@receiver(m2m_changed, sender=get_user_model().groups.through, dispatch_uid="audit_secretariat")
def secretariat_membership_audit(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    group_id = _secretariat_group_id()
    if group_id is None:
        return
    if action == "pre_clear":
        # Clearing: remember who leaves the secretariat before the links go.
        if isinstance(instance, Group):
            if instance.pk != group_id:
                return
            user_ids = set(instance.user_set.values_list("pk", flat=True))
        else:
            if not instance.groups.filter(pk=group_id).exists():
                return
            user_ids = {instance.pk}
        _record(user_ids, AuditAction.SECRETARIAT_MEMBER_REMOVE)
        return
    kind = (
        AuditAction.SECRETARIAT_MEMBER_ADD
        if action == "post_add"
        else AuditAction.SECRETARIAT_MEMBER_REMOVE
    )
    if isinstance(instance, Group):  # group.user_set.add(user, ...)
        if instance.pk == group_id:
            _record(pk_set or set(), kind)
    elif pk_set and group_id in pk_set:  # user.groups.add(group, ...)
        _record({instance.pk}, kind)
