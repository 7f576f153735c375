"""Writes of the members app: one function per action, each atomic, each checking its rules."""

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_record
from members.models import (
    APPLICANT,
    APPLICATION_TRANSITIONS,
    SECRETARIAT,
    ApplicationStatus,
    ApplicationTransition,
    ClusterProgramme,
    JoinRequest,
    MembershipApplication,
    MembershipStatusChange,
    Organisation,
    PolicyTheme,
    Representative,
    RepresentativeInvitation,
)
from members.permissions import (
    SECRETARIAT_GROUP,
    SECRETARIAT_PERMISSIONS,
    is_contact_of,
    is_secretariat,
    representative_of,
)
from notifications.models import Notification
from notifications.services import notifications_create, notifications_for_matching_organisation
from outbox.services import email_send_templated


class MembershipError(Exception):
    """A rule of membership refuses the action; the message is for the person who tried."""


# --- The secretariat group ---------------------------------------------------------------


def secretariat_group_sync(*, using: str = "default") -> Group:
    group, _created = Group.objects.using(using).get_or_create(name=SECRETARIAT_GROUP)
    wanted = []
    for dotted in SECRETARIAT_PERMISSIONS:
        app_label, codename = dotted.split(".")
        wanted.extend(
            Permission.objects.using(using).filter(
                content_type__app_label=app_label, codename=codename
            )
        )
    group.permissions.add(*wanted)
    return group


# --- The policy-theme vocabulary ----------------------------------------------------------------


@transaction.atomic
def policy_theme_save(*, acting_user, data: dict, theme=None) -> PolicyTheme:
    """The secretariat adds a theme or renames one (in English, French and German)."""
    _require(acting_user.has_perm("members.change_policytheme"))
    if theme is None:
        theme = PolicyTheme(slug=_unique_theme_slug(data.get("name", "")))
    for field in ("name", "name_fr", "name_de"):
        setattr(theme, field, data.get(field, "").strip())
    theme.full_clean()
    if PolicyTheme.objects.filter(name__iexact=theme.name).exclude(pk=theme.pk).exists():
        raise ValidationError({"name": _("A theme with this name exists already.")})
    theme.save()
    return theme


def _unique_theme_slug(name: str) -> str:
    base = slugify(name)[:70] or "theme"
    slug, number = base, 2
    while PolicyTheme.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


# --- Helpers -------------------------------------------------------------------------------


# Words the members URLs use for their own pages; no organisation may take them as its slug.
RESERVED_SLUGS = {
    "apply",
    "me",
    "applications",
    "review",
    "join-requests",
    "invitations",
    "themes",
    "import",
    "export",
}


def _unique_slug(name: str) -> str:
    base = slugify(name)[:200] or "organisation"
    if base in RESERVED_SLUGS:
        base = f"{base}-organisation"
    slug, number = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def _notify_contacts(organisation, template, context):
    """Mail each contact of the organisation, each in their own language."""
    contacts = organisation.representatives.filter(role=Representative.Role.CONTACT).select_related(
        "user"
    )
    for contact in contacts:
        _notify(contact.user, template, context)


def _notify(user, template, context):
    email_send_templated(
        to=[user.email],
        template=template,
        context={"recipient": user, **context},
        language=user.language,
    )


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


# --- Applications ----------------------------------------------------------------------------


@transaction.atomic
def application_submit(*, applicant, data: dict, themes=()) -> MembershipApplication:
    """A signed-in person applies to admit a new organisation."""
    if representative_of(applicant):
        raise MembershipError(_("You already represent a member organisation."))
    if applicant.membership_applications.filter(
        status__in=[s for s, t in APPLICATION_TRANSITIONS.items() if t]
    ).exists():
        raise MembershipError(_("You already have an open application."))
    application = MembershipApplication(applicant=applicant, **data)
    application.full_clean(exclude=["applicant"])
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as error:  # a second request raced past the check above
        raise MembershipError(_("You already have an open application.")) from error
    application.themes.set(themes)
    ApplicationTransition.objects.create(
        application=application, from_status="", to_status=application.status, actor=applicant
    )
    _notify(applicant, "members/application_received", {"application": application})
    return application


def application_transition_check(*, application, to_status) -> str:
    """Who may make the move (APPLICANT or SECRETARIAT); MembershipError if nobody may. Views call
    it to refuse an illegal action before looking at the rest of the form."""
    who = APPLICATION_TRANSITIONS[application.status].get(to_status)
    if who is None:
        raise MembershipError(
            _("An application that is “%(from)s” cannot become “%(to)s”.")
            % {
                "from": ApplicationStatus(application.status).label,
                "to": ApplicationStatus(to_status).label,
            }
        )
    return who


