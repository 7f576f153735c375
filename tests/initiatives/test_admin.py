"""The admin shows the initiatives read-only; the secretariat edits the funding sources."""

import pytest
from django.urls import reverse

from initiatives.models import FundingSource
from tests.initiatives.factories import InitiativeFactory

pytestmark = pytest.mark.django_db


def test_the_admin_lists_and_shows_initiatives_without_changing_them(admin_client, lead_contact):
    initiative = InitiativeFactory(proposer=lead_contact, title="Hydrogen valleys")
    for name in [
        "initiative",
        "partnerrequest",
        "commitment",
        "newsupdate",
        "initiativedocument",
        "initiativeevent",
    ]:
        assert admin_client.get(reverse(f"admin:initiatives_{name}_changelist")).status_code == 200
    page = admin_client.get(reverse("admin:initiatives_initiative_change", args=[initiative.pk]))
    assert page.status_code == 200 and b"Hydrogen valleys" in page.content
    response = admin_client.post(
        reverse("admin:initiatives_initiative_change", args=[initiative.pk]), {"title": "Mine"}
    )
    assert response.status_code == 403
    initiative.refresh_from_db()
    assert initiative.title == "Hydrogen valleys"
    assert admin_client.get(reverse("admin:initiatives_initiative_add")).status_code == 403


def test_the_secretariat_edits_the_funding_sources(client, secretariat_user):
    secretariat_user.is_staff = True
    secretariat_user.save(update_fields=["is_staff"])
    client.force_login(secretariat_user)
    response = client.post(
        reverse("admin:initiatives_fundingsource_add"),
        {
            "name": "Digital Europe Programme",
            "name_fr": "Programme pour une Europe numérique",
            "name_de": "Programm Digitales Europa",
            "slug": "digital-europe",
        },
    )
    assert response.status_code == 302
    assert FundingSource.objects.get(slug="digital-europe").name_de == "Programm Digitales Europa"
    interreg = FundingSource.objects.get(slug="interreg")
    response = client.post(
        reverse("admin:initiatives_fundingsource_change", args=[interreg.pk]),
        {
            "name": "Interreg",
            "name_fr": "Interreg",
            "name_de": "Interreg (ETZ)",
            "slug": "interreg",
        },
    )
    assert response.status_code == 302
    interreg.refresh_from_db()
    assert interreg.name_de == "Interreg (ETZ)"
    # Initiatives read-only for the secretariat too.
    assert client.get(reverse("admin:initiatives_initiative_changelist")).status_code == 200
