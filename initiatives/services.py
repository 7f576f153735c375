"""Writes of the joint initiatives: one function per action, each atomic, each checking its rules.

Errors: PermissionDenied when the person's role does not allow the action at all (see
initiatives.permissions); ValidationError for what they typed (dates in the wrong order, a
region outside the listed countries, an empty statement, a file that is not what it claims);
InitiativeError when the initiative's state refuses it (closed, not seeking partners, already a
partner, a question already pending), with a message for the person who tried.

Every change writes a row of the initiative's change log (InitiativeEvent) and mails the people
concerned through the outbox (templates/emails/initiatives/), in the same transaction.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.models import AuditAction
from audit.services import audit_record
from dialogues import services as dialogue_services
from dialogues.attachments import attachment_check
from dialogues.models import Thread
from dialogues.rendering import render_markdown
from dialogues.services import DialogueError
from initiatives import permissions
from initiatives.models import (
    CLOSED_STATUSES,
    INITIATIVE_TRANSITIONS,
    Commitment,
    FundingSource,
    Initiative,
    InitiativeDocument,
    InitiativeEvent,
    InitiativePartner,
    InitiativeStatus,
    NewsUpdate,
    PartnerRequest,
)
from initiatives.similarity import initiative_search_vector
from members.models import Representative
from members.permissions import is_contact_of, representative_of
from notifications.models import Notification
from notifications.services import notifications_create, notifications_for_matching_initiative


class InitiativeError(Exception):
    """The initiative's state refuses the action; the message is for the person who tried."""


# The dialogue topic that holds one discussion thread per initiative, created on first use.
JOINT_INITIATIVES_TOPIC_SLUG = "joint-initiatives"
JOINT_INITIATIVES_TOPIC_TITLE = "Joint initiatives"
JOINT_INITIATIVES_TOPIC_DESCRIPTION = (
    "One discussion per joint initiative of the alliance, opened when it is proposed: "
    "questions, ideas and offers of help."
)
# The fields a proposal and an edit set (themes apart).
INITIATIVE_FIELDS = (
    "title",
    "summary",
    "description",
    "objectives",
    "countries",
    "regions",
    "start_date",
    "end_date",
    "funding_source",
    "budget",
    "website",
)
_SEARCHED_FIELDS = {"title", "summary", "objectives"}
# Words the initiatives' URLs may use for their own pages; no initiative takes them as its slug.
RESERVED_SLUGS = {"new", "propose", "similar", "mine", "invitations", "requests", "documents"}
MAX_DOCUMENTS_PER_INITIATIVE = 100


# --- Helpers -------------------------------------------------------------------------------


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


def _unique_slug(title: str) -> str:
    base = slugify(title)[:200] or "initiative"
    if base in RESERVED_SLUGS:
        base = f"{base}-initiative"
    slug, number = base, 2
    while Initiative.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def _locked(initiative) -> Initiative:
    """The initiative as it is now, its row locked until the end of the transaction."""
    return (
        Initiative.objects.select_for_update(of=("self",))
        .select_related("lead_organisation")
        .get(pk=initiative.pk)
    )


def _refuse_if_closed(initiative, message=None) -> None:
    if initiative.is_closed:
        raise InitiativeError(
            message
            or _("This initiative is %(status)s: it can be read but no longer changed.")
            % {"status": InitiativeStatus(initiative.status).label.lower()}
        )


def _codes(values) -> list[str]:
    """Country or region codes as a clean list: upper-case, each once, in the given order."""
    return list(dict.fromkeys(code.strip().upper() for code in values or [] if code.strip()))


def _event(*, initiative, kind, actor, organisation=None, note="", details=None, **statuses):
    return InitiativeEvent.objects.create(
        initiative=initiative,
        kind=kind,
        actor=actor,
        organisation=organisation,
        note=note,
        details=details or {},
        from_status=statuses.get("from_status", ""),
        to_status=statuses.get("to_status", ""),
    )


def _partner_organisation_ids(initiative) -> list[int]:
    return list(
        InitiativePartner.objects.filter(initiative=initiative, left_at__isnull=True).values_list(
            "organisation_id", flat=True
        )
    )


