"""Reads of the members app, shaped for the pages that show them, with access rules built in."""

import difflib
import re
import unicodedata
from datetime import timedelta
from urllib.parse import urlparse

from allauth.account.models import EmailAddress
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from initiatives.similarity import name_prefix_query, organisation_name_vector
from members.models import (
    OPEN_APPLICATION_STATUSES,
    ClusterProgramme,
    JoinRequest,
    MembershipApplication,
    MembershipStatusChange,
    Organisation,
    PolicyTheme,
    Representative,
    RepresentativeInvitation,
)
from members.permissions import is_contact_of, is_secretariat, representative_of


def organisation_list_public():
    """Active members for the public directory: one query for the rows, one for their themes.
    The programme count is a subquery rather than a join and GROUP BY, so that it is made for
    the rows of the page only, and the paginator's count leaves it out (bench/NOTES.md)."""
    programme_count = (
        ClusterProgramme.objects.filter(organisation=OuterRef("pk"))
        .order_by()
        .values("organisation")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        Organisation.objects.filter(membership_status=Organisation.MembershipStatus.ACTIVE)
        .annotate(programme_count=Coalesce(Subquery(programme_count), 0))
        .prefetch_related("themes")
    )


def organisations_named(text: str):
    """Organisations, members or not, whose name holds every word of `text` as the start of a
    word, accents aside ("agence reg" finds "Agence régionale…"); none without words. Uses the
    index on the names' vector."""
    query = name_prefix_query(text)
    if query is None:
        return Organisation.objects.none()
    return Organisation.objects.annotate(name_vector=organisation_name_vector()).filter(
        name_vector=query
    )


def organisation_get_for_viewer(*, user, slug) -> Organisation:
    """An organisation's profile: public while active; otherwise only its own representatives
    and the secretariat see it, and everyone else gets a 404."""
    organisation = (
        Organisation.objects.prefetch_related("themes", "programmes").filter(slug=slug).first()
    )
    if organisation is None:
        raise Http404
    if organisation.is_active_member or is_secretariat(user):
        return organisation
    representative = representative_of(user)
    if representative and representative.organisation_id == organisation.pk:
        return organisation
    raise Http404


# A profile names at most this many people (contacts first): the largest organisations have
# hundreds of representatives, and the page would grow with them (bench/NOTES.md).
REPRESENTATIVES_SHOWN = 50


def representatives_shown(*, organisation) -> tuple[list, int]:
    """The first REPRESENTATIVES_SHOWN representatives of the organisation, contacts first then
    by name, and how many there are in all. Two queries. For those who may see names (the
    view decides)."""
    representatives = organisation.representatives.select_related("user").order_by(
        "role", "user__full_name", "pk"
    )
    shown = list(representatives[:REPRESENTATIVES_SHOWN])
    total = len(shown) if len(shown) < REPRESENTATIVES_SHOWN else representatives.count()
    return shown, total


