"""The dialogues' demo data: believable, complete, and made once."""

import pytest

from dialogues import demo, selectors
from dialogues.models import (
    Flag,
    Follow,
    Mention,
    Outcome,
    OutcomeEndorsement,
    Post,
    ReadState,
    Thread,
    Topic,
)
from members import demo as members_demo

pytestmark = pytest.mark.django_db


def _counts():
    return [
        model.objects.count()
        for model in (Topic, Thread, Post, Outcome, OutcomeEndorsement, Mention, Flag, Follow)
    ]


def test_the_demo_dialogues_are_seeded_once(anonymous):
    demo.seed()  # without the members demo there is nobody to talk: nothing happens
    assert not Topic.objects.exists()

    members_demo.seed()
    demo.seed()
    topics = Topic.objects.all()
    assert 3 <= topics.count() <= 4
    assert topics.filter(visibility=Topic.Visibility.MEMBERS).exists()
    assert topics.filter(status=Topic.Status.ARCHIVED).exists()
    assert Thread.objects.count() >= 6
    assert set(Thread.objects.values_list("kind", flat=True)) == set(Thread.Kind.values)
    # Threads are exchanges between several member organisations.
    for thread in Thread.objects.all():
        assert thread.post_count == thread.posts.count() >= 2
    assert Post.objects.values("organisation").distinct().count() >= 8
    outcome = Outcome.objects.get()
    assert outcome.version == 2 and outcome.revisions.count() == 2
    assert outcome.endorsements.filter(withdrawn_at__isnull=True).count() >= 3
    assert Mention.objects.exists()
    assert Flag.objects.filter(resolved_at__isnull=True).exists()
    assert Follow.objects.filter(state=Follow.State.MUTED).exists()
    assert ReadState.objects.exists()
    # Members-only exchanges stay out of public view.
    members_only = Topic.objects.get(visibility=Topic.Visibility.MEMBERS)
    assert members_only not in selectors.topic_list_for_user(user=anonymous)

    before = _counts()
    demo.seed()
    assert _counts() == before