def _tell(
    organisation_ids,
    *,
    kind: str,
    initiative,
    acting_user,
    template: str = "",
    context=None,
    partner_request=None,
    details=None,
    contacts_only: bool = True,
) -> None:
    """Tell the organisations' contacts (or all their representatives) in the app, each as a
    representative of their organisation, and by email those who chose this kind at once."""
    representatives = Representative.objects.filter(
        organisation_id__in=list(organisation_ids), user__is_active=True
    )
    if contacts_only:
        representatives = representatives.filter(role=Representative.Role.CONTACT)
    by_organisation: dict[int, list[int]] = {}
    for organisation_id, user_id in representatives.values_list("organisation_id", "user_id"):
        by_organisation.setdefault(organisation_id, []).append(user_id)
    for organisation_id, user_ids in sorted(by_organisation.items()):
        notifications_create(
            recipient_ids=user_ids,
            kind=kind,
            actor=acting_user,
            initiative=initiative,
            partner_request=partner_request,
            organisation=partner_request.organisation if partner_request else None,
            via_organisation_id=organisation_id,
            contacts_only=contacts_only,
            details=details or {},
            email_template=f"initiatives/{template}" if template else "",
            email_context={
                "initiative": initiative,
                "actor": acting_user,
                "partner_request": partner_request,
                **(context or {}),
            },
        )


def _notify_partners(initiative, *, acting_user, kind=None, details=None, **email) -> None:
    """Tell every representative of the partner organisations (an update by default: in the
    app and in their digests)."""
    _tell(
        _partner_organisation_ids(initiative),
        kind=kind or Notification.Kind.INITIATIVE_UPDATE,
        initiative=initiative,
        acting_user=acting_user,
        details=details,
        contacts_only=False,
        **email,
    )


def _notify_change(initiative, event, *, acting_user, commitment=None) -> None:
    """The less eventful changes (edits, commitments, documents, partners leaving)."""
    _notify_partners(initiative, acting_user=acting_user, details={"event": event.kind})


def _render_description(description: str) -> str:
    return render_markdown(description).html if description.strip() else ""


def _search_vector_write(initiative) -> None:
    Initiative.objects.filter(pk=initiative.pk).update(
        search_vector=initiative_search_vector(
            title=initiative.title, summary=initiative.summary, objectives=initiative.objectives
        )
    )


def _escape_link_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def _thread_create(initiative, author, themes) -> Thread | None:
    """Open the initiative's discussion in the joint-initiatives topic. When the secretariat
    has archived that topic, the initiative is proposed without a thread."""
    topic = dialogue_services.topic_get_or_create_for_system(
        slug=JOINT_INITIATIVES_TOPIC_SLUG,
        title=JOINT_INITIATIVES_TOPIC_TITLE,
        description=JOINT_INITIATIVES_TOPIC_DESCRIPTION,
    )
    body = (
        f"{initiative.summary}\n\n"
        f"[{_escape_link_text(initiative.title)}]({initiative.get_absolute_url()})"
    )
    try:
        with transaction.atomic():
            return dialogue_services.thread_create(
                topic=topic,
                author=author,
                title=initiative.title,
                body=body,
                kind=Thread.Kind.DISCUSSION,
                themes=themes,
            )
    except DialogueError:
        return None


# --- Proposing and editing --------------------------------------------------------------


def _checked_fields(data: dict) -> dict:
    unknown = set(data) - set(INITIATIVE_FIELDS)
    if unknown:
        raise TypeError(f"Not fields of an initiative: {', '.join(sorted(unknown))}")
    data = dict(data)
    for field in ("countries", "regions"):
        if field in data:
            data[field] = _codes(data[field])
    for field in ("title", "summary", "objectives", "description", "website"):
        if field in data:
            data[field] = (data[field] or "").strip()
    return data


@transaction.atomic
def initiative_propose(*, acting_user, data: dict, themes=()) -> Initiative:
    """A representative of an active member proposes an initiative; their organisation becomes
    its lead. Opens its discussion thread in the dialogues."""
    representative = permissions.active_representative(acting_user)
    _require(representative is not None)
    organisation = representative.organisation
    data = _checked_fields(data)
    now = timezone.now()
    initiative = Initiative(
        lead_organisation=organisation,
        slug=_unique_slug(data.get("title", "")),
        status=InitiativeStatus.PROPOSED,
        created_by=acting_user,
        created_at=now,
        updated_at=now,
        **data,
    )
    initiative.description_html = _render_description(initiative.description)
    initiative.full_clean(exclude=["thread", "search_vector", "description_html"])
    initiative.save()
    themes = list(themes)
    initiative.themes.set(themes)
    InitiativePartner.objects.create(
        initiative=initiative,
        organisation=organisation,
        role=InitiativePartner.Role.LEAD,
        joined_at=now,
    )
    _event(
        initiative=initiative,
        kind=InitiativeEvent.Kind.STATUS_CHANGED,
        actor=acting_user,
        organisation=organisation,
        from_status="",
        to_status=InitiativeStatus.PROPOSED,
    )
    _search_vector_write(initiative)
    initiative.thread = _thread_create(initiative, acting_user, themes)
    if initiative.thread is not None:
        initiative.save(update_fields=["thread"])
    notifications_for_matching_initiative(initiative=initiative, acting_user=acting_user)
    return initiative