def organisation_get_for_contact(*, user, slug) -> Organisation:
    """An organisation the user may manage (its contact, or the secretariat); else 404."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None or not (is_contact_of(user, organisation) or is_secretariat(user)):
        raise Http404
    return organisation


def application_get_for_user(*, user, pk) -> MembershipApplication:
    """The applicant and the secretariat see an application; everyone else gets a 404."""
    application = (
        MembershipApplication.objects.select_related("applicant", "organisation")
        .prefetch_related("themes", "transitions__actor")
        .filter(pk=pk)
        .first()
    )
    if application is None or not (application.applicant_id == user.pk or is_secretariat(user)):
        raise Http404
    return application


def application_queue(*, statuses=OPEN_APPLICATION_STATUSES):
    """Applications for the secretariat's review queue, oldest first: the open ones by default,
    those of the given statuses, or every application with statuses=None."""
    applications = MembershipApplication.objects.select_related("applicant")
    if statuses is not None:
        applications = applications.filter(status__in=statuses)
    return applications.order_by("submitted_at", "pk")


# --- Possible duplicates ------------------------------------------------------------------

_LEGAL_WORDS = re.compile(
    r"\b(the|of|for|and|de|du|des|la|le|der|die|das|für|und|agency|ministry|region|regional|"
    r"national|authority|office|gmbh|ag|sa|spa)\b"
)


def _normalised_name(name: str) -> str:
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    name = _LEGAL_WORDS.sub(" ", re.sub(r"[^a-z0-9 ]+", " ", name))
    return " ".join(name.split())


def _domain(url: str) -> str:
    host = urlparse(url).hostname or ""
    return host.removeprefix("www.")


def _similar(a: str, b: str) -> bool:
    a, b = _normalised_name(a), _normalised_name(b)
    if not a or not b:
        return False
    return a == b or a in b or b in a or difflib.SequenceMatcher(None, a, b).ratio() >= 0.8


def application_possible_duplicates(*, application) -> dict:
    """Organisations and open applications that may be the same body: the same country and a
    similar name, or the same website domain. Each has `duplicate_reasons`, the words that say
    why it was flagged. (pg_trgm is not available on every database we run on, so names are
    compared here, over one country's rows.)"""
    domain = _domain(application.website)
    domain_q = Q(website__icontains=domain) if domain else Q(pk__in=[])

    def flagged(rows, name_of):
        for row in rows:
            reasons = []
            if row.country == application.country and _similar(
                name_of(row), application.organisation_name
            ):
                reasons.append(_("similar name in the same country"))
            if domain and _domain(row.website) == domain:
                reasons.append(_("same website domain (%(domain)s)") % {"domain": domain})
            if reasons:
                row.duplicate_reasons = reasons
                yield row

    organisations = list(
        flagged(
            Organisation.objects.filter(Q(country=application.country) | domain_q).only(
                "name", "slug", "website", "country", "membership_status"
            ),
            lambda organisation: organisation.name,
        )
    )
    applications = list(
        flagged(
            MembershipApplication.objects.filter(
                Q(country=application.country) | domain_q, status__in=OPEN_APPLICATION_STATUSES
            )
            .exclude(pk=application.pk)
            .only("organisation_name", "website", "country", "status", "submitted_at"),
            lambda other: other.organisation_name,
        )
    )
    return {"organisations": organisations, "applications": applications}


# --- A person's own membership: applications, join requests, invitations ----------------------


def applications_of_user(*, user):
    """The applications a person has made, newest first."""
    return MembershipApplication.objects.filter(applicant=user).order_by("-submitted_at", "-pk")


def application_open_of_user(*, user):
    """The person's open application, or None."""
    return applications_of_user(user=user).filter(status__in=OPEN_APPLICATION_STATUSES).first()


def join_requests_of_user(*, user):
    """The requests a person has made to join member organisations, newest first."""
    return (
        JoinRequest.objects.filter(user=user)
        .select_related("organisation")
        .order_by("-created_at", "-pk")
    )


def join_request_pending_of_user(*, user):
    return join_requests_of_user(user=user).filter(status=JoinRequest.Status.PENDING).first()


def join_request_get_for_requester(*, user, pk) -> JoinRequest:
    """A join request its own requester may act on; everyone else gets a 404."""
    join_request = JoinRequest.objects.select_related("organisation").filter(pk=pk).first()
    if join_request is None or join_request.user_id != user.pk:
        raise Http404
    return join_request


def join_request_get_for_decider(*, user, pk) -> JoinRequest:
    """A join request the organisation's contact or the secretariat may answer; else 404."""
    join_request = JoinRequest.objects.select_related("organisation", "user").filter(pk=pk).first()
    if join_request is None or not (
        is_contact_of(user, join_request.organisation) or is_secretariat(user)
    ):
        raise Http404
    return join_request


# How long answered join requests stay listed under the pending ones.
JOIN_REQUEST_RECENT_DAYS = 90
JOIN_REQUEST_RECENT_LIMIT = 20


def join_requests_pending_for_organisation(*, organisation):
    """Requests waiting for the contact's answer, oldest first."""
    return (
        JoinRequest.objects.filter(organisation=organisation, status=JoinRequest.Status.PENDING)
        .select_related("user")
        .order_by("created_at", "pk")
    )


def join_requests_recently_decided_for_organisation(*, organisation):
    """Requests answered (or withdrawn) in the last JOIN_REQUEST_RECENT_DAYS days, newest first."""
    since = timezone.now() - timedelta(days=JOIN_REQUEST_RECENT_DAYS)
    return (
        JoinRequest.objects.filter(organisation=organisation, decided_at__gte=since)
        .exclude(status=JoinRequest.Status.PENDING)
        .select_related("user", "decided_by")
        .order_by("-decided_at", "-pk")[:JOIN_REQUEST_RECENT_LIMIT]
    )


def _verified_emails(user):
    return EmailAddress.objects.filter(user=user, verified=True).values("email")


def invitations_pending_for_user(*, user):
    """Pending invitations addressed to the person's (verified) email address."""
    return (
        RepresentativeInvitation.objects.filter(
            status=RepresentativeInvitation.Status.PENDING, email__iexact=user.email
        )
        .filter(Exists(_verified_emails(user).filter(email__iexact=OuterRef("email"))))
        .select_related("organisation", "invited_by")
        .order_by("-created_at")
    )


def invitation_get_for_invitee(*, user, pk) -> RepresentativeInvitation:
    """An invitation for the person it was sent to, signed in with that verified address.
    Anyone else gets a 404: invitations are not revealed to others."""
    invitation = (
        RepresentativeInvitation.objects.select_related("organisation", "invited_by")
        .filter(pk=pk, email__iexact=user.email)
        .filter(Exists(_verified_emails(user).filter(email__iexact=OuterRef("email"))))
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation


# --- An organisation's own pages (profile, representatives, membership status) ------------------


def organisation_get_for_secretariat(*, user, slug) -> Organisation:
    """An organisation with its membership status history, for the secretariat only; 404 for
    everyone else (whether the organisation exists is not theirs to know)."""
    if not is_secretariat(user):
        raise Http404
    organisation = (
        Organisation.objects.prefetch_related(
            Prefetch(
                "status_changes",
                queryset=MembershipStatusChange.objects.select_related("actor").order_by(
                    "-created_at", "-pk"
                ),
            )
        )
        .filter(slug=slug)
        .first()
    )
    if organisation is None:
        raise Http404
    return organisation


def representative_list_for_organisation(*, organisation):
    """The organisation's representatives for its management page: contacts first, by name."""
    return (
        Representative.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("role", "user__full_name", "pk")
    )


def invitation_list_pending(*, organisation):
    """Invitations the organisation has sent and nobody has answered yet, newest first."""
    return RepresentativeInvitation.objects.filter(
        organisation=organisation, status=RepresentativeInvitation.Status.PENDING
    ).order_by("-created_at", "-pk")


def policy_theme_list():
    """The vocabulary for the secretariat, with how many active members use each theme."""
    return PolicyTheme.objects.annotate(
        organisation_count=Count(
            "organisations",
            filter=Q(organisations__membership_status=Organisation.MembershipStatus.ACTIVE),
        )
    ).order_by("name")
