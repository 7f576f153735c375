"""Every secretariat page needs two-factor authentication: a member of the secretariat without
an authenticator app or a security key is sent to set one up, on each family of pages."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from dialogues import services as dialogue_services
from members.models import ApplicationStatus, MembershipApplication
from tests.accounts.factories import UserFactory, totp_authenticator_add
from tests.audit.conftest import assert_sent_to_set_up_2fa
from tests.dialogues.factories import PostFactory, ThreadFactory, TopicFactory, member_user
from tests.initiatives.factories import InitiativeFactory
from tests.members.factories import (
    MembershipApplicationFactory,
    OrganisationFactory,
    PolicyThemeFactory,
)

pytestmark = pytest.mark.django_db


def _flag_pk():
    post = PostFactory(thread=ThreadFactory(topic=TopicFactory()))
    return dialogue_services.post_flag(post=post, user=member_user(), reason="Spam").pk


# (name, how to build its URL): one or more pages of each family.
PAGES = {
    "application queue": lambda: reverse("members:application_queue"),
    "application review": lambda: reverse(
        "members:application_review", args=[MembershipApplicationFactory().pk]
    ),
    "policy themes": lambda: reverse("members:policytheme_list"),
    "policy theme edit": lambda: reverse(
        "members:policytheme_edit", args=[PolicyThemeFactory().pk]
    ),
    "membership status": lambda: reverse(
        "members:membership_status", kwargs={"slug": OrganisationFactory().slug}
    ),
    "organisation edit": lambda: reverse(
        "members:organisation_edit", kwargs={"slug": OrganisationFactory().slug}
    ),
    "join requests": lambda: reverse(
        "members:join_request_list", kwargs={"slug": OrganisationFactory().slug}
    ),
    "moderation queue": lambda: reverse("dialogues:moderation_queue"),
    "moderation log": lambda: reverse("dialogues:moderation_log"),
    "thread moderation": lambda: reverse("dialogues:thread_moderate", args=[ThreadFactory().pk]),
    "post hide": lambda: reverse(
        "dialogues:post_hide", args=[PostFactory(thread=ThreadFactory()).pk]
    ),
    "topic create": lambda: reverse("dialogues:topic_create"),
    "topic edit": lambda: reverse("dialogues:topic_edit", kwargs={"slug": TopicFactory().slug}),
    "initiative status": lambda: reverse(
        "initiatives:status_change", kwargs={"slug": InitiativeFactory().slug}
    ),
    "secretariat dashboard": lambda: reverse("secretariat:dashboard"),
    "audit log": lambda: reverse("audit:log"),
    "audit csv": lambda: reverse("audit:log_csv"),
    "users": lambda: reverse("secretariat_users:user_list"),
    "user deactivation": lambda: reverse(
        "secretariat_users:user_status_change",
        kwargs={"pk": UserFactory().pk, "action": "deactivate"},
    ),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_the_secretariat_without_2fa_is_sent_to_set_it_up(
    client, secretariat_user_without_2fa, page
):
    url = PAGES[page]()
    client.force_login(secretariat_user_without_2fa)
    assert_sent_to_set_up_2fa(client.get(url))


@pytest.mark.parametrize("page", list(PAGES))
def test_the_secretariat_with_2fa_opens_the_page(client, secretariat_user, page):
    url = PAGES[page]()
    client.force_login(secretariat_user)
    response = client.get(url)
    assert response.status_code == 200, response.get("Location")


POSTS = {
    "application decision": lambda: (
        reverse("members:application_decide", args=[MembershipApplicationFactory().pk]),
        {"action": "start_review"},
    ),
    "topic archive": lambda: (
        reverse("dialogues:topic_archive", kwargs={"slug": TopicFactory().slug}),
        {"reason": "Done"},
    ),
    "flag resolve": lambda: (
        reverse("dialogues:flag_resolve", args=[_flag_pk()]),
        {"resolution": "dismissed"},
    ),
}


@pytest.mark.parametrize("action", list(POSTS))
def test_an_action_without_2fa_is_not_carried_out(client, secretariat_user_without_2fa, action):
    from audit.models import AuditEntry

    url, data = POSTS[action]()
    client.force_login(secretariat_user_without_2fa)
    assert_sent_to_set_up_2fa(client.post(url, data))
    assert not AuditEntry.objects.filter(actor_id=secretariat_user_without_2fa.pk).exists()


def test_a_decision_without_2fa_leaves_the_application_as_it_was(
    client, secretariat_user_without_2fa
):
    application = MembershipApplicationFactory()
    client.force_login(secretariat_user_without_2fa)
    client.post(
        reverse("members:application_decide", args=[application.pk]), {"action": "start_review"}
    )
    application = MembershipApplication.objects.get(pk=application.pk)
    assert application.status == ApplicationStatus.SUBMITTED


def test_recovery_codes_alone_are_not_a_second_factor(client, secretariat_user_without_2fa):
    Authenticator.objects.create(
        user=secretariat_user_without_2fa,
        type=Authenticator.Type.RECOVERY_CODES,
        data={"seed": "00" * 20, "used_mask": 0},
    )
    client.force_login(secretariat_user_without_2fa)
    assert_sent_to_set_up_2fa(client.get(reverse("members:application_queue")))


def test_a_security_key_is_a_second_factor(client, secretariat_user_without_2fa):
    Authenticator.objects.create(
        user=secretariat_user_without_2fa,
        type=Authenticator.Type.WEBAUTHN,
        data={"name": "Office key", "credential": {}},
    )
    client.force_login(secretariat_user_without_2fa)
    assert client.get(reverse("members:application_queue")).status_code == 200


def test_a_superuser_needs_2fa_too(client):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    assert_sent_to_set_up_2fa(client.get(reverse("audit:log")))
    totp_authenticator_add(superuser)
    assert client.get(reverse("audit:log")).status_code == 200


def test_a_topic_moderator_outside_the_secretariat_needs_no_2fa(client):
    moderator = UserFactory()
    TopicFactory(moderators=[moderator])
    client.force_login(moderator)
    assert client.get(reverse("dialogues:moderation_queue")).status_code == 200


def test_the_set_up_page_is_reachable_and_explains_why(client, secretariat_user_without_2fa):
    client.force_login(secretariat_user_without_2fa)
    response = client.get(reverse("audit:log"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("mfa_index")
    assert "The secretariat&#x27;s pages need two-factor authentication" in (
        response.content.decode()
    )


def test_the_admin_sign_in_goes_through_allauth_and_its_second_factor(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")