# The secretariat's decisions, as the audit trail names them.
AUDITED_DECISIONS = {
    ApplicationStatus.UNDER_REVIEW: AuditAction.APPLICATION_START_REVIEW,
    ApplicationStatus.INFORMATION_REQUESTED: AuditAction.APPLICATION_REQUEST_INFORMATION,
    ApplicationStatus.APPROVED: AuditAction.APPLICATION_APPROVE,
    ApplicationStatus.REJECTED: AuditAction.APPLICATION_REJECT,
}


def _transition(*, application, to_status, acting_user, note="") -> MembershipApplication:
    """Move an application along APPLICATION_TRANSITIONS, refusing anything else."""
    application = MembershipApplication.objects.select_for_update().get(pk=application.pk)
    who = application_transition_check(application=application, to_status=to_status)
    if who == APPLICANT:
        _require(acting_user.pk == application.applicant_id)
    if who == SECRETARIAT:
        _require(is_secretariat(acting_user))
    ApplicationTransition.objects.create(
        application=application,
        from_status=application.status,
        to_status=to_status,
        actor=acting_user,
        note=note,
    )
    if who == SECRETARIAT and to_status in AUDITED_DECISIONS:
        audit_record(
            actor=acting_user,
            action=AUDITED_DECISIONS[to_status],
            obj=application,
            object_label=application.organisation_name,
            changes={"status": [application.status, to_status], "note": note},
        )
    if who == SECRETARIAT and to_status in AUDITED_DECISIONS:
        # In the app too (the applicant is mailed apart: decisions are transactional mail).
        notifications_create(
            recipient_ids=[application.applicant_id],
            kind=Notification.Kind.APPLICATION_DECISION,
            actor=acting_user,
            application=application,
            details={"status": to_status},
        )
    application.status = to_status
    if to_status in (
        ApplicationStatus.APPROVED,
        ApplicationStatus.REJECTED,
        ApplicationStatus.WITHDRAWN,
    ):
        application.decided_at = timezone.now()
    application.save(update_fields=["status", "decided_at"])
    return application


@transaction.atomic
def application_start_review(*, application, acting_user) -> MembershipApplication:
    return _transition(
        application=application, to_status=ApplicationStatus.UNDER_REVIEW, acting_user=acting_user
    )


@transaction.atomic
def application_request_information(
    *, application, acting_user, question: str, request_document: bool = False
) -> MembershipApplication:
    if not question.strip():
        raise ValidationError({"question": _("Say what information you need.")})
    application = _transition(
        application=application,
        to_status=ApplicationStatus.INFORMATION_REQUESTED,
        acting_user=acting_user,
        note=question,
    )
    application.information_request = question
    application.document_requested = application.document_requested or request_document
    application.save(update_fields=["information_request", "document_requested"])
    _notify(
        application.applicant,
        "members/application_information_requested",
        {"application": application},
    )
    return application


@transaction.atomic
def application_resubmit(
    *, application, acting_user, response: str, document=None
) -> MembershipApplication:
    if not response.strip():
        raise ValidationError({"response": _("Answer the secretariat's question.")})
    if application.document_requested and not (document or application.supporting_document):
        raise ValidationError({"document": _("The secretariat asked for a supporting document.")})
    application = _transition(
        application=application,
        to_status=ApplicationStatus.RESUBMITTED,
        acting_user=acting_user,
        note=response,
    )
    application.applicant_response = response
    fields = ["applicant_response"]
    if document is not None:
        application.supporting_document = document
        application.full_clean(exclude=["applicant", "themes"])
        fields.append("supporting_document")
    application.save(update_fields=fields)
    return application


@transaction.atomic
def application_withdraw(*, application, acting_user) -> MembershipApplication:
    return _transition(
        application=application, to_status=ApplicationStatus.WITHDRAWN, acting_user=acting_user
    )


@transaction.atomic
def application_reject(*, application, acting_user, reason: str) -> MembershipApplication:
    if not reason.strip():
        raise ValidationError({"reason": _("Give the applicant a reason.")})
    application = _transition(
        application=application,
        to_status=ApplicationStatus.REJECTED,
        acting_user=acting_user,
        note=reason,
    )
    application.decision_reason = reason
    application.save(update_fields=["decision_reason"])
    _notify(application.applicant, "members/application_rejected", {"application": application})
    return application


