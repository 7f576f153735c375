"""The admin shows the dialogues and changes almost nothing."""

import pytest
from django.urls import reverse

from dialogues import services
from dialogues.models import Post, Thread, Topic
from tests.accounts.factories import UserFactory
from tests.dialogues.factories import ThreadFactory, pdf_file

pytestmark = pytest.mark.django_db

MODELS = [
    "topic",
    "thread",
    "post",
    "flag",
    "moderationaction",
    "outcome",
    "follow",
    "readstate",
    "mention",
    "usefulmark",
]


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_every_dialogue_model_is_shown_read_mostly(admin_client, member, other_member, topic):
    thread = ThreadFactory(topic=topic, author=member, attachments=[pdf_file()])
    post = thread.posts.get()
    services.post_flag(post=post, user=other_member, reason="Check the figures")
    services.outcome_create(thread=thread, acting_user=member, summary="Agreed")
    for model in MODELS:
        response = admin_client.get(reverse(f"admin:dialogues_{model}_changelist"))
        assert response.status_code == 200, model
        assert response.context["has_add_permission"] is False, model
    for model, pk in [("thread", thread.pk), ("post", post.pk), ("outcome", thread.outcome.pk)]:
        response = admin_client.get(reverse(f"admin:dialogues_{model}_change", args=[pk]))
        assert response.status_code == 200, model
        assert not response.context["has_change_permission"], model
    refused = admin_client.post(
        reverse("admin:dialogues_post_change", args=[post.pk]), {"body": "Rewritten"}
    )
    assert refused.status_code == 403
    assert Post.objects.get(pk=post.pk).body == post.body


def test_the_secretariat_may_correct_a_topics_title_in_the_admin(admin_client, topic):
    url = reverse("admin:dialogues_topic_change", args=[topic.pk])
    response = admin_client.post(url, {"title": "Green transition (2026)", "description": "New"})
    assert response.status_code == 302
    topic.refresh_from_db()
    assert (topic.title, topic.description) == ("Green transition (2026)", "New")
    assert Topic.objects.count() == 1 and Thread.objects.count() == 0