@transaction.atomic
def initiative_update(*, initiative, acting_user, data: dict, themes=None) -> Initiative:
    """The lead's contact edits the initiative while it is open."""
    initiative = _locked(initiative)
    _require(permissions.is_lead_contact(acting_user, initiative))
    _refuse_if_closed(initiative)
    data = _checked_fields(data)
    changed = [field for field, value in data.items() if getattr(initiative, field) != value]
    for field in changed:
        setattr(initiative, field, data[field])
    if "description" in changed:
        initiative.description_html = _render_description(initiative.description)
    initiative.full_clean(exclude=["thread", "search_vector", "description_html"])
    if themes is not None:
        themes = list(themes)
        before = set(initiative.themes.values_list("pk", flat=True))
        if before != {theme.pk for theme in themes}:
            initiative.themes.set(themes)
            changed.append("themes")
    if not changed:
        return initiative
    initiative.updated_at = timezone.now()
    initiative.save()
    if _SEARCHED_FIELDS.intersection(changed):
        _search_vector_write(initiative)
    event = _event(
        initiative=initiative,
        kind=InitiativeEvent.Kind.EDITED,
        actor=acting_user,
        organisation=initiative.lead_organisation,
        details={"fields": changed},
    )
    _notify_change(initiative, event, acting_user=acting_user)
    return initiative


# --- The status (INITIATIVE_TRANSITIONS) ------------------------------------------------------


def initiative_transition_check(*, initiative, to_status) -> tuple:
    """Who may make the move (a tuple of LEAD/SECRETARIAT); InitiativeError if nobody may.
    Views call it to refuse an illegal move before looking at the rest of the form."""
    who = INITIATIVE_TRANSITIONS[initiative.status].get(to_status)
    if who is None:
        raise InitiativeError(
            _("An initiative that is “%(from)s” cannot become “%(to)s”.")
            % {
                "from": InitiativeStatus(initiative.status).label,
                "to": InitiativeStatus(to_status).label
                if to_status in InitiativeStatus.values
                else to_status,
            }
        )
    return who


def _close_pending_requests(initiative, *, acting_user, now) -> None:
    """A completed or cancelled initiative takes no new partners: whatever was still waiting
    for an answer is closed, and the organisation that would have joined is told."""
    pending = list(
        PartnerRequest.objects.select_for_update()
        .filter(initiative=initiative, status=PartnerRequest.Status.PENDING)
        .select_related("organisation")
    )
    if not pending:
        return
    PartnerRequest.objects.filter(pk__in=[p.pk for p in pending]).update(
        status=PartnerRequest.Status.CLOSED, decided_at=now, decided_by=acting_user
    )
    _event(
        initiative=initiative,
        kind=InitiativeEvent.Kind.REQUESTS_CLOSED,
        actor=acting_user,
        details={"requests": [p.pk for p in pending]},
    )
    for partner_request in pending:
        partner_request.status = PartnerRequest.Status.CLOSED
        _tell(
            [partner_request.organisation_id],
            kind=Notification.Kind.PARTNER_REQUEST_DECISION,
            initiative=initiative,
            acting_user=acting_user,
            template="partner_request_closed",
            partner_request=partner_request,
            details={"accepted": False},
        )


@transaction.atomic
def initiative_status_change(
    *, initiative, acting_user, to_status: str, note: str = ""
) -> Initiative:
    """Move an initiative along INITIATIVE_TRANSITIONS, refusing anything else; records the
    change (old, new, who, when, note). Completing or cancelling closes pending requests and
    invitations."""
    initiative = _locked(initiative)
    actor_kinds = permissions.status_actor_kinds(acting_user, initiative)
    _require(bool(actor_kinds))
    who = initiative_transition_check(initiative=initiative, to_status=to_status)
    _require(bool(actor_kinds.intersection(who)))
    note = note.strip()
    if to_status == InitiativeStatus.CANCELLED and not note:
        raise ValidationError({"note": _("Say why the initiative is cancelled.")})
    now = timezone.now()
    from_status = initiative.status
    _event(
        initiative=initiative,
        kind=InitiativeEvent.Kind.STATUS_CHANGED,
        actor=acting_user,
        organisation=initiative.lead_organisation,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )
    initiative.status = to_status
    initiative.updated_at = now
    initiative.save(update_fields=["status", "updated_at"])
    if to_status == InitiativeStatus.CANCELLED and permissions.SECRETARIAT in actor_kinds:
        audit_record(
            actor=acting_user,
            action=AuditAction.INITIATIVE_CANCEL,
            obj=initiative,
            object_label=initiative.title,
            changes={"status": [from_status, to_status], "note": note},
        )
    if to_status in CLOSED_STATUSES:
        _close_pending_requests(initiative, acting_user=acting_user, now=now)
    _notify_partners(
        initiative,
        acting_user=acting_user,
        kind=Notification.Kind.INITIATIVE_STATUS,
        details={"status": to_status},
        template="status_changed",
        context={"from_status": InitiativeStatus(from_status), "note": note},
    )
    return initiative