@transaction.atomic
def application_checklist_update(
    *, application, acting_user, is_public_body, is_eligible_country, has_cluster_mandate
) -> MembershipApplication:
    _require(is_secretariat(acting_user))
    if not application.is_open:
        raise MembershipError(_("A decided application can no longer be changed."))
    application.is_public_body = is_public_body
    application.is_eligible_country = is_eligible_country
    application.has_cluster_mandate = has_cluster_mandate
    application.save(update_fields=["is_public_body", "is_eligible_country", "has_cluster_mandate"])
    return application


@transaction.atomic
def application_approve(
    *, application, acting_user, existing_organisation=None, note: str = ""
) -> MembershipApplication:
    """Admit the organisation (create it, or link an existing one) and make the applicant its
    contact."""
    application = _transition(
        application=application,
        to_status=ApplicationStatus.APPROVED,
        acting_user=acting_user,
        note=note,
    )
    applicant = application.applicant
    if representative_of(applicant):
        raise MembershipError(_("The applicant already represents a member organisation."))
    if existing_organisation is None:
        organisation = Organisation(
            name=application.organisation_name,
            slug=_unique_slug(application.organisation_name),
            kind=application.kind,
            country=application.country,
            region_code=application.region_code,
            nuts_code=application.nuts_code,
            website=application.website,
            description=application.description,
            member_since=timezone.localdate(),
        )
        organisation.full_clean()
        organisation.save()
        organisation.themes.set(application.themes.all())
        notifications_for_matching_organisation(organisation=organisation)
    else:
        organisation = existing_organisation
        if organisation.membership_status != Organisation.MembershipStatus.ACTIVE:
            _membership_status_set(
                organisation=organisation,
                to_status=Organisation.MembershipStatus.ACTIVE,
                acting_user=acting_user,
                note=_("Reinstated by an approved application."),
            )
    Representative.objects.create(
        user=applicant,
        organisation=organisation,
        role=Representative.Role.CONTACT,
        position=application.applicant_position,
    )
    application.organisation = organisation
    application.decision_reason = note
    application.save(update_fields=["organisation", "decision_reason"])
    _notify(
        applicant,
        "members/application_approved",
        {"application": application, "organisation": organisation},
    )
    return application


# --- Joining an existing member ----------------------------------------------------------------


@transaction.atomic
def join_request_create(*, user, organisation, position: str, message: str = "") -> JoinRequest:
    if representative_of(user):
        raise MembershipError(_("You already represent a member organisation."))
    if not organisation.is_active_member:
        raise MembershipError(_("Only active member organisations take new representatives."))
    if JoinRequest.objects.filter(user=user, status=JoinRequest.Status.PENDING).exists():
        raise MembershipError(_("You already have a pending request to join an organisation."))
    join_request = JoinRequest(
        user=user, organisation=organisation, position=position, message=message
    )
    join_request.full_clean()
    join_request.save()
    # The contacts are told in the app, and by email if they chose to be.
    notifications_create(
        recipient_ids=organisation.representatives.filter(
            role=Representative.Role.CONTACT
        ).values_list("user_id", flat=True),
        kind=Notification.Kind.JOIN_REQUEST,
        actor=user,
        organisation=organisation,
        join_request=join_request,
        via_organisation=organisation,
        contacts_only=True,
        email_template="members/join_request_received",
        email_context={"join_request": join_request},
    )
    return join_request


@transaction.atomic
def join_request_decide(*, join_request, acting_user, accept: bool, note: str = "") -> JoinRequest:
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    _require(is_secretariat(acting_user) or is_contact_of(acting_user, join_request.organisation))
    if join_request.status != JoinRequest.Status.PENDING:
        raise MembershipError(_("This request has already been answered."))
    if accept and representative_of(join_request.user):
        raise MembershipError(_("This person already represents a member organisation."))
    join_request.status = JoinRequest.Status.ACCEPTED if accept else JoinRequest.Status.DECLINED
    join_request.decided_by = acting_user
    join_request.decided_at = timezone.now()
    join_request.decision_note = note
    join_request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if accept:
        Representative.objects.create(
            user=join_request.user,
            organisation=join_request.organisation,
            position=join_request.position,
        )
    _notify(join_request.user, "members/join_request_decided", {"join_request": join_request})
    notifications_create(
        recipient_ids=[join_request.user_id],
        kind=Notification.Kind.JOIN_REQUEST_DECISION,
        actor=acting_user,
        organisation=join_request.organisation,
        join_request=join_request,
        details={"accepted": accept},
    )
    return join_request


@transaction.atomic
def join_request_withdraw(*, join_request, acting_user) -> JoinRequest:
    _require(join_request.user_id == acting_user.pk)
    if join_request.status != JoinRequest.Status.PENDING:
        raise MembershipError(_("This request has already been answered."))
    join_request.status = JoinRequest.Status.WITHDRAWN
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["status", "decided_at"])
    return join_request


