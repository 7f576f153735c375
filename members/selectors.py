"""Reads of the members app, shaped for the pages that show them, with access rules built in."""

import difflib
import re
import unicodedata
from urllib.parse import urlparse

from django.db.models import Count, Prefetch, Q
from django.http import Http404

from members.models import (
    OPEN_APPLICATION_STATUSES,
    MembershipApplication,
    Organisation,
    Representative,
)
from members.permissions import is_contact_of, is_secretariat, representative_of


def organisation_list_public():
    """Active members for the public directory: one query for the rows, one for their themes."""
    return (
        Organisation.objects.filter(membership_status=Organisation.MembershipStatus.ACTIVE)
        .annotate(programme_count=Count("programmes", distinct=True))
        .prefetch_related("themes")
    )


def organisation_get_for_viewer(*, user, slug) -> Organisation:
    """An organisation's profile: public while active; otherwise only its own representatives
    and the secretariat see it, and everyone else gets a 404."""
    organisation = (
        Organisation.objects.prefetch_related(
            "themes",
            "programmes",
            Prefetch(
                "representatives",
                queryset=Representative.objects.select_related("user").order_by(
                    "role", "user__full_name"
                ),
            ),
        )
        .filter(slug=slug)
        .first()
    )
    if organisation is None:
        raise Http404
    if organisation.is_active_member or is_secretariat(user):
        return organisation
    representative = representative_of(user)
    if representative and representative.organisation_id == organisation.pk:
        return organisation
    raise Http404


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


def application_queue():
    """Open applications, oldest first, for the secretariat's review queue."""
    return (
        MembershipApplication.objects.filter(status__in=OPEN_APPLICATION_STATUSES)
        .select_related("applicant")
        .order_by("submitted_at", "pk")
    )


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
    similar name, or the same website domain. (pg_trgm is not available on every database we
    run on, so names are compared here, over one country's rows.)"""
    domain = _domain(application.website)
    domain_q = Q(website__icontains=domain) if domain else Q(pk__in=[])
    organisations = [
        organisation
        for organisation in Organisation.objects.filter(
            Q(country=application.country) | domain_q
        ).only("name", "slug", "website", "country", "membership_status")
        if _similar(organisation.name, application.organisation_name)
        or (domain and _domain(organisation.website) == domain)
    ]
    applications = [
        other
        for other in MembershipApplication.objects.filter(
            Q(country=application.country) | domain_q, status__in=OPEN_APPLICATION_STATUSES
        )
        .exclude(pk=application.pk)
        .only("organisation_name", "website", "country", "status", "submitted_at")
        if _similar(other.organisation_name, application.organisation_name)
        or (domain and _domain(other.website) == domain)
    ]
    return {"organisations": organisations, "applications": applications}