# --- Partners: requests to join ---------------------------------------------------------------


def _role_checked(role: str) -> str:
    if role not in (InitiativePartner.Role.PARTNER, InitiativePartner.Role.OBSERVER):
        raise ValidationError({"role": _("Choose partner or observer.")})
    return role


def _refuse_if_partner_or_pending(initiative, organisation, *, asking: bool) -> None:
    if permissions.partner_row(initiative, organisation.pk) is not None:
        if asking:
            raise InitiativeError(_("Your organisation already takes part in this initiative."))
        raise InitiativeError(
            _("%(organisation)s already takes part in this initiative.")
            % {"organisation": organisation.name}
        )
    pending = PartnerRequest.objects.filter(
        initiative=initiative, organisation=organisation, status=PartnerRequest.Status.PENDING
    ).first()
    if pending is None:
        return
    if asking and pending.is_invitation:
        raise InitiativeError(
            _("Your organisation has been invited already: accept the invitation instead.")
        )
    if asking:
        raise InitiativeError(_("Your organisation has already asked to join this initiative."))
    if pending.is_invitation:
        raise InitiativeError(
            _("%(organisation)s has already been invited.") % {"organisation": organisation.name}
        )
    raise InitiativeError(
        _("%(organisation)s has already asked to join: answer its request instead.")
        % {"organisation": organisation.name}
    )


def _partner_request_save(partner_request) -> PartnerRequest:
    partner_request.full_clean()
    try:
        with transaction.atomic():
            partner_request.save()
    except IntegrityError as error:  # the other side asked at the same moment
        raise InitiativeError(
            _("A request or invitation for this organisation is already waiting for an answer.")
        ) from error
    return partner_request


def _partner_add(initiative, organisation, role, now) -> InitiativePartner:
    return InitiativePartner.objects.create(
        initiative=initiative, organisation=organisation, role=role, joined_at=now
    )


def _locked_request(partner_request) -> PartnerRequest:
    return (
        PartnerRequest.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=partner_request.pk)
    )


@transaction.atomic
def partner_request_create(
    *, initiative, acting_user, statement: str, role: str = InitiativePartner.Role.PARTNER
) -> PartnerRequest:
    """The contact of an active member asks for its organisation to join an initiative that is
    seeking partners, with a short statement; the lead's contacts are told."""
    contact = permissions.active_contact(acting_user)
    _require(contact is not None)
    initiative = _locked(initiative)
    organisation = contact.organisation
    _refuse_if_closed(initiative, _("This initiative is closed: it takes no new partners."))
    if not initiative.takes_requests:
        raise InitiativeError(_("This initiative is not looking for partners at the moment."))
    _refuse_if_partner_or_pending(initiative, organisation, asking=True)
    statement = statement.strip()
    if not statement:
        raise ValidationError(
            {"statement": _("Say in a few words what your organisation would bring.")}
        )
    partner_request = _partner_request_save(
        PartnerRequest(
            initiative=initiative,
            organisation=organisation,
            kind=PartnerRequest.Kind.REQUEST,
            role=_role_checked(role),
            statement=statement,
            created_by=acting_user,
        )
    )
    _event(
        initiative=initiative,
        kind=InitiativeEvent.Kind.PARTNER_REQUESTED,
        actor=acting_user,
        organisation=organisation,
        note=statement,
        details={"request": partner_request.pk, "role": partner_request.role},
    )
    _tell(
        [initiative.lead_organisation_id],
        kind=Notification.Kind.PARTNER_REQUEST,
        initiative=initiative,
        acting_user=acting_user,
        template="partner_request_received",
        partner_request=partner_request,
    )
    return partner_request