# --- The organisation's profile and programmes --------------------------------------------------


@transaction.atomic
def organisation_update(*, organisation, acting_user, data: dict, themes=None) -> Organisation:
    _require(is_contact_of(acting_user, organisation) or is_secretariat(acting_user))
    for field, value in data.items():
        setattr(organisation, field, value)
    organisation.full_clean()
    organisation.save()
    if themes is not None:
        organisation.themes.set(themes)
    return organisation


@transaction.atomic
def programme_save(*, organisation, acting_user, data: dict, programme=None) -> ClusterProgramme:
    _require(is_contact_of(acting_user, organisation) or is_secretariat(acting_user))
    if programme is None:
        programme = ClusterProgramme(organisation=organisation)
    elif programme.organisation_id != organisation.pk:
        raise PermissionDenied
    for field, value in data.items():
        setattr(programme, field, value)
    programme.full_clean()
    programme.save()
    return programme


@transaction.atomic
def programme_delete(*, programme, acting_user) -> None:
    _require(is_contact_of(acting_user, programme.organisation) or is_secretariat(acting_user))
    programme.delete()


# --- Representatives ---------------------------------------------------------------------------


def _other_contacts(representative):
    return Representative.objects.filter(
        organisation_id=representative.organisation_id, role=Representative.Role.CONTACT
    ).exclude(pk=representative.pk)


def _can_manage(user, organisation):
    return is_contact_of(user, organisation) or is_secretariat(user)


def _audit_representative(representative, *, acting_user, action, changes):
    """The audit row of a change to a representative, labelled without the person's name (the
    log keeps no personal data; the user's id is in `changes`)."""
    audit_record(
        actor=acting_user,
        action=action,
        obj=representative,
        object_label=f"{representative.organisation.name}: representative #{representative.pk}",
        changes={"user_id": representative.user_id, **changes},
    )


@transaction.atomic
def representative_invite(
    *, organisation, email: str, role: str, acting_user
) -> RepresentativeInvitation:
    _require(_can_manage(acting_user, organisation))
    email = email.strip()
    if organisation.representatives.filter(user__email__iexact=email).exists():
        raise MembershipError(_("This person already represents your organisation."))
    if organisation.invitations.filter(
        email__iexact=email, status=RepresentativeInvitation.Status.PENDING
    ).exists():
        raise MembershipError(_("This person has already been invited."))
    invitation = RepresentativeInvitation(
        organisation=organisation, email=email, role=role, invited_by=acting_user
    )
    invitation.full_clean()
    invitation.save()
    email_send_templated(
        to=[email],
        template="members/representative_invited",
        context={"invitation": invitation},
        language=acting_user.language,
    )
    return invitation


@transaction.atomic
def invitation_accept(*, invitation, user) -> Representative:
    invitation = RepresentativeInvitation.objects.select_for_update().get(pk=invitation.pk)
    _require(invitation.email.lower() == user.email.lower())
    if invitation.status != RepresentativeInvitation.Status.PENDING:
        raise MembershipError(_("This invitation is no longer valid."))
    if representative_of(user):
        raise MembershipError(_("You already represent a member organisation."))
    invitation.status = RepresentativeInvitation.Status.ACCEPTED
    invitation.decided_at = timezone.now()
    invitation.save(update_fields=["status", "decided_at"])
    return Representative.objects.create(
        user=user, organisation=invitation.organisation, role=invitation.role
    )


@transaction.atomic
def invitation_cancel(*, invitation, acting_user) -> RepresentativeInvitation:
    _require(_can_manage(acting_user, invitation.organisation))
    if invitation.status == RepresentativeInvitation.Status.PENDING:
        invitation.status = RepresentativeInvitation.Status.CANCELLED
        invitation.decided_at = timezone.now()
        invitation.save(update_fields=["status", "decided_at"])
    return invitation


@transaction.atomic
def representative_role_change(*, representative, role: str, acting_user) -> Representative:
    representative = Representative.objects.select_for_update().get(pk=representative.pk)
    _require(_can_manage(acting_user, representative.organisation))
    if role not in Representative.Role.values:
        raise ValidationError({"role": _("Choose a role from the list.")})
    if representative.is_contact and role != Representative.Role.CONTACT:
        if not _other_contacts(representative).exists():
            raise MembershipError(
                _("An organisation must keep at least one contact. Name another contact first.")
            )
    _audit_representative(
        representative,
        acting_user=acting_user,
        action=AuditAction.REPRESENTATIVE_ROLE_CHANGE,
        changes={"role": [representative.role, role]},
    )
    representative.role = role
    representative.save(update_fields=["role"])
    return representative


