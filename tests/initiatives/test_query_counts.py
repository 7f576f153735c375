"""The directory and an initiative's page run in the same number of queries with few rows and
with many: no query per initiative, partner, commitment or candidate."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchVector
from django.utils import timezone

from initiatives import selectors, services
from initiatives.filters import InitiativeFilterSet
from initiatives.models import (
    Commitment,
    Initiative,
    InitiativeEvent,
    InitiativePartner,
    InitiativeStatus,
    PartnerRequest,
)
from initiatives.permissions import initiative_access
from tests.dialogues.factories import pdf_file
from tests.initiatives.factories import InitiativeFactory, contact_user, funding
from tests.members.factories import (
    ClusterProgrammeFactory,
    ContactFactory,
    OrganisationFactory,
    PolicyThemeFactory,
)

pytestmark = pytest.mark.django_db

# One bound for both sizes (about half of it is the person's role, as in a fresh request).
DIRECTORY_QUERIES = 4
PAGE_QUERIES = 19


def _fresh(user):
    """The user as a request loads it: nothing cached yet."""
    return get_user_model().objects.get(pk=user.pk)


def _many_initiatives(count, lead, themes):
    """`count` initiatives led by `lead`, each with a second partner, made in bulk (the
    services make a thread and a dozen rows each, which would make this test slow)."""
    partner = OrganisationFactory(country="DK")
    now = timezone.now()
    initiatives = Initiative.objects.bulk_create(
        [
            Initiative(
                title=f"Bulk initiative {index}",
                slug=f"bulk-initiative-{index}",
                summary="Clusters pool testbeds.",
                objectives="Matchmaking.",
                lead_organisation=lead,
                status=InitiativeStatus.values[index % len(InitiativeStatus.values)],
                countries=["AT", "DK"],
                funding_source=funding("interreg"),
                start_date=date(2026, 1, 1),
                created_at=now,
                updated_at=now,
            )
            for index in range(count)
        ]
    )
    InitiativePartner.objects.bulk_create(
        [
            InitiativePartner(initiative=initiative, organisation=organisation, role=role)
            for initiative in initiatives
            for organisation, role in ((lead, "lead"), (partner, "partner"))
        ]
    )
    Initiative.objects.filter(pk__in=[i.pk for i in initiatives]).update(
        search_vector=SearchVector("title", "summary", "objectives", config="simple")
    )
    Initiative.themes.through.objects.bulk_create(
        [
            Initiative.themes.through(initiative=initiative, policytheme=theme)
            for initiative in initiatives
            for theme in themes
        ]
    )


def _directory_as_a_template_would(data):
    filterset = InitiativeFilterSet(data)
    shown = []
    for initiative in filterset.qs[:200]:
        shown += [initiative.title, initiative.get_status_display(), initiative.period]
        shown += [initiative.lead_organisation.name, initiative.partner_count]
        shown += [theme.display_name for theme in initiative.themes.all()]
        shown += initiative.country_names
        if initiative.funding_source is not None:
            shown.append(initiative.funding_source.display_name)
    return shown


@pytest.mark.parametrize("count", [3, 200])
@pytest.mark.parametrize(
    "data", [{}, {"country": "DK", "theme": "green", "funding_source": "interreg", "q": "testbeds"}]
)
def test_the_directory_in_a_fixed_number_of_queries(
    count, data, lead_organisation, django_assert_max_num_queries
):
    themes = [PolicyThemeFactory(slug="green"), PolicyThemeFactory(slug="digital")]
    _many_initiatives(count, lead_organisation, themes)
    with django_assert_max_num_queries(DIRECTORY_QUERIES):
        shown = _directory_as_a_template_would(data)
    assert len(shown) >= count * 8


def _page_as_a_template_would(user, slug):
    initiative = selectors.initiative_get_for_viewer(user=user, slug=slug)
    access = initiative_access(user=user, initiative=initiative)
    shown = [initiative.title, initiative.lead_organisation.name, access]
    shown += [theme.display_name for theme in initiative.themes.all()]
    if initiative.funding_source is not None:
        shown.append(initiative.funding_source.display_name)
    if initiative.thread is not None:
        shown += [initiative.thread.title, initiative.thread.topic.slug]
    for partner in selectors.partner_list_for_viewer(user=user, initiative=initiative):
        shown += [partner.organisation.name, partner.get_role_display()]
        shown += [(c.user.full_name, c.user.email) for c in partner.contact_people]
    pooled = selectors.commitment_totals(initiative=initiative)
    shown += [(row.label, row.total) for row in pooled.by_kind]
    for row in pooled.by_partner:
        shown += [row.organisation.name] + [row.amount(kind) for kind in Commitment.Kind.values]
    for commitment in selectors.commitment_history(initiative=initiative):
        shown += [commitment.organisation.name, commitment.recorded_by.full_name]
    for news in selectors.news_update_list(initiative=initiative):
        shown += [news.title, news.body_html, news.author.full_name, news.organisation.name]
    for document in selectors.document_list_for_user(user=user, initiative=initiative):
        shown += [document.display_title, document.uploaded_by.full_name]
    for event in selectors.initiative_event_list(initiative=initiative)[:50]:
        shown += [event.get_kind_display(), event.actor.full_name if event.actor else ""]
        shown.append(event.organisation.name if event.organisation else "")
    for pending in selectors.partner_requests_pending_for_initiative(
        user=user, initiative=initiative
    ):
        shown += [pending.organisation.name, pending.created_by.full_name]
    for match in selectors.initiative_similar(
        draft=selectors.InitiativeDraft.from_initiative(initiative), exclude=initiative
    ):
        shown += [str(match.item), match.reasons]
    if access.can_invite:
        for suggestion in selectors.initiative_partner_suggestions(
            user=user, initiative=initiative
        ):
            shown += [suggestion.organisation.name, suggestion.reasons]
    return shown


@pytest.mark.parametrize("count", [3, 50])
def test_the_initiative_page_in_a_fixed_number_of_queries(
    count, lead_contact, member, anonymous, django_assert_max_num_queries
):
    green = PolicyThemeFactory(slug="green", name="Green transition")
    initiative = InitiativeFactory(
        proposer=lead_contact,
        title="Hydrogen valleys",
        summary="Hydrogen clusters pool testbeds.",
        countries=["AT"],
        themes=[green],
        funding_source=funding("interreg"),
        status=InitiativeStatus.SEEKING_PARTNERS,
    )
    organisations = [OrganisationFactory(country="DK") for _ in range(count)]
    contacts = [ContactFactory(organisation=organisation).user for organisation in organisations]
    now = timezone.now()
    InitiativePartner.objects.bulk_create(
        [InitiativePartner(initiative=initiative, organisation=o) for o in organisations]
    )
    Commitment.objects.bulk_create(
        [
            Commitment(
                initiative=initiative,
                organisation=organisation,
                kind=kind,
                amount=3,
                description="x",
                recorded_by=contact,
                created_at=now,
            )
            for organisation, contact in zip(organisations, contacts, strict=True)
            for kind in ("staff_days", "events")
        ]
    )
    InitiativeEvent.objects.bulk_create(
        [
            InitiativeEvent(
                initiative=initiative, kind="invitation_accepted", actor=contact, organisation=o
            )
            for o, contact in zip(organisations, contacts, strict=True)
        ]
    )
    for contact in contacts[:3]:
        services.news_update_post(
            initiative=initiative, acting_user=contact, title="News", body="**Text**"
        )
        services.document_add(initiative=initiative, acting_user=contact, upload=pdf_file())
    candidates = [OrganisationFactory(country="BE") for _ in range(count)]
    for organisation in candidates:
        organisation.themes.set([green])
        ClusterProgrammeFactory(organisation=organisation, name="Hydrogen testbeds")
    PartnerRequest.objects.bulk_create(
        [
            PartnerRequest(
                initiative=initiative,
                organisation=organisation,
                kind="request",
                statement="Let us in",
                created_by=contact_user(organisation),
            )
            for organisation in candidates[: count // 2 + 1]
        ]
    )
    other_proposer = contact_user(OrganisationFactory(country="FR"))
    for index in range(min(count, 10)):
        InitiativeFactory(
            proposer=other_proposer,
            title=f"Hydrogen testbeds {index}",
            countries=["AT"],
            themes=[green],
        )
    for user in (lead_contact, member, anonymous):
        user = user if not user.is_authenticated else _fresh(user)
        with django_assert_max_num_queries(PAGE_QUERIES):
            shown = _page_as_a_template_would(user, initiative.slug)
        assert len(shown) > count