@transaction.atomic
def partner_request_decide(
    *, partner_request, acting_user, accept: bool, note: str = ""
) -> PartnerRequest:
    """The lead's contact accepts or declines a request to join."""
    partner_request = _locked_request(partner_request)
    initiative = _locked(partner_request.initiative)
    _require(
        partner_request.kind == PartnerRequest.Kind.REQUEST
        and permissions.is_lead_contact(acting_user, initiative)
    )
    if not partner_request.is_pending:
        raise InitiativeError(_("This request has already been answered."))
    organisation = partner_request.organisation
    now = timezone.now()
    if accept:
        _refuse_if_closed(initiative, _("This initiative is closed: it takes no new partners."))
        if not organisation.is_active_member:
            raise InitiativeError(
                _("%(organisation)s is no longer an active member: it cannot join.")
                % {"organisation": organisation.name}
            )
    partner_request.status = (
        PartnerRequest.Status.ACCEPTED if accept else PartnerRequest.Status.DECLINED
    )
    partner_request.decided_by, partner_request.decided_at = acting_user, now
    partner_request.decision_note = note.strip()
    partner_request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if accept:
        _partner_add(initiative, organisation, partner_request.role, now)
    _event(
        initiative=initiative,
        kind=InitiativeEvent.Kind.REQUEST_ACCEPTED
        if accept
        else InitiativeEvent.Kind.REQUEST_DECLINED,
        actor=acting_user,
        organisation=organisation,
        note=partner_request.decision_note,
        details={"request": partner_request.pk},
    )
    _tell(
        [organisation.pk],
        kind=Notification.Kind.PARTNER_REQUEST_DECISION,
        initiative=initiative,
        acting_user=acting_user,
        template="partner_request_answered",
        partner_request=partner_request,
        details={"accepted": partner_request.status == PartnerRequest.Status.ACCEPTED},
    )
    return partner_request


@transaction.atomic
def partner_request_withdraw(*, partner_request, acting_user) -> PartnerRequest:
    """The requesting organisation's contact takes its request back."""
    partner_request = _locked_request(partner_request)
    _require(
        partner_request.kind == PartnerRequest.Kind.REQUEST
        and is_contact_of(acting_user, partner_request.organisation)
    )
    if not partner_request.is_pending:
        raise InitiativeError(_("This request has already been answered."))
    initiative = partner_request.initiative
    return _partner_request_close(
        partner_request,
        initiative=initiative,
        acting_user=acting_user,
        event_kind=InitiativeEvent.Kind.REQUEST_WITHDRAWN,
        tell_organisation_id=initiative.lead_organisation_id,
    )


def _partner_request_close(
    partner_request, *, initiative, acting_user, event_kind, tell_organisation_id
) -> PartnerRequest:
    """Close a pending request or invitation without an answer (withdrawn or cancelled),
    record it, and tell the other side's contacts."""
    partner_request.status = PartnerRequest.Status.WITHDRAWN
    partner_request.decided_by, partner_request.decided_at = acting_user, timezone.now()
    partner_request.save(update_fields=["status", "decided_by", "decided_at"])
    _event(
        initiative=initiative,
        kind=event_kind,
        actor=acting_user,
        organisation=partner_request.organisation,
        details={"request": partner_request.pk},
    )
    _tell(
        [tell_organisation_id],
        kind=Notification.Kind.PARTNER_REQUEST_DECISION,
        initiative=initiative,
        acting_user=acting_user,
        template="partner_request_closed",
        partner_request=partner_request,
        details={"accepted": False},
    )
    return partner_request


# --- Partners: invitations --------------------------------------------------------------------


@transaction.atomic
def partner_invite(
    *,
    initiative,
    acting_user,
    organisation,
    role: str = InitiativePartner.Role.PARTNER,
    message: str = "",
) -> PartnerRequest:
    """The lead's contact invites an active member organisation; its contacts are told."""
    initiative = _locked(initiative)
    _require(permissions.is_lead_contact(acting_user, initiative))
    _refuse_if_closed(initiative, _("This initiative is closed: it takes no new partners."))
    if not organisation.is_active_member:
        raise InitiativeError(_("Only active member organisations can be invited."))
    _refuse_if_partner_or_pending(initiative, organisation, asking=False)
    invitation = _partner_request_save(
        PartnerRequest(
            initiative=initiative,
            organisation=organisation,
            kind=PartnerRequest.Kind.INVITATION,
            role=_role_checked(role),
            statement=message.strip(),
            created_by=acting_user,
        )
    )
    _event(
        initiative=initiative,
        kind=InitiativeEvent.Kind.PARTNER_INVITED,
        actor=acting_user,
        organisation=organisation,
        note=invitation.statement,
        details={"request": invitation.pk, "role": invitation.role},
    )
    _tell(
        [organisation.pk],
        kind=Notification.Kind.PARTNER_REQUEST,
        initiative=initiative,
        acting_user=acting_user,
        template="partner_invitation_received",
        partner_request=invitation,
        details={"invitation": True},
    )
    return invitation


