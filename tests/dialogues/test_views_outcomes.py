"""Concluding a thread with an outcome, its versions, endorsements and the list of outcomes:
for every role, with bad input, and the list in a fixed number of queries."""

import pytest
from django.urls import reverse

from dialogues import services
from dialogues.models import Outcome, OutcomeEndorsement
from tests.dialogues.conftest import PAGE_ROLES
from tests.dialogues.factories import ThreadFactory, TopicFactory, member_user
from tests.members.factories import PolicyThemeFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _text(response):
    return response.content.decode()


@pytest.fixture
def thread(topic, member):
    """Started by `member`."""
    return ThreadFactory(topic=topic, author=member, title="Cluster vouchers")


@pytest.fixture
def outcome(thread, member):
    return services.outcome_create(
        thread=thread, acting_user=member, summary="Vouchers **work** for small firms."
    )


def _thread_page(client, thread):
    return _text(client.get(reverse("dialogues:thread_detail", kwargs={"pk": thread.pk})))


# --- Concluding and editing -------------------------------------------------------------------

# The thread's author is `member`; a representative of another active member may not conclude.
EDIT_STATUS = {
    "anonymous": 302,
    "non_member": 403,
    "member": 200,
    "other_member": 403,
    "suspended_member": 403,
    "moderator": 200,
    "other_moderator": 403,
    "secretariat": 200,
}


@pytest.mark.parametrize("role", [*PAGE_ROLES, "other_member"])
def test_who_may_conclude_a_thread(role, client_as, client, other_member, thread):
    url = reverse("dialogues:outcome_edit", kwargs={"pk": thread.pk})
    if role == "other_member":
        client.force_login(other_member)
    else:
        client = client_as(role)
    response = client.get(url)
    assert response.status_code == EDIT_STATUS[role]
    if role == "anonymous":
        assert response["Location"].startswith(LOGIN)
    posted = client.post(url, {"summary": "We agree."})
    assert posted.status_code == {200: 302}.get(EDIT_STATUS[role], EDIT_STATUS[role])
    assert Outcome.objects.filter(thread=thread).exists() == (EDIT_STATUS[role] == 200)


def test_a_members_only_thread_is_404_to_outsiders(client_as, members_topic, member):
    thread = ThreadFactory(topic=members_topic, author=member)
    for role in ("non_member", "other_moderator"):
        url = reverse("dialogues:outcome_edit", kwargs={"pk": thread.pk})
        assert client_as(role).get(url).status_code == 404


def test_concluding_shows_the_outcome_at_the_top_of_the_thread(client_as, member, thread):
    client = client_as("member")
    response = client.post(
        reverse("dialogues:outcome_edit", kwargs={"pk": thread.pk}),
        {"summary": "1. Vouchers **work**.\n2. <script>alert(1)</script>"},
    )
    assert response["Location"].endswith(f"/t/{thread.pk}/#outcome")
    outcome = Outcome.objects.get(thread=thread)
    assert (outcome.version, outcome.concluded_by) == (1, member)
    page = _thread_page(client, thread)
    assert "<strong>work</strong>" in page
    assert "<script>alert(1)</script>" not in page
    assert "Concluded by Anna Active on" in page
    assert "The thread is concluded" in page


@pytest.mark.parametrize(
    ("summary", "error"),
    [
        ("", "Summarise the conclusions or recommendations."),
        ("   \n  ", "Summarise the conclusions or recommendations."),
        ("x" * 50_001, "An outcome has at most 50000 characters (this one has 50001)."),
    ],
)
def test_an_outcome_needs_a_summary_of_reasonable_length(summary, error, client_as, thread):
    response = client_as("member").post(
        reverse("dialogues:outcome_edit", kwargs={"pk": thread.pk}), {"summary": summary}
    )
    assert response.status_code == 200
    assert error in _text(response)
    assert not Outcome.objects.exists()


def test_editing_makes_a_new_version_and_the_history_keeps_every_one(
    client_as, moderator, thread, outcome
):
    client = client_as("moderator")
    url = reverse("dialogues:outcome_edit", kwargs={"pk": thread.pk})
    form = _text(client.get(url))
    assert "Vouchers **work** for small firms." in form and "This is version 1." in form
    client.post(url, {"summary": "Vouchers work for small and medium firms."})
    outcome.refresh_from_db()
    assert outcome.version == 2
    unchanged = client.post(url, {"summary": outcome.summary}, follow=True)
    assert "The outcome has not changed." in _text(unchanged)
    history = _text(client.get(reverse("dialogues:outcome_history", kwargs={"pk": thread.pk})))
    assert history.index("Version 2") < history.index("Version 1")
    assert "Written by Mia Moderator" in history and "Written by Anna Active" in history
    assert "<strong>work</strong>" in history
    assert "See every version" in _thread_page(client, thread)


