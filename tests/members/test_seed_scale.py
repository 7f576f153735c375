"""manage.py seed_scale at a tiny size: the counts it promises, the rules every row keeps, and a
seeded post that search finds."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Max, Q

from dialogues import selectors as dialogue_selectors
from dialogues import services as dialogue_services
from dialogues.models import Follow, Mention, Post, ReadState, Thread
from dialogues.rendering import render_markdown
from dialogues.scale import FIFTY_POST_THREADS, RARE_WORD
from initiatives.models import Initiative, InitiativePartner
from initiatives.services import JOINT_INITIATIVES_TOPIC_SLUG
from members.access import has_second_factor
from members.models import Organisation, Representative
from members.permissions import is_secretariat
from members.scale import BENCH_MEMBER_EMAIL, BENCH_SECRETARIAT_EMAIL
from notifications.models import Notification

pytestmark = pytest.mark.django_db

SIZES = {"organisations": 30, "members": 120, "threads": 25, "posts": 1200, "initiatives": 10}


@pytest.fixture
def seeded(capsys):
    call_command("seed_scale", "--force", *[f"--{k}={v}" for k, v in SIZES.items()])
    return capsys.readouterr().out


def test_seed_scale_makes_the_sizes_asked_for_and_reports_them(seeded):
    User = get_user_model()
    assert Organisation.objects.count() == SIZES["organisations"]
    assert User.objects.count() == SIZES["members"]
    dialogue_threads = Thread.objects.exclude(topic__slug=JOINT_INITIATIVES_TOPIC_SLUG)
    assert dialogue_threads.count() == SIZES["threads"]
    assert Initiative.objects.count() == SIZES["initiatives"]
    # The posts budget includes the initiatives' opening posts.
    assert Post.objects.count() == SIZES["posts"]
    assert dialogue_threads.filter(post_count=50).count() == FIFTY_POST_THREADS
    assert "seed_scale finished in" in seeded and "1,200  posts" in seeded


def test_seed_scale_keeps_the_rules_of_the_services(seeded):
    # One representative seat per person (OneToOne) and one contact per organisation with people.
    contacts = Representative.objects.filter(role=Representative.Role.CONTACT)
    assert contacts.values("organisation").annotate(n=Count("pk")).filter(n__gt=1).count() == 0
    assert contacts.count() == SIZES["organisations"]
    # Regions lie in their country (the database also checks it).
    for organisation in Organisation.objects.exclude(region_code=""):
        assert organisation.region_code.startswith(organisation.country)
        organisation.full_clean()
    # Threads' counters match their posts, numbered 1..n.
    for thread in Thread.objects.annotate(n=Count("posts"), top=Max("posts__number")):
        assert thread.post_count == thread.n == thread.top
        assert thread.last_post.number == thread.post_count
        assert thread.last_activity_at == thread.last_post.created_at
    # One current lead per initiative, the lead organisation's row; each has its thread.
    for initiative in Initiative.objects.all():
        leads = initiative.partners.filter(role=InitiativePartner.Role.LEAD, left_at__isnull=True)
        assert [p.organisation_id for p in leads] == [initiative.lead_organisation_id]
        assert initiative.thread.post_count == 1
        initiative.full_clean(exclude=["thread", "search_vector", "description_html"])
    # Authors of posts wrote for their organisation and follow the thread they posted in.
    post = Post.objects.filter(number__gt=1).select_related("author__representative").first()
    assert post.organisation_id == post.author.representative.organisation_id
    assert Follow.objects.filter(user=post.author, thread=post.thread).exists()
    assert ReadState.objects.filter(user=post.author, thread=post.thread).exists()
    # Only hidden posts carry a reason (the database checks the pair too).
    assert not Post.objects.filter(Q(hidden_at__isnull=True) & ~Q(hidden_reason="")).exists()


def test_seed_scale_renders_mentions_as_the_app_does_and_notifies(seeded):
    mention = Mention.objects.select_related("post__thread__topic").first()
    assert mention is not None
    post = mention.post
    assert f"](user:{mention.user_id})" in post.body
    rendered = render_markdown(
        post.body, resolve_mentions=dialogue_services._mentionable(post.thread.topic)
    )
    assert rendered.html == post.body_html and rendered.text == post.body_text
    assert Notification.objects.filter(recipient=mention.user, post=post).exists()
    # Replies notify the author of the post replied to, never oneself.
    reply = (
        Post.objects.filter(reply_to__isnull=False, hidden_at__isnull=True)
        .exclude(reply_to__author=F("author"))
        .exclude(mentions__user=F("reply_to__author"))
        .select_related("reply_to")
        .first()
    )
    assert Notification.objects.filter(
        recipient_id=reply.reply_to.author_id, post=reply, actor_id=reply.author_id
    ).exists()
    assert not Notification.objects.filter(recipient=F("actor")).exists()


def test_seeded_posts_are_found_by_search_with_the_services_vector(seeded):
    member = get_user_model().objects.get(email=BENCH_MEMBER_EMAIL)
    results = list(dialogue_selectors.post_search_for_user(user=member, query=RARE_WORD).posts[:50])
    assert results and all(RARE_WORD in p.body_text for p in results)
    opening = Post.objects.filter(number=1).select_related("thread").first()
    seeded_vector = Post.objects.values_list("search_vector", flat=True).get(pk=opening.pk)
    dialogue_services._search_vector_write(opening, opening.thread.title)
    assert Post.objects.values_list("search_vector", flat=True).get(pk=opening.pk) == seeded_vector
    title_word = opening.thread.title.split()[-1].strip("?:—").lower()
    found = dialogue_selectors.post_search_for_user(user=member, query=title_word).posts
    assert found.filter(pk=opening.pk).exists()


def test_the_benchmark_accounts(seeded):
    User = get_user_model()
    member = User.objects.get(email=BENCH_MEMBER_EMAIL)
    assert member.representative.role == Representative.Role.CONTACT
    assert member.representative.organisation.is_active_member
    assert Notification.objects.filter(recipient=member).exists()
    secretariat = User.objects.get(email=BENCH_SECRETARIAT_EMAIL)
    assert is_secretariat(secretariat) and has_second_factor(secretariat)


def test_seed_scale_refuses_a_seeded_database_and_production(seeded, settings):
    with pytest.raises(CommandError, match="seeded already"):
        call_command("seed_scale", "--force", "--organisations=1")
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_scale", "--organisations=1")