@transaction.atomic
def partner_invitation_decide(
    *, invitation, acting_user, accept: bool, note: str = ""
) -> PartnerRequest:
    """The invited organisation's contact accepts or declines; the lead's contacts are told."""
    invitation = _locked_request(invitation)
    contact = permissions.active_contact(acting_user)
    _require(
        invitation.kind == PartnerRequest.Kind.INVITATION
        and contact is not None
        and contact.organisation_id == invitation.organisation_id
    )
    if not invitation.is_pending:
        raise InitiativeError(_("This invitation is no longer open."))
    initiative = _locked(invitation.initiative)
    now = timezone.now()
    if accept:
        _refuse_if_closed(initiative, _("This initiative is closed: it takes no new partners."))
    invitation.status = PartnerRequest.Status.ACCEPTED if accept else PartnerRequest.Status.DECLINED
    invitation.decided_by, invitation.decided_at = acting_user, now
    invitation.decision_note = note.strip()
    invitation.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if accept:
        _partner_add(initiative, invitation.organisation, invitation.role, now)
    _event(
        initiative=initiative,
        kind=InitiativeEvent.Kind.INVITATION_ACCEPTED
        if accept
        else InitiativeEvent.Kind.INVITATION_DECLINED,
        actor=acting_user,
        organisation=invitation.organisation,
        note=invitation.decision_note,
        details={"request": invitation.pk},
    )
    _tell(
        [initiative.lead_organisation_id],
        kind=Notification.Kind.PARTNER_REQUEST_DECISION,
        initiative=initiative,
        acting_user=acting_user,
        template="partner_invitation_answered",
        partner_request=invitation,
        details={"accepted": invitation.status == PartnerRequest.Status.ACCEPTED},
    )
    return invitation


@transaction.atomic
def partner_invitation_cancel(*, invitation, acting_user) -> PartnerRequest:
    """The lead's contact takes an unanswered invitation back."""
    invitation = _locked_request(invitation)
    initiative = _locked(invitation.initiative)
    _require(
        invitation.kind == PartnerRequest.Kind.INVITATION
        and permissions.is_lead_contact(acting_user, initiative)
    )
    if not invitation.is_pending:
        raise InitiativeError(_("This invitation is no longer open."))
    return _partner_request_close(
        invitation,
        initiative=initiative,
        acting_user=acting_user,
        event_kind=InitiativeEvent.Kind.INVITATION_CANCELLED,
        tell_organisation_id=invitation.organisation_id,
    )


# --- Partners: leaving and handing over the lead -----------------------------------------------


@transaction.atomic
def partner_leave(*, initiative, acting_user, note: str = "") -> InitiativePartner:
    """A partner's contact takes its organisation out of an open initiative; its commitments
    end with it. The lead cannot leave without handing the lead over first. (A suspended
    member may leave too: leaving asks nothing of the others.)"""
    initiative = _locked(initiative)
    representative = representative_of(acting_user)
    partner = (
        permissions.partner_row(initiative, representative.organisation_id)
        if representative is not None and representative.is_contact
        else None
    )
    _require(partner is not None)
    if partner.is_lead:
        raise InitiativeError(
            _("The lead organisation cannot leave: hand the lead over to another partner first.")
        )
    _refuse_if_closed(initiative)
    now = timezone.now()
    partner = InitiativePartner.objects.select_for_update().get(pk=partner.pk)
    partner.left_at = now
    partner.save(update_fields=["left_at"])
    withdrawn = Commitment.objects.filter(
        initiative=initiative, organisation_id=partner.organisation_id, superseded_at__isnull=True
    ).update(superseded_at=now)
    _event(
        initiative=initiative,
        kind=InitiativeEvent.Kind.PARTNER_LEFT,
        actor=acting_user,
        organisation=partner.organisation,
        note=note.strip(),
        details={"commitments_withdrawn": withdrawn},
    )
    _notify_partners(initiative, acting_user=acting_user, details={"event": "partner_left"})
    return partner


@transaction.atomic
def lead_handover(*, initiative, acting_user, organisation, note: str = "") -> Initiative:
    """The lead's contact hands the lead to another partner (an active member with the partner
    role); the former lead stays as a partner."""
    initiative = _locked(initiative)
    _require(permissions.is_lead_contact(acting_user, initiative))
    _refuse_if_closed(initiative)
    rows = {
        row.organisation_id: row
        for row in InitiativePartner.objects.select_for_update()
        .filter(initiative=initiative, left_at__isnull=True)
        .select_related("organisation")
    }
    new_lead = rows.get(organisation.pk)
    if new_lead is None or new_lead.is_lead:
        raise InitiativeError(_("Hand the lead over to another partner of the initiative."))
    if new_lead.role != InitiativePartner.Role.PARTNER:
        raise InitiativeError(
            _("An observer cannot lead: make %(organisation)s a partner first.")
            % {"organisation": organisation.name}
        )
    if not new_lead.organisation.is_active_member:
        raise InitiativeError(
            _("%(organisation)s is not an active member: it cannot lead.")
            % {"organisation": organisation.name}
        )
    old_lead = rows[initiative.lead_organisation_id]
    # In this order: at no moment two leads (the one_lead constraint is not deferred).
    old_lead.role = InitiativePartner.Role.PARTNER
    old_lead.save(update_fields=["role"])
    new_lead.role = InitiativePartner.Role.LEAD
    new_lead.save(update_fields=["role"])
    former = initiative.lead_organisation
    initiative.lead_organisation = new_lead.organisation
    initiative.updated_at = timezone.now()
    initiative.save(update_fields=["lead_organisation", "updated_at"])
    _event(
        initiative=initiative,
        kind=InitiativeEvent.Kind.LEAD_HANDED_OVER,
        actor=acting_user,
        organisation=new_lead.organisation,
        note=note.strip(),
        details={"from_organisation": former.pk, "from_name": former.name},
    )
    _notify_partners(initiative, acting_user=acting_user, details={"event": "lead_handover"})
    return initiative