def test_an_archived_topic_refuses_a_new_outcome_clearly(
    client_as, secretariat_user, topic, thread
):
    services.topic_archive(topic=topic, acting_user=secretariat_user)
    client = client_as("secretariat")
    url = reverse("dialogues:outcome_edit", kwargs={"pk": thread.pk})
    refusal = "This topic is archived: it can be read but no longer changed."
    assert refusal in _text(client.get(url))
    response = client.post(url, {"summary": "Too late."})
    assert response.status_code == 200
    assert refusal in _text(response)
    assert not Outcome.objects.exists()


# --- History ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", PAGE_ROLES)
def test_everyone_who_reads_the_thread_reads_the_history(role, client_as, outcome):
    url = reverse("dialogues:outcome_history", kwargs={"pk": outcome.thread_id})
    response = client_as(role).get(url)
    assert response.status_code == 200
    assert "Vouchers <strong>work</strong> for small firms." in _text(response)


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 404), ("non_member", 404), ("other_moderator", 404), ("suspended_member", 200)],
)
def test_a_members_only_history_is_404_to_outsiders(role, status, client_as, members_topic, member):
    thread = ThreadFactory(topic=members_topic, author=member)
    services.outcome_create(thread=thread, acting_user=member, summary="Confidential.")
    url = reverse("dialogues:outcome_history", kwargs={"pk": thread.pk})
    assert client_as(role).get(url).status_code == status


def test_no_outcome_no_history(client_as, thread):
    url = reverse("dialogues:outcome_history", kwargs={"pk": thread.pk})
    assert client_as("member").get(url).status_code == 404


# --- Endorsements -----------------------------------------------------------------------------

ENDORSE_STATUS = {
    "anonymous": 302,
    "non_member": 403,
    "member": 302,
    "suspended_member": 403,
    "moderator": 403,
    "other_moderator": 403,
    "secretariat": 403,
}


@pytest.mark.parametrize("role", PAGE_ROLES)
def test_who_may_endorse(role, client_as, outcome):
    client = client_as(role)
    url = reverse("dialogues:outcome_endorse", kwargs={"pk": outcome.thread_id})
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == ENDORSE_STATUS[role]
    assert OutcomeEndorsement.objects.exists() == (role == "member")
    withdraw = reverse("dialogues:outcome_endorsement_withdraw", kwargs={"pk": outcome.thread_id})
    assert client.post(withdraw).status_code == ENDORSE_STATUS[role]


def test_endorse_and_withdraw_from_the_outcome_panel(client_as, member, outcome):
    organisation = member.representative.organisation
    client = client_as("member")
    thread = outcome.thread
    page = _thread_page(client, thread)
    assert f"Endorse on behalf of {organisation.name}" in page
    assert "Withdraw our endorsement" not in page
    assert "No member organisation has endorsed this outcome yet." in page
    response = client.post(reverse("dialogues:outcome_endorse", kwargs={"pk": thread.pk}))
    assert response["Location"].endswith("#outcome")
    page = _thread_page(client, thread)
    assert f"{organisation.name} now endorses this outcome." in page
    assert "Withdraw our endorsement" in page
    assert f"Endorse on behalf of {organisation.name}" not in page
    again = client.post(reverse("dialogues:outcome_endorse", kwargs={"pk": thread.pk}), follow=True)
    assert "Your organisation has already endorsed this outcome." in _text(again)
    client.post(reverse("dialogues:outcome_endorsement_withdraw", kwargs={"pk": thread.pk}))
    assert not OutcomeEndorsement.objects.filter(withdrawn_at__isnull=True).exists()
    twice = client.post(
        reverse("dialogues:outcome_endorsement_withdraw", kwargs={"pk": thread.pk}), follow=True
    )
    assert "Your organisation has not endorsed this outcome." in _text(twice)


def test_a_colleague_sees_the_organisations_endorsement(client, member, outcome):
    colleague = member_user(member.representative.organisation, full_name="Carla Colleague")
    services.outcome_endorse(outcome=outcome, acting_user=member)
    client.force_login(colleague)
    page = _thread_page(client, outcome.thread)
    assert "Withdraw our endorsement" in page


def test_the_endorsement_says_which_version_it_was_given_for(client_as, member, outcome):
    other = member_user(full_name="Olga Earlier")
    services.outcome_endorse(outcome=outcome, acting_user=other)
    services.outcome_update(outcome=outcome, acting_user=member, summary="A second version.")
    page = _thread_page(client_as("anonymous"), outcome.thread)
    assert other.representative.organisation.name in page
    assert "(endorsed version 1)" in page


