"""Proposing and editing, the discussion thread, commitments, news and documents."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import PermissionDenied, ValidationError

from dialogues import services as dialogue_services
from dialogues.models import Thread, Topic
from initiatives import services
from initiatives.models import (
    Commitment,
    Initiative,
    InitiativeDocument,
    InitiativeEvent,
    InitiativePartner,
)
from initiatives.services import JOINT_INITIATIVES_TOPIC_SLUG, InitiativeError
from tests.dialogues.factories import exe_file, pdf_file
from tests.initiatives.factories import (
    InitiativeFactory,
    add_partner,
    contact_user,
    funding,
    initiative_data,
)
from tests.members.factories import OrganisationFactory, PolicyThemeFactory

pytestmark = pytest.mark.django_db


# --- Proposing --------------------------------------------------------------------------------


def test_a_representative_proposes_and_their_organisation_leads(lead_representative):
    theme = PolicyThemeFactory(name="Green transition")
    initiative = services.initiative_propose(
        acting_user=lead_representative,
        data=initiative_data(funding_source=funding("interreg"), budget=Decimal("250000")),
        themes=[theme],
    )
    organisation = lead_representative.representative.organisation
    assert (initiative.status, initiative.lead_organisation) == ("proposed", organisation)
    assert list(initiative.themes.all()) == [theme]
    lead = InitiativePartner.objects.get(initiative=initiative)
    assert (lead.organisation, lead.role) == (organisation, "lead")
    assert (
        initiative.description_html
        == "<p>Three regions, one <strong>testbed network</strong>.</p>\n"
    )
    event = InitiativeEvent.objects.get(initiative=initiative)
    assert (event.kind, event.from_status, event.to_status, event.actor) == (
        "status_changed",
        "",
        "proposed",
        lead_representative,
    )
    assert Initiative.objects.filter(pk=initiative.pk, search_vector__isnull=False).exists()


@pytest.mark.parametrize("who", ["anonymous", "non_member", "suspended_member"])
def test_only_representatives_of_active_members_propose(who, as_role):
    with pytest.raises(PermissionDenied):
        services.initiative_propose(acting_user=as_role(who), data=initiative_data())
    assert not Initiative.objects.exists()


def test_descriptions_are_sanitised(lead_contact):
    initiative = services.initiative_propose(
        acting_user=lead_contact,
        data=initiative_data(description="<script>alert(1)</script> [x](javascript:alert(1))"),
    )
    assert "<script>" not in initiative.description_html
    assert "&lt;script&gt;" in initiative.description_html  # shown as text
    assert "href" not in initiative.description_html


def test_unknown_fields_are_a_programming_error(lead_contact):
    with pytest.raises(TypeError, match="status"):
        services.initiative_propose(acting_user=lead_contact, data=initiative_data(status="active"))


def test_the_discussion_thread_is_opened_and_linked_both_ways(lead_contact):
    theme = PolicyThemeFactory(name="Green transition")
    initiative = services.initiative_propose(
        acting_user=lead_contact, data=initiative_data(title="Circular [plastics]"), themes=[theme]
    )
    thread = initiative.thread
    assert thread.initiative == initiative
    assert thread.topic.slug == JOINT_INITIATIVES_TOPIC_SLUG
    assert (thread.title, thread.author, thread.post_count) == (
        "Circular [plastics]",
        lead_contact,
        1,
    )
    assert list(thread.themes.all()) == [theme]
    opening = thread.posts.get()
    assert initiative.get_absolute_url() in opening.body_html
    assert "Circular [plastics]" in opening.body_text
    # The topic is created once and reused.
    second = InitiativeFactory(proposer=lead_contact)
    assert second.thread.topic == thread.topic
    assert Topic.objects.filter(slug=JOINT_INITIATIVES_TOPIC_SLUG).count() == 1


def test_an_archived_discussion_topic_does_not_stop_a_proposal(lead_contact, secretariat_user):
    first = InitiativeFactory(proposer=lead_contact)
    dialogue_services.topic_archive(topic=first.thread.topic, acting_user=secretariat_user)
    initiative = InitiativeFactory(proposer=lead_contact)
    assert initiative.thread is None
    assert Thread.objects.count() == 1


# --- Editing ----------------------------------------------------------------------------------


def test_the_leads_contact_edits_and_the_change_is_recorded(initiative, lead_contact):
    theme = PolicyThemeFactory(name="Skills")
    services.initiative_update(
        initiative=initiative,
        acting_user=lead_contact,
        data={"summary": "Valleys pool electrolyser testbeds.", "website": "https://h2.example.eu"},
        themes=[theme],
    )
    initiative = Initiative.objects.get(pk=initiative.pk)
    assert initiative.summary == "Valleys pool electrolyser testbeds."
    event = InitiativeEvent.objects.filter(initiative=initiative).first()
    assert (event.kind, event.details) == ("edited", {"fields": ["summary", "website", "themes"]})
    # The search vector follows the text.
    assert Initiative.objects.filter(
        pk=initiative.pk, search_vector=SearchQuery("electrolyser", config="simple")
    ).exists()


def test_an_edit_that_changes_nothing_records_nothing(initiative, lead_contact):
    before = InitiativeEvent.objects.count()
    services.initiative_update(
        initiative=initiative, acting_user=lead_contact, data={"title": initiative.title}
    )
    assert InitiativeEvent.objects.count() == before


def test_edits_are_validated(initiative, lead_contact):
    with pytest.raises(ValidationError) as error:
        services.initiative_update(
            initiative=initiative, acting_user=lead_contact, data={"regions": ["FR-ARA"]}
        )
    assert "regions" in error.value.message_dict
    assert Initiative.objects.get(pk=initiative.pk).regions == ["AT-3"]


@pytest.mark.parametrize(
    "who", ["partner_contact", "other_contact", "member", "secretariat", "anonymous"]
)
def test_only_the_leads_contact_edits(who, initiative, as_role):
    with pytest.raises(PermissionDenied):
        services.initiative_update(
            initiative=initiative, acting_user=as_role(who), data={"title": "Mine now"}
        )


def test_a_closed_initiative_is_not_edited(initiative, lead_contact):
    services.initiative_status_change(
        initiative=initiative, acting_user=lead_contact, to_status="cancelled", note="Over."
    )
    with pytest.raises(InitiativeError, match="no longer changed"):
        services.initiative_update(
            initiative=initiative, acting_user=lead_contact, data={"title": "Again"}
        )


# --- Commitments ------------------------------------------------------------------------------


def test_commitments_are_recorded_and_changes_keep_the_history(
    initiative, partner_contact, partner_organisation
):
    first = services.commitment_record(
        initiative=initiative,
        acting_user=partner_contact,
        kind="budget",
        amount="100000",
        description="Co-funding",
    )
    same = services.commitment_record(
        initiative=initiative,
        acting_user=partner_contact,
        kind="budget",
        amount=Decimal("100000.00"),
        description="Co-funding",
    )
    assert same == first  # nothing changed, nothing recorded
    second = services.commitment_record(
        initiative=initiative,
        acting_user=partner_contact,
        kind="budget",
        amount=150000,
        description="Co-funding and the toolkit",
    )
    first.refresh_from_db()
    assert first.superseded_at == second.created_at
    assert second.is_current and second.organisation == partner_organisation
    assert list(
        Commitment.objects.filter(initiative=initiative).values_list("amount", flat=True)
    ) == [Decimal("150000.00"), Decimal("100000.00")]
    events = InitiativeEvent.objects.filter(initiative=initiative, kind="commitment_recorded")
    assert [e.details["amount"] for e in events] == ["150000", "100000"]
    assert events[0].details["previous_amount"] == "100000.00"

    services.commitment_withdraw(initiative=initiative, acting_user=partner_contact, kind="budget")
    assert not Commitment.objects.filter(superseded_at__isnull=True).exists()
    with pytest.raises(InitiativeError, match="no commitment of this kind"):
        services.commitment_withdraw(
            initiative=initiative, acting_user=partner_contact, kind="budget"
        )


def test_commitment_amounts_are_checked(initiative, partner_contact):
    for kind, amount in [("events", "1.5"), ("budget", "-10"), ("budget", "lots")]:
        with pytest.raises(ValidationError):
            services.commitment_record(
                initiative=initiative,
                acting_user=partner_contact,
                kind=kind,
                amount=amount,
                description="x",
            )
    with pytest.raises(ValidationError):
        services.commitment_record(
            initiative=initiative,
            acting_user=partner_contact,
            kind="goodwill",
            amount=1,
            description="x",
        )
    assert not Commitment.objects.exists()


@pytest.mark.parametrize(
    "who", ["other_contact", "member", "suspended_member", "secretariat", "non_member"]
)
def test_only_partners_contacts_commit(who, initiative, as_role):
    with pytest.raises(PermissionDenied):
        services.commitment_record(
            initiative=initiative,
            acting_user=as_role(who),
            kind="staff_days",
            amount=5,
            description="x",
        )


def test_observers_and_representatives_do_not_commit(initiative, partner_representative):
    observer = OrganisationFactory(country="BE")
    add_partner(initiative, observer, role=InitiativePartner.Role.OBSERVER)
    for user in (contact_user(observer), partner_representative):
        with pytest.raises(PermissionDenied):
            services.commitment_record(
                initiative=initiative, acting_user=user, kind="events", amount=1, description="x"
            )


def test_a_closed_initiative_takes_no_commitments(initiative, lead_contact, partner_contact):
    services.initiative_status_change(
        initiative=initiative, acting_user=lead_contact, to_status="active"
    )
    services.initiative_status_change(
        initiative=initiative, acting_user=lead_contact, to_status="completed"
    )
    with pytest.raises(InitiativeError, match="takes no new commitments"):
        services.commitment_record(
            initiative=initiative,
            acting_user=partner_contact,
            kind="events",
            amount=1,
            description="x",
        )


# --- News -------------------------------------------------------------------------------------


def test_a_partners_representative_posts_sanitised_news(
    initiative, partner_representative, partner_organisation
):
    news = services.news_update_post(
        initiative=initiative,
        acting_user=partner_representative,
        title=" First matchmaking day ",
        body="**64 SMEs** met. <img src=x onerror=alert(1)>",
    )
    assert (news.title, news.organisation, news.author) == (
        "First matchmaking day",
        partner_organisation,
        partner_representative,
    )
    assert "<strong>64 SMEs</strong>" in news.body_html
    assert "<img" not in news.body_html
    assert "&lt;img src=x onerror=alert(1)&gt;" in news.body_html  # shown as text
    assert InitiativeEvent.objects.filter(initiative=initiative).first().kind == "news_posted"


def test_news_needs_a_title_and_words(initiative, partner_contact):
    with pytest.raises(ValidationError) as error:
        services.news_update_post(
            initiative=initiative, acting_user=partner_contact, title="", body="\u200b "
        )
    assert set(error.value.message_dict) == {"title", "body"}


@pytest.mark.parametrize(
    "who", ["other_contact", "member", "suspended_member", "secretariat", "anonymous"]
)
def test_only_partners_post_news(who, initiative, as_role):
    with pytest.raises(PermissionDenied):
        services.news_update_post(
            initiative=initiative, acting_user=as_role(who), title="Hi", body="News"
        )


def test_completed_initiatives_take_news_cancelled_ones_do_not(lead_contact, partner_organisation):
    completed = InitiativeFactory(
        proposer=lead_contact, partners=[partner_organisation], status="completed"
    )
    services.news_update_post(
        initiative=completed, acting_user=lead_contact, title="Results", body="The guide is out."
    )
    cancelled = InitiativeFactory(proposer=lead_contact, status="cancelled")
    with pytest.raises(InitiativeError, match="cancelled"):
        services.news_update_post(
            initiative=cancelled, acting_user=lead_contact, title="Hi", body="News"
        )


# --- Documents --------------------------------------------------------------------------------


def test_documents_are_checked_by_content(initiative, partner_representative):
    document = services.document_add(
        initiative=initiative,
        acting_user=partner_representative,
        upload=pdf_file("testbed-map.pdf"),
        title="Testbed map",
    )
    assert (document.original_name, document.content_type, document.display_title) == (
        "testbed-map.pdf",
        "application/pdf",
        "Testbed map",
    )
    assert "testbed-map" not in document.file.name  # random stored name
    with pytest.raises(ValidationError) as error:
        services.document_add(
            initiative=initiative, acting_user=partner_representative, upload=exe_file()
        )
    assert "is not the kind of file its name says it is" in error.value.message_dict["file"][0]
    assert InitiativeDocument.objects.count() == 1


@pytest.mark.parametrize("who", ["other_contact", "member", "secretariat", "non_member"])
def test_only_partners_add_documents(who, initiative, as_role):
    with pytest.raises(PermissionDenied):
        services.document_add(initiative=initiative, acting_user=as_role(who), upload=pdf_file())


def test_the_uploader_or_the_lead_removes_a_document_and_the_file_goes_after_commit(
    initiative,
    partner_representative,
    partner_contact,
    lead_contact,
    django_capture_on_commit_callbacks,
):
    first = services.document_add(
        initiative=initiative, acting_user=partner_representative, upload=pdf_file()
    )
    second = services.document_add(
        initiative=initiative, acting_user=partner_representative, upload=pdf_file()
    )
    with pytest.raises(PermissionDenied):  # a colleague who did not add it, not the lead
        services.document_remove(document=first, acting_user=partner_contact)
    path = Path(first.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        services.document_remove(document=first, acting_user=partner_representative)
    assert not path.exists()
    services.document_remove(document=second, acting_user=lead_contact)
    assert not InitiativeDocument.objects.exists()
    assert InitiativeEvent.objects.filter(kind="document_removed").count() == 2