# --- Pooling resources ------------------------------------------------------------------------


def _amount(value) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as error:
        raise ValidationError({"amount": _("Enter a number.")}) from error
    if not amount.is_finite():
        raise ValidationError({"amount": _("Enter a number.")})
    return amount


@transaction.atomic
def commitment_record(
    *, initiative, acting_user, kind: str, amount, description: str
) -> Commitment:
    """The contact of a lead or partner organisation records what it commits of one kind of
    resource. A change supersedes the organisation's previous commitment of that kind (the
    rows are the history)."""
    initiative = _locked(initiative)
    partner = permissions.committing_partner(acting_user, initiative)
    _require(partner is not None)
    _refuse_if_closed(
        initiative, _("A completed or cancelled initiative takes no new commitments.")
    )
    if kind not in Commitment.Kind.values:
        raise ValidationError({"kind": _("Choose a kind of resource from the list.")})
    amount, description = _amount(amount), description.strip()
    previous = (
        Commitment.objects.select_for_update()
        .filter(
            initiative=initiative,
            organisation_id=partner.organisation_id,
            kind=kind,
            superseded_at__isnull=True,
        )
        .first()
    )
    if previous is not None and (previous.amount, previous.description) == (amount, description):
        return previous
    now = timezone.now()
    commitment = Commitment(
        initiative=initiative,
        organisation_id=partner.organisation_id,
        kind=kind,
        amount=amount,
        description=description,
        recorded_by=acting_user,
        created_at=now,
    )
    if previous is not None:
        previous.superseded_at = now
        previous.save(update_fields=["superseded_at"])
    commitment.full_clean()
    commitment.save()
    event = _event(
        initiative=initiative,
        kind=InitiativeEvent.Kind.COMMITMENT_RECORDED,
        actor=acting_user,
        organisation=partner.organisation,
        note=description,
        details={
            "commitment": commitment.pk,
            "kind": kind,
            "amount": str(amount),
            "previous_amount": str(previous.amount) if previous else None,
        },
    )
    _notify_change(initiative, event, acting_user=acting_user, commitment=commitment)
    return commitment


@transaction.atomic
def commitment_withdraw(*, initiative, acting_user, kind: str) -> Commitment:
    """The organisation no longer commits this kind of resource (its contact says so)."""
    initiative = _locked(initiative)
    partner = permissions.committing_partner(acting_user, initiative)
    _require(partner is not None)
    _refuse_if_closed(initiative)
    current = (
        Commitment.objects.select_for_update()
        .filter(
            initiative=initiative,
            organisation_id=partner.organisation_id,
            kind=kind,
            superseded_at__isnull=True,
        )
        .first()
    )
    if current is None:
        raise InitiativeError(_("Your organisation has no commitment of this kind."))
    current.superseded_at = timezone.now()
    current.save(update_fields=["superseded_at"])
    event = _event(
        initiative=initiative,
        kind=InitiativeEvent.Kind.COMMITMENT_WITHDRAWN,
        actor=acting_user,
        organisation=partner.organisation,
        details={"commitment": current.pk, "kind": kind, "amount": str(current.amount)},
    )
    _notify_change(initiative, event, acting_user=acting_user, commitment=current)
    return current


# --- News and documents -----------------------------------------------------------------------


def _contributing(initiative, acting_user):
    partner = permissions.contributing_partner(acting_user, initiative)
    _require(partner is not None)
    if initiative.status == InitiativeStatus.CANCELLED:
        raise InitiativeError(
            _("This initiative is cancelled: it can be read but no longer changed.")
        )
    return partner


@transaction.atomic
def news_update_post(*, initiative, acting_user, title: str, body: str) -> NewsUpdate:
    """A representative of a lead or partner organisation posts news (Markdown, rendered and
    sanitised once). A completed initiative still takes news (its results); a cancelled one
    takes none."""
    initiative = _locked(initiative)
    partner = _contributing(initiative, acting_user)
    rendered = render_markdown(body)
    news = NewsUpdate(
        initiative=initiative,
        author=acting_user,
        organisation=partner.organisation,
        title=title.strip(),
        body=body,
        body_html=rendered.html,
    )
    errors = {}
    if rendered.is_empty:
        errors["body"] = [_("Your news is empty. Write something before posting.")]
    try:
        news.full_clean(exclude=["body_html"])
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    news.save()
    _event(
        initiative=initiative,
        kind=InitiativeEvent.Kind.NEWS_POSTED,
        actor=acting_user,
        organisation=partner.organisation,
        details={"news": news.pk, "title": news.title},
    )
    _notify_partners(initiative, acting_user=acting_user, details={"title": news.title})
    return news