@pytest.mark.parametrize(
    ("role", "edit", "endorse"),
    [
        ("anonymous", False, False),
        ("non_member", False, False),
        ("member", True, True),  # the thread's author
        ("suspended_member", False, False),
        ("moderator", True, False),
        ("other_moderator", False, False),
        ("secretariat", True, False),
    ],
)
def test_the_panel_offers_each_role_what_it_may_do(role, edit, endorse, client_as, outcome):
    page = _thread_page(client_as(role), outcome.thread)
    assert ("Edit the outcome" in page) == edit
    assert ("Endorse on behalf of" in page) == endorse


def test_the_author_finds_how_to_conclude_on_the_thread_page(client_as, thread):
    link = reverse("dialogues:outcome_edit", kwargs={"pk": thread.pk})
    assert link in _thread_page(client_as("member"), thread)
    assert link in _thread_page(client_as("moderator"), thread)
    assert link not in _thread_page(client_as("non_member"), thread)


def test_an_archived_topic_offers_no_endorsement(client_as, secretariat_user, topic, outcome):
    services.topic_archive(topic=topic, acting_user=secretariat_user)
    page = _thread_page(client_as("member"), outcome.thread)
    assert "Endorse on behalf of" not in page and "Edit the outcome" not in page
    response = client_as("member").post(
        reverse("dialogues:outcome_endorse", kwargs={"pk": outcome.thread_id}), follow=True
    )
    assert "This topic is archived" in _text(response)


# --- The list of outcomes ---------------------------------------------------------------------


@pytest.fixture
def members_outcome(members_topic, member):
    thread = ThreadFactory(topic=members_topic, author=member, title="Confidential evaluation")
    return services.outcome_create(thread=thread, acting_user=member, summary="Secret results.")


@pytest.mark.parametrize("role", PAGE_ROLES)
def test_the_outcome_list_shows_what_each_role_may_read(role, client_as, outcome, members_outcome):
    response = client_as(role).get(reverse("dialogues:outcome_list"))
    assert response.status_code == 200
    text = _text(response)
    assert "Cluster vouchers" in text and "Vouchers work for small firms." in text
    sees_members_only = role in ("member", "suspended_member", "moderator", "secretariat")
    assert ("Confidential evaluation" in text) == sees_members_only
    assert ("Secret results." in text) == sees_members_only


def test_the_outcome_list_filters_by_topic_and_theme(client_as, member, topic, outcome):
    theme = PolicyThemeFactory(slug="skills", name="Skills")
    other_topic = TopicFactory(title="Skills agenda")
    themed = ThreadFactory(topic=other_topic, author=member, title="Upskilling", themes=[theme])
    services.outcome_create(thread=themed, acting_user=member, summary="Train managers.")
    services.outcome_endorse(outcome=themed.outcome, acting_user=member_user())
    client = client_as("anonymous")
    url = reverse("dialogues:outcome_list")
    everything = _text(client.get(url))
    assert "Upskilling" in everything and "Cluster vouchers" in everything
    assert "Endorsed by 1 organisation" in everything
    by_topic = _text(client.get(url, {"topic": topic.slug}))
    assert "Cluster vouchers" in by_topic and "Upskilling" not in by_topic
    by_theme = _text(client.get(url, {"theme": "skills"}))
    assert "Upskilling" in by_theme and "Cluster vouchers" not in by_theme
    bad = client.get(url, {"topic": "nope", "theme": "skills"})
    assert "There is no such topic, or you cannot see it." in _text(bad)
    assert "Upskilling" in _text(bad) and "Cluster vouchers" not in _text(bad)


def test_a_members_only_topic_cannot_be_chosen_by_an_outsider(client_as, members_outcome):
    topic = members_outcome.thread.topic
    response = client_as("anonymous").get(reverse("dialogues:outcome_list"), {"topic": topic.slug})
    assert "There is no such topic, or you cannot see it." in _text(response)
    assert "Confidential evaluation" not in _text(response)


@pytest.mark.parametrize("count", [3, 300])
def test_the_outcome_list_in_a_fixed_number_of_queries(
    count, topic, member, client, django_assert_max_num_queries
):
    themes = [PolicyThemeFactory(), PolicyThemeFactory()]
    endorsers = [member_user() for _ in range(3)]
    for index in range(count):
        thread = ThreadFactory(
            topic=topic, author=member, title=f"Thread {index}", themes=themes[: index % 3]
        )
        outcome = services.outcome_create(thread=thread, acting_user=member, summary="Done.")
        for endorser in endorsers[: index % 4]:
            services.outcome_endorse(outcome=outcome, acting_user=endorser)
    client.force_login(member)
    with django_assert_max_num_queries(21):
        response = client.get(reverse("dialogues:outcome_list"))
    assert response.status_code == 200
    assert f"{count} outcome" in _text(response)