@transaction.atomic
def representative_remove(*, representative, acting_user) -> None:
    representative = Representative.objects.select_for_update().get(pk=representative.pk)
    _require(
        _can_manage(acting_user, representative.organisation)
        or representative.user_id == acting_user.pk
    )
    if representative.is_contact and not _other_contacts(representative).exists():
        raise MembershipError(
            _("An organisation must keep at least one contact. Hand over the role first.")
        )
    if _can_manage(acting_user, representative.organisation):
        _audit_representative(
            representative,
            acting_user=acting_user,
            action=AuditAction.REPRESENTATIVE_REMOVE,
            changes={"role": [representative.role, None]},
        )
    representative.delete()


# Other apps register what a leaving representative hands over (follows, roles in initiatives).
HANDOVER_STEPS = []


@transaction.atomic
def representative_handover(*, leaving, successor, acting_user) -> Representative:
    """A policy officer leaves: their roles and follows go to a colleague of the same
    organisation, and their seat is freed. What they wrote stays attributed to them."""
    leaving = Representative.objects.select_for_update().get(pk=leaving.pk)
    successor = Representative.objects.select_for_update().get(pk=successor.pk)
    _require(_can_manage(acting_user, leaving.organisation) or leaving.user_id == acting_user.pk)
    if successor.organisation_id != leaving.organisation_id or successor.pk == leaving.pk:
        raise MembershipError(_("Hand over to another representative of the same organisation."))
    if _can_manage(acting_user, leaving.organisation):
        _audit_representative(
            leaving,
            acting_user=acting_user,
            action=AuditAction.REPRESENTATIVE_HANDOVER,
            changes={
                "successor_user_id": successor.user_id,
                "successor_role": [
                    successor.role,
                    Representative.Role.CONTACT if leaving.is_contact else successor.role,
                ],
            },
        )
    if leaving.is_contact and not successor.is_contact:
        successor.role = Representative.Role.CONTACT
        successor.save(update_fields=["role"])
    for step in HANDOVER_STEPS:
        step(leaving_user=leaving.user, successor_user=successor.user)
    leaving.delete()
    return successor


# --- Membership status ---------------------------------------------------------------------


def _membership_status_set(*, organisation, to_status, acting_user, note):
    MembershipStatusChange.objects.create(
        organisation=organisation,
        from_status=organisation.membership_status,
        to_status=to_status,
        actor=acting_user,
        note=note,
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.MEMBERSHIP_REINSTATE
        if to_status == Organisation.MembershipStatus.ACTIVE
        else AuditAction.MEMBERSHIP_SUSPEND,
        obj=organisation,
        changes={"membership_status": [organisation.membership_status, to_status], "note": note},
    )
    organisation.membership_status = to_status
    organisation.save(update_fields=["membership_status", "updated_at"])
    # Every representative sees it in the app (the contacts are also mailed, transactionally).
    notifications_create(
        recipient_ids=organisation.representatives.values_list("user_id", flat=True),
        kind=Notification.Kind.MEMBERSHIP_STATUS,
        actor=acting_user,
        organisation=organisation,
        via_organisation=organisation,
        details={"status": to_status},
    )


@transaction.atomic
def membership_suspend(*, organisation, acting_user, note: str) -> Organisation:
    _require(acting_user.has_perm("members.change_membership_status"))
    if organisation.membership_status != Organisation.MembershipStatus.ACTIVE:
        raise MembershipError(_("Only an active membership can be suspended."))
    if not note.strip():
        raise ValidationError({"note": _("Say why the membership is suspended.")})
    _membership_status_set(
        organisation=organisation,
        to_status=Organisation.MembershipStatus.SUSPENDED,
        acting_user=acting_user,
        note=note,
    )
    _notify_contacts(
        organisation, "members/membership_suspended", {"organisation": organisation, "note": note}
    )
    return organisation


@transaction.atomic
def membership_reinstate(*, organisation, acting_user, note: str = "") -> Organisation:
    _require(acting_user.has_perm("members.change_membership_status"))
    if organisation.membership_status == Organisation.MembershipStatus.ACTIVE:
        raise MembershipError(_("This membership is already active."))
    _membership_status_set(
        organisation=organisation,
        to_status=Organisation.MembershipStatus.ACTIVE,
        acting_user=acting_user,
        note=note,
    )
    _notify_contacts(
        organisation, "members/membership_reinstated", {"organisation": organisation, "note": note}
    )
    return organisation