@transaction.atomic
def document_add(*, initiative, acting_user, upload, title: str = "") -> InitiativeDocument:
    """A representative of a lead or partner organisation adds a document, checked by content
    with the dialogues' attachment rules."""
    initiative = _locked(initiative)
    partner = _contributing(initiative, acting_user)
    if initiative.documents.count() >= MAX_DOCUMENTS_PER_INITIATIVE:
        raise InitiativeError(
            _("An initiative holds at most %(count)d documents; remove one first.")
            % {"count": MAX_DOCUMENTS_PER_INITIATIVE}
        )
    try:
        info = attachment_check(upload)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}, code="attachment") from error
    document = InitiativeDocument(
        initiative=initiative,
        title=title.strip(),
        original_name=info.original_name,
        content_type=info.content_type,
        size=info.size,
        uploaded_by=acting_user,
        organisation=partner.organisation,
    )
    document.full_clean(exclude=["file"])
    upload.seek(0)
    document.file.save(info.original_name, File(upload), save=False)
    document.save()
    event = _event(
        initiative=initiative,
        kind=InitiativeEvent.Kind.DOCUMENT_ADDED,
        actor=acting_user,
        organisation=partner.organisation,
        details={"document": document.pk, "name": document.display_title},
    )
    _notify_change(initiative, event, acting_user=acting_user)
    return document


@transaction.atomic
def document_remove(*, document, acting_user) -> None:
    """The person who added a document, or the lead's contact, removes it; the file goes from
    storage once the removal is committed."""
    document = InitiativeDocument.objects.select_related("initiative").get(pk=document.pk)
    initiative = _locked(document.initiative)
    _require(
        (
            document.uploaded_by_id == acting_user.pk
            and permissions.active_representative(acting_user) is not None
        )
        or permissions.is_lead_contact(acting_user, initiative)
    )
    storage, name = document.file.storage, document.file.name
    event = _event(
        initiative=initiative,
        kind=InitiativeEvent.Kind.DOCUMENT_REMOVED,
        actor=acting_user,
        organisation=document.organisation,
        details={"name": document.display_title},
    )
    document.delete()
    transaction.on_commit(lambda: storage.delete(name))
    _notify_change(initiative, event, acting_user=acting_user)


# --- The funding-source vocabulary (edited by the secretariat in its workspace) ---------------


@transaction.atomic
def funding_source_save(*, acting_user, data: dict, funding_source=None) -> FundingSource:
    """The secretariat adds a funding source or renames one (in English, French and German).
    The slug, which the directory's filter links use, is made once and never changes."""
    _require(acting_user.has_perm("initiatives.change_fundingsource"))
    if funding_source is None:
        _require(acting_user.has_perm("initiatives.add_fundingsource"))
        funding_source = FundingSource(slug=_unique_funding_source_slug(data.get("name", "")))
    for name in ("name", "name_fr", "name_de"):
        setattr(funding_source, name, (data.get(name) or "").strip())
    funding_source.full_clean(validate_constraints=False)
    others = FundingSource.objects.filter(name__iexact=funding_source.name)
    if others.exclude(pk=funding_source.pk).exists():
        raise ValidationError({"name": _("A funding source with this name exists already.")})
    funding_source.save()
    return funding_source


@transaction.atomic
def funding_source_delete(*, acting_user, funding_source) -> None:
    """Only a source no initiative names goes: the initiatives keep their history, and their
    funding source is protected (on_delete=PROTECT)."""
    _require(acting_user.has_perm("initiatives.delete_fundingsource"))
    funding_source = FundingSource.objects.select_for_update().get(pk=funding_source.pk)
    used_by = funding_source.initiatives.count()
    if used_by:
        raise InitiativeError(
            ngettext(
                "“%(name)s” cannot be deleted: %(count)d initiative names it. Rename it "
                "instead, or change that initiative's funding source first.",
                "“%(name)s” cannot be deleted: %(count)d initiatives name it. Rename it "
                "instead, or change those initiatives' funding source first.",
                used_by,
            )
            % {"name": funding_source.name, "count": used_by}
        )
    funding_source.delete()


def _unique_funding_source_slug(name: str) -> str:
    base = slugify(name)[:70] or "funding-source"
    slug, number = base, 2
    while FundingSource.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug
