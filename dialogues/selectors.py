"""Reads of the dialogues, shaped for the pages that show them, with access rules built in.

Whatever a person may not read does not exist for them: fetches raise Http404 and lists,
search and the moderation queue leave it out (dialogues.permissions says who reads what).

Pages: the topics (topic_list_for_user), a topic's threads (thread_list_for_topic), the latest
threads across topics (thread_list_latest), followed threads (thread_list_followed), a thread
(thread_get_for_user + post_page_for_user, thread_reading_state_for_user, outcome_get_for_thread),
permalinks (post_get_for_user, post_get_by_number_for_user, post_page_number_of; a post's
page_number says the same),
outcomes (outcome_list_for_user), search (post_search_for_user), moderation
(moderation_queue_for_user, moderation_log_for_user), the editor's @mention autocomplete
(mention_candidates_for_user), and attachment downloads (attachment_get_for_user).
"""

from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.search import SearchHeadline, SearchRank
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from dialogues import permissions
from dialogues.models import (
    HEADLINE_START,
    HEADLINE_STOP,
    POSTS_PER_PAGE,
    Attachment,
    Flag,
    Follow,
    Mention,
    ModerationAction,
    Outcome,
    OutcomeEndorsement,
    OutcomeRevision,
    Post,
    PostRevision,
    ReadState,
    Thread,
    Topic,
    UsefulMark,
    post_page_number,
)
from dialogues.rendering import mention_markup
from dialogues.search import SEARCH_CONFIG, search_query
from eca_portal import shared_pages
from eca_portal.cache_generations import cached_in_generation, forget_in_generation
from members.permissions import is_secretariat

# Heavy columns a list never shows.
_POST_HEAVY = ("body", "body_html", "body_text", "search_vector")


def _count(queryset, outer: str):
    """A correlated COUNT(*) subquery: counts per row without GROUP BY on the outer query."""
    counted = (
        queryset.filter(**{outer: OuterRef("pk")})
        .order_by()
        .values(outer)
        .annotate(total=Count("*"))
        .values("total")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _moderators_prefetch(prefix: str = ""):
    User = get_user_model()
    return Prefetch(
        f"{prefix}moderators", queryset=User.objects.only("pk", "full_name").order_by("full_name")
    )


def _require_read(user, topic) -> None:
    if not permissions.can_read(user, topic):
        raise Http404


# --- Topics -----------------------------------------------------------------------------------


def topic_list_for_user(*, user, with_unread: bool = True) -> list:
    """The topics the person may read, open ones first, with their number of threads and of
    posts, last activity and (signed in) how many threads have posts they have not read.

    Three queries whatever the number of topics and threads: the topics (and their moderators),
    then the figures of all their threads grouped by topic, and the unread threads grouped by
    topic (a correlated subquery per figure and topic scanned each topic's threads four times:
    9 ms at the default size of bench/, against about 3). Without `with_unread`, every
    `unread_thread_count` is 0 (the overview fills them in per person: views.reading)."""
    topics = list(
        Topic.objects.filter(permissions.readable_topics_q(user))
        .prefetch_related(_moderators_prefetch())
        .order_by("-status", "title")
    )
    ids = [topic.pk for topic in topics]
    figures = {
        row["topic"]: row
        for row in Thread.objects.filter(topic__in=ids)
        .order_by()
        .values("topic")
        .annotate(
            thread_count=Count("*"),
            post_count=Sum("post_count"),
            last_activity_at=Max("last_activity_at"),
        )
    }
    unread = unread_thread_counts_for_user(user=user, topic_ids=ids) if with_unread else {}
    for topic in topics:
        row = figures.get(topic.pk, {})
        topic.thread_count = row.get("thread_count", 0)
        topic.post_count = row.get("post_count") or 0
        topic.last_activity_at = row.get("last_activity_at")
        topic.unread_thread_count = unread.get(topic.pk, 0)
    return topics


def unread_thread_counts_for_user(*, user, topic_ids) -> dict[int, int]:
    """{topic id: how many of its threads have posts the person has not read}, for the topics
    with any; empty for visitors.

    Counted as the topic's threads with posts minus those the person has read to the end: the
    first number is kept for everyone (_threads_with_posts_by_topic), the second for each
    person, computed from their own read positions only (_threads_read_to_the_end_by_topic);
    scanning every thread of the topics for each person took about 3 ms at the default size of
    bench/."""
    if not user.is_authenticated:
        return {}
    topic_ids = set(topic_ids)
    read_to_the_end = _threads_read_to_the_end_by_topic(user.pk)
    counts = {
        topic_id: total - read_to_the_end.get(topic_id, 0)
        for topic_id, total in _threads_with_posts_by_topic().items()
        if topic_id in topic_ids
    }
    return {topic_id: count for topic_id, count in counts.items() if count > 0}


def _read_to_the_end_key(user_id: int) -> str:
    return f"dialogues:read-to-the-end:{user_id}"


def _threads_read_to_the_end_by_topic(user_id: int) -> dict[int, int]:
    """{topic id: the person's threads with posts that they have read to the end}: kept under
    the shared pages' generation (new posts move it) and forgotten when the person reads
    (`read_positions_changed`)."""

    def compute():
        # The person's read positions first, then their threads by primary key: joined in one
        # query, PostgreSQL scans every thread to hash them (1.3 ms against 0.3).
        positions = dict(
            ReadState.objects.filter(user_id=user_id).values_list(
                "thread_id", "last_read_post_number"
            )
        )
        return dict(
            Counter(
                topic_id
                for thread_id, topic_id, post_count in Thread.objects.filter(
                    pk__in=positions, post_count__gt=0
                ).values_list("pk", "topic", "post_count")
                if positions[thread_id] >= post_count
            )
        )

    return cached_in_generation(
        shared_pages.GENERATION, _read_to_the_end_key(user_id), THREAD_TOTALS_TTL, compute
    )


def read_positions_changed(user_id: int) -> None:
    """Forget what is kept of the person's reading (the services that move read positions, and
    row-by-row saves and deletes through dialogues.apps, call it)."""
    forget_in_generation(shared_pages.GENERATION, _read_to_the_end_key(user_id))


# How long the number of threads of each topic is kept at most (forgotten sooner, with
# eca_portal.shared_pages' generation, when any post or thread changes).
THREAD_TOTALS_TTL = 10 * 60


def _threads_with_posts_by_topic() -> dict[int, int]:
    """{topic id: its threads that have posts}, for every topic: the same for everyone."""
    return cached_in_generation(
        shared_pages.GENERATION,
        "dialogues:threads-with-posts-by-topic",
        THREAD_TOTALS_TTL,
        lambda: dict(
            Thread.objects.filter(post_count__gt=0)
            .order_by()
            .values("topic")
            .annotate(total=Count("*"))
            .values_list("topic", "total")
        ),
    )


def topic_options_for_user(*, user):
    """The topics the person may read, by title, light enough for a filter's choices."""
    return (
        Topic.objects.filter(permissions.readable_topics_q(user))
        .only("pk", "slug", "title", "status")
        .order_by("title", "pk")
    )


def topic_options_moderated_by(*, user):
    """The topics the person moderates (every topic for the secretariat), by title: the moderation
    log's filter and the topics a thread can be moved to."""
    return (
        Topic.objects.filter(permissions.moderated_topics_q(user))
        .only("pk", "slug", "title", "status")
        .order_by("title", "pk")
    )


def moderator_candidates(*, topic=None):
    """The people the secretariat may name as a topic's moderators: the representatives of member
    organisations (active or suspended), and whoever moderates the topic already."""
    User = get_user_model()
    people = Q(
        representative__organisation__membership_status__in=permissions.MEMBER_READER_STATUSES
    )
    if topic is not None and topic.pk is not None:
        people |= Q(
            pk__in=Topic.moderators.through.objects.filter(topic_id=topic.pk).values("user_id")
        )
    return (
        User.objects.filter(people, is_active=True)
        .select_related("representative__organisation")
        .order_by("full_name", "pk")
    )


def _topic_by_slug(slug) -> Topic | None:
    return Topic.objects.prefetch_related(_moderators_prefetch()).filter(slug=slug).first()


def topic_get_for_user(*, user, slug) -> Topic:
    topic = _topic_by_slug(slug)
    if topic is None:
        raise Http404
    _require_read(user, topic)
    return topic


# How long a topic or a thread read before serving its shared page is kept at most (forgotten
# sooner, with eca_portal.shared_pages' generation, when any topic, thread, post or moderator
# changes).
READER_OBJECT_TTL = 5 * 60


def topic_get_for_reader(*, user, slug) -> Topic:
    """topic_get_for_user from the cache: for deciding who shares a topic's page, on every
    request of it (two queries otherwise). Not for writing: it may be a few moments old."""
    topic = cached_in_generation(
        shared_pages.GENERATION,
        f"dialogues:topic:{slug}",
        READER_OBJECT_TTL,
        lambda: _topic_by_slug(slug),
    )
    if topic is None:
        raise Http404
    _require_read(user, topic)
    return topic


# --- Thread lists -----------------------------------------------------------------------------


def _thread_rows(threads, *, user, with_read_state: bool = True):
    """Shape a thread list: author, organisation, last post's author, themes, whether it has an
    outcome, and — for a signed-in person, unless `with_read_state` is False — `last_read_number`
    and `unread_count` (posts not read yet), all in the list's own query (plus one for the
    themes)."""
    threads = (
        threads.select_related(
            "topic",
            "author",
            "organisation",
            "last_post__author",
            "last_post__organisation",
        )
        .defer(*(f"last_post__{name}" for name in _POST_HEAVY))
        .prefetch_related("themes")
        .annotate(has_outcome=Exists(Outcome.objects.filter(thread=OuterRef("pk"))))
    )
    if user.is_authenticated and with_read_state:
        threads = threads.annotate(
            my_read=FilteredRelation("read_states", condition=Q(read_states__user=user))
        ).annotate(
            last_read_number=Coalesce(
                F("my_read__last_read_post_number"), Value(0), output_field=IntegerField()
            )
        )
        threads = threads.annotate(unread_count=F("post_count") - F("last_read_number"))
    else:
        zero = Value(0, output_field=IntegerField())
        threads = threads.annotate(last_read_number=zero, unread_count=zero)
    return threads


def _filtered(threads, *, kind=None, theme=None):
    if kind:
        threads = threads.filter(kind=kind)
    if theme is not None:
        threads = threads.filter(themes=theme)
    return threads


def thread_list_for_topic(
    *, user, topic, kind: str | None = None, theme=None, with_read_state: bool = True
):
    """A topic's threads: pinned first, then by last activity; filter by kind and theme. Without
    `with_read_state`, the same for everyone who may read the topic (the person's unread posts
    come from thread_read_positions_for_user)."""
    _require_read(user, topic)
    threads = _filtered(Thread.objects.filter(topic=topic), kind=kind, theme=theme)
    threads = _thread_rows(threads, user=user, with_read_state=with_read_state)
    return threads.order_by("-is_pinned", "-last_activity_at", "-id")


def thread_read_positions_for_user(*, user, thread_ids) -> dict[int, int]:
    """The number of the last post the person has read in each of these threads that they have
    opened (threads they never opened are left out)."""
    if not user.is_authenticated or not thread_ids:
        return {}
    return dict(
        ReadState.objects.filter(user=user, thread_id__in=thread_ids).values_list(
            "thread_id", "last_read_post_number"
        )
    )


def thread_list_latest(*, user, kind: str | None = None, theme=None):
    """The latest threads across every topic the person may read."""
    threads = _filtered(
        Thread.objects.filter(permissions.readable_topics_q(user, prefix="topic__")),
        kind=kind,
        theme=theme,
    )
    return _thread_rows(threads, user=user).order_by("-last_activity_at", "-id")


def thread_list_followed(*, user):
    """Threads the person follows, directly or through their topic (unless muted)."""
    if not user.is_authenticated:
        return Thread.objects.none()
    following = Follow.State.FOLLOWING
    threads = Thread.objects.filter(permissions.readable_topics_q(user, prefix="topic__")).filter(
        Exists(Follow.objects.filter(user=user, thread=OuterRef("pk"), state=following))
        | (
            Exists(Follow.objects.filter(user=user, topic=OuterRef("topic"), state=following))
            & ~Exists(
                Follow.objects.filter(user=user, thread=OuterRef("pk"), state=Follow.State.MUTED)
            )
        )
    )
    return _thread_rows(threads, user=user).order_by("-last_activity_at", "-id")


# --- One thread -------------------------------------------------------------------------------


def _thread_by_pk(pk) -> Thread | None:
    return (
        Thread.objects.select_related("topic", "author", "organisation")
        .prefetch_related(_moderators_prefetch("topic__"))
        .annotate(has_outcome=Exists(Outcome.objects.filter(thread=OuterRef("pk"))))
        .filter(pk=pk)
        .first()
    )


def thread_get_for_user(*, user, pk) -> Thread:
    """A thread with its topic (and the topic's moderators), author and organisation (its
    themes are one query more, when shown: not on a thread page served from the cache);
    `has_outcome` says whether outcome_get_for_thread has anything to show."""
    thread = _thread_by_pk(pk)
    if thread is None:
        raise Http404
    _require_read(user, thread.topic)
    return thread


def thread_get_for_reader(*, user, pk) -> Thread:
    """thread_get_for_user from the cache: for what a thread page does before it is served
    (the person's reading, who shares the page), on every request of it (two queries
    otherwise). Not for writing: it may be a few moments old."""
    thread = cached_in_generation(
        shared_pages.GENERATION,
        f"dialogues:thread:{pk}",
        READER_OBJECT_TTL,
        lambda: _thread_by_pk(pk),
    )
    if thread is None:
        raise Http404
    _require_read(user, thread.topic)
    return thread


@dataclass
class PostPage:
    """One page of a thread's posts, with what a pager needs."""

    thread: Thread
    number: int
    num_pages: int
    posts: list

    def __iter__(self):
        return iter(self.posts)

    def __len__(self):
        return len(self.posts)

    @property
    def object_list(self):
        return self.posts

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.num_pages

    @property
    def has_other_pages(self):
        return self.num_pages > 1

    @property
    def previous_page_number(self):
        return self.number - 1

    @property
    def next_page_number(self):
        return self.number + 1

    @property
    def page_range(self):
        return range(1, self.num_pages + 1)


def _person_state(posts, user):
    """`marked_useful` and `flagged_by_me` of each post, for the signed-in person."""
    if not user.is_authenticated:
        return posts.annotate(marked_useful=Value(False), flagged_by_me=Value(False))
    return posts.annotate(
        marked_useful=Exists(UsefulMark.objects.filter(post=OuterRef("pk"), user=user)),
        flagged_by_me=Exists(
            Flag.objects.filter(post=OuterRef("pk"), flagged_by=user, resolved_at__isnull=True)
        ),
    )


def _posts_of_page(thread, page: int):
    return (
        Post.objects.filter(
            thread=thread,
            number__gt=(page - 1) * POSTS_PER_PAGE,
            number__lte=page * POSTS_PER_PAGE,
        )
        .annotate(useful_count=_count(UsefulMark.objects.all(), "post"))
        .order_by("number")
    )


def post_page_for_user(*, user, thread, page: int = 1, with_person_state: bool = True) -> PostPage:
    """Page `page` of a thread (POSTS_PER_PAGE posts, by number; Http404 outside the range).

    Each post comes with its author, organisation, attachments, `useful_count`, the post it
    replies to (author, organisation and body_text for the quote) and, for a signed-in person
    unless `with_person_state` is False, `marked_useful` and `flagged_by_me` (without, they are
    False: the page is then the same for everyone with the same rights, and the person's own
    posts and marks come from thread_reading_state_for_user). Hidden posts stay in place, shown as
    hidden: only moderators get their text and attachments (and the text of a hidden post
    quoted in a reply)."""
    topic = thread.topic
    _require_read(user, topic)
    try:
        page = int(page)
    except (TypeError, ValueError) as error:
        raise Http404 from error
    num_pages = thread.page_count
    if page < 1 or page > num_pages:
        raise Http404
    moderating = permissions.can_moderate(user, topic)
    attachments = Attachment.objects.order_by("pk")
    if not moderating:
        attachments = attachments.filter(post__hidden_at__isnull=True)
    posts = (
        _posts_of_page(thread, page)
        .select_related(
            "author",
            "organisation",
            "hidden_by",
            "reply_to__author",
            "reply_to__organisation",
        )
        .defer("search_vector", "reply_to__search_vector", "reply_to__body", "reply_to__body_html")
        .prefetch_related(Prefetch("attachments", queryset=attachments))
    )
    posts = list(_person_state(posts, user if with_person_state else AnonymousUser()))
    if not moderating:
        for post in posts:
            if post.is_hidden:
                post.body = post.body_html = post.body_text = ""
            if post.reply_to is not None and post.reply_to.is_hidden:
                post.reply_to.body_text = ""
    return PostPage(thread=thread, number=page, num_pages=num_pages, posts=posts)


@dataclass
class PersonPosts:
    """Which of some posts the person wrote, marked useful and flagged (still open)."""

    own: set = field(default_factory=set)
    marked_useful: set = field(default_factory=set)
    flagged: set = field(default_factory=set)


def post_page_number_of(*, number: int) -> int:
    """The page of a thread that shows post number `number` (for permalinks)."""
    return post_page_number(number)


@dataclass
class ThreadReadingState:
    """Where the person is in a thread: the first post they have not read (None when they have
    read everything), whether they follow or muted it ("following", "muted" or None), and
    which posts of the asked page they wrote, marked useful or flagged (`posts`)."""

    first_unread_number: int | None = None
    follow_state: str | None = None
    posts: PersonPosts = field(default_factory=PersonPosts)


# Written by hand: on the busiest signed-in page, the ORM's work to build this query (five
# subqueries) took longer than PostgreSQL's to answer it (measured in bench/NOTES.md).
_THREAD_READING_STATE_SQL = """
SELECT
    (SELECT last_read_post_number FROM {read_state}
      WHERE user_id = %(user)s AND thread_id = %(thread)s),
    (SELECT state FROM {follow} WHERE user_id = %(user)s AND thread_id = %(thread)s LIMIT 1),
    ARRAY(SELECT id FROM {post}
      WHERE thread_id = %(thread)s AND number BETWEEN %(first)s AND %(last)s
        AND author_id = %(user)s),
    ARRAY(SELECT mark.post_id FROM {useful_mark} mark JOIN {post} post ON post.id = mark.post_id
      WHERE mark.user_id = %(user)s AND post.thread_id = %(thread)s
        AND post.number BETWEEN %(first)s AND %(last)s),
    ARRAY(SELECT flag.post_id FROM {flag} flag JOIN {post} post ON post.id = flag.post_id
      WHERE flag.flagged_by_id = %(user)s AND flag.resolved_at IS NULL
        AND post.thread_id = %(thread)s AND post.number BETWEEN %(first)s AND %(last)s)
"""


def thread_reading_state_for_user(*, user, thread, page: int | None = None) -> ThreadReadingState:
    """The person's reading state of the thread and, for page `page`, which of its posts they
    wrote, marked useful or flagged (still open): what differs for them on a shared thread
    page (post_page_for_user without person state). One query; nothing for visitors. Posts
    are numbered 1, 2, 3… and never deleted: the first unread is the one after the last
    read."""
    _require_read(user, thread.topic)
    if not user.is_authenticated:
        return ThreadReadingState()
    first = (page - 1) * POSTS_PER_PAGE + 1 if page else 0
    sql = _THREAD_READING_STATE_SQL.format(
        read_state=ReadState._meta.db_table,
        follow=Follow._meta.db_table,
        post=Post._meta.db_table,
        useful_mark=UsefulMark._meta.db_table,
        flag=Flag._meta.db_table,
    )
    parameters = {
        "user": user.pk,
        "thread": thread.pk,
        "first": first,
        "last": first + POSTS_PER_PAGE - 1 if page else -1,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        last_read, follow_state, own, marked_useful, flagged = cursor.fetchone()
    last_read = last_read or 0
    return ThreadReadingState(
        first_unread_number=last_read + 1 if last_read < thread.post_count else None,
        follow_state=follow_state,
        posts=PersonPosts(own=set(own), marked_useful=set(marked_useful), flagged=set(flagged)),
    )


def _post_for_permalink(user, posts):
    post = (
        posts.select_related("thread__topic", "author", "organisation")
        .prefetch_related(_moderators_prefetch("thread__topic__"))
        .defer("search_vector")
        .first()
    )
    if post is None:
        raise Http404
    _require_read(user, post.thread.topic)
    if post.is_hidden and not permissions.can_moderate(user, post.thread.topic):
        post.body = post.body_html = post.body_text = ""
    return post


def post_get_for_user(*, user, pk) -> Post:
    """A post by id (permalinks): `post.thread` and `post.page_number` say where it is."""
    return _post_for_permalink(user, Post.objects.filter(pk=pk))


def post_get_by_number_for_user(*, user, thread_pk, number) -> Post:
    """A post by its number in a thread (permalinks of the form thread/#n)."""
    return _post_for_permalink(user, Post.objects.filter(thread_id=thread_pk, number=number))


def post_flagged_by_user(*, user, post) -> bool:
    """Whether the person has an open flag on the post (they may not flag it again)."""
    if not user.is_authenticated:
        return False
    return Flag.objects.filter(post=post, flagged_by=user, resolved_at__isnull=True).exists()


def post_useful_state_for_user(*, user, post) -> tuple[int, bool]:
    """How many people found the post useful, and whether the person is one of them (for the
    button that a useful mark redraws)."""
    marks = UsefulMark.objects.filter(post=post)
    count = marks.count()
    marked = user.is_authenticated and count > 0 and marks.filter(user=user).exists()
    return count, marked


def post_revisions_for_user(*, user, post):
    """A post's edit history, oldest first (a hidden post's only for its moderators)."""
    post = (
        Post.objects.select_related("thread__topic")
        .only("pk", "hidden_at", "thread__topic")
        .get(pk=post.pk)
    )
    topic = post.thread.topic
    _require_read(user, topic)
    if post.is_hidden and not permissions.can_moderate(user, topic):
        raise Http404
    return (
        PostRevision.objects.filter(post=post)
        .select_related("edited_by")
        .order_by("created_at", "pk")
    )


def attachment_get_for_user(*, user, pk) -> Attachment:
    """An attachment to download: 404 unless the person may read its post (a hidden post's
    attachments only for its moderators)."""
    attachment = (
        Attachment.objects.select_related("post__thread__topic")
        .prefetch_related(_moderators_prefetch("post__thread__topic__"))
        .filter(pk=pk)
        .first()
    )
    if attachment is None:
        raise Http404
    topic = attachment.post.thread.topic
    _require_read(user, topic)
    if attachment.post.is_hidden and not permissions.can_moderate(user, topic):
        raise Http404
    return attachment


def follow_state_for_user(*, user, topic=None, thread=None) -> str | None:
    """The person's choice for a topic or a thread: "following", "muted" or None."""
    if not user.is_authenticated:
        return None
    target = {"topic": topic} if topic is not None else {"thread": thread}
    return Follow.objects.filter(user=user, **target).values_list("state", flat=True).first()


# --- Outcomes ---------------------------------------------------------------------------------


def _standing_endorsements():
    return Prefetch(
        "endorsements",
        queryset=OutcomeEndorsement.objects.filter(withdrawn_at__isnull=True)
        .select_related("organisation", "endorsed_by")
        .order_by("created_at", "pk"),
        to_attr="standing_endorsements",
    )


def outcome_get_for_thread(*, user, thread) -> Outcome | None:
    """The thread's outcome with its standing endorsements (`standing_endorsements`), or None."""
    _require_read(user, thread.topic)
    return (
        Outcome.objects.filter(thread=thread)
        .select_related("concluded_by")
        .prefetch_related(_standing_endorsements())
        .first()
    )


def outcome_revisions_for_user(*, user, outcome):
    """Every version of an outcome's summary, newest first."""
    _require_read(user, outcome.thread.topic)
    return (
        OutcomeRevision.objects.filter(outcome=outcome)
        .select_related("author")
        .order_by("-version")
    )


def outcome_list_for_user(*, user, topic=None, theme=None):
    """Outcomes across the topics the person may read, newest first, with the thread, topic,
    themes, `endorsement_count` and the standing endorsements' organisations."""
    outcomes = Outcome.objects.filter(permissions.readable_topics_q(user, prefix="thread__topic__"))
    if topic is not None:
        outcomes = outcomes.filter(thread__topic=topic)
    if theme is not None:
        outcomes = outcomes.filter(thread__themes=theme)
    return (
        outcomes.select_related(
            "thread__topic", "thread__author", "thread__organisation", "concluded_by"
        )
        .prefetch_related("thread__themes", _standing_endorsements())
        .annotate(
            endorsement_count=_count(
                OutcomeEndorsement.objects.filter(withdrawn_at__isnull=True), "outcome"
            )
        )
        .order_by("-created_at", "-pk")
    )


# --- Moderation -------------------------------------------------------------------------------


def _require_moderator_somewhere(user) -> None:
    if not permissions.moderates_any_topic(user):
        raise Http404


def moderation_queue_for_user(*, user):
    """Posts with open flags in the topics the person moderates, the longest waiting first;
    each with `open_flag_count`, `first_flagged_at` and `open_flags` (who flagged, why)."""
    _require_moderator_somewhere(user)
    open_flags = Flag.objects.filter(resolved_at__isnull=True)
    return (
        Post.objects.filter(permissions.moderated_topics_q(user, prefix="thread__topic__"))
        .filter(Exists(open_flags.filter(post=OuterRef("pk"))))
        .annotate(
            open_flag_count=_count(open_flags, "post"),
            first_flagged_at=Subquery(
                open_flags.filter(post=OuterRef("pk"))
                .order_by("created_at")
                .values("created_at")[:1]
            ),
        )
        .select_related("thread__topic", "author", "organisation")
        .defer("search_vector")
        .prefetch_related(
            Prefetch(
                "flags",
                queryset=open_flags.select_related("flagged_by").order_by("created_at"),
                to_attr="open_flags",
            )
        )
        .order_by("first_flagged_at", "pk")
    )


def flag_get_for_user(*, user, pk) -> Flag:
    """A flag with its post, thread and topic (and the topic's moderators), for a moderator to
    resolve: Http404 unless the person may read the topic."""
    flag = (
        Flag.objects.select_related("post__thread__topic")
        .defer(*(f"post__{name}" for name in _POST_HEAVY))
        .prefetch_related(_moderators_prefetch("post__thread__topic__"))
        .filter(pk=pk)
        .first()
    )
    if flag is None:
        raise Http404
    _require_read(user, flag.post.thread.topic)
    return flag


def moderation_log_for_user(*, user, topic=None):
    """The moderation actions in the topics the person moderates, newest first."""
    _require_moderator_somewhere(user)
    actions = ModerationAction.objects.filter(permissions.moderated_topics_q(user, "topic__"))
    if topic is not None:
        actions = actions.filter(topic=topic)
    return actions.select_related("actor", "topic", "thread", "post").defer(
        *(f"post__{name}" for name in _POST_HEAVY)
    )


# --- Search and mentions ----------------------------------------------------------------------


# Ranking reads every match's vector: fine for a few hundred, not for the 150,000 posts a
# common word matches at the benchmark's size (bench/NOTES.md). Beyond this many matches the
# results are the newest ones, found by walking the posts' date index.
SEARCH_RANKED_MAX = 1000


@dataclass
class SearchResults:
    """What a search found: `posts` to paginate (best first, or newest first when `capped`),
    and how many there are (at most SEARCH_RANKED_MAX when capped: "more than")."""

    posts: object
    count: int
    capped: bool = False


def post_search_for_user(*, user, query: str, topic=None) -> SearchResults:
    """Full-text search over thread titles and post bodies (see dialogues.search): best first,
    or, when more than SEARCH_RANKED_MAX posts match, the newest SEARCH_RANKED_MAX of them.
    Only what the person may read: topics they may read, and no hidden post unless they
    moderate its topic. Each post has `rank` and `headline` (use post.headline_html). Two
    queries: the (capped) count, then the page; and the page's authors and organisations."""
    search = search_query(query or "")
    if search is None:
        return SearchResults(posts=Post.objects.none(), count=0)
    posts = Post.objects.filter(permissions.readable_topics_q(user, prefix="thread__topic__"))
    if not is_secretariat(user):
        posts = posts.filter(
            Q(hidden_at__isnull=True)
            | permissions.moderated_topics_q(user, prefix="thread__topic__")
        )
    if topic is not None:
        posts = posts.filter(thread__topic=topic)
    posts = posts.filter(search_vector=search)
    count = posts.order_by()[: SEARCH_RANKED_MAX + 1].count()
    capped = count > SEARCH_RANKED_MAX
    posts = (
        posts.annotate(
            rank=Value(0.0, output_field=FloatField())
            if capped
            else SearchRank(F("search_vector"), search),
            headline=SearchHeadline(
                "body_text",
                search,
                config=SEARCH_CONFIG,
                start_sel=HEADLINE_START,
                stop_sel=HEADLINE_STOP,
                max_words=35,
                min_words=12,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        # Authors and organisations by key for the page's rows, not joined: PostgreSQL cannot
        # estimate a prefix match (kvarken:*) and planned hash joins over every user for 12
        # rows (20 ms; bench/NOTES.md).
        .select_related("thread__topic")
        .prefetch_related("author", "organisation")
        .defer("body", "body_html", "search_vector")
    )
    if capped:
        return SearchResults(
            posts=posts.order_by("-created_at", "-pk")[:SEARCH_RANKED_MAX],
            count=SEARCH_RANKED_MAX,
            capped=True,
        )
    return SearchResults(posts=posts.order_by("-rank", "-created_at", "-pk"), count=count)


def mention_candidates_for_user(*, user, topic, query: str, limit: int = 10):
    """People the person may @mention in `topic` whose name contains `query` (the editor's
    autocomplete inserts rendering.mention_markup(person)). Empty for those who cannot write."""
    query = " ".join((query or "").split())
    if not query or not permissions.can_write(user, topic):
        return get_user_model().objects.none()
    return (
        get_user_model()
        .objects.filter(permissions.topic_readers_q(topic), full_name__icontains=query)
        .select_related("representative__organisation")
        .order_by("full_name", "pk")[:limit]
    )


# How long the people one may mention in a topic are kept at most (they are forgotten sooner,
# with eca_portal.shared_pages' generation, when people, organisations or moderators change).
MENTION_DIRECTORY_TTL = 10 * 60
# How many people the list under the editor shows at most.
MENTION_DIRECTORY_SIZE = 50


def mention_directory_for_user(*, user, topic, limit: int = MENTION_DIRECTORY_SIZE) -> list[dict]:
    """The people the person may @mention in `topic`, by name, at most `limit`: the list shown
    under the editor when the autocomplete script does not run. Each is a dict with `pk`,
    `name`, `organisation` (its name or "") and `markup` (the text to type). Empty for those
    who cannot write."""
    if not permissions.can_write(user, topic):
        return []
    people = mention_directory_for_topic(topic=topic, limit=limit)
    return [person for person in people if person["pk"] != user.pk][:limit]


def mention_directory_for_topic(*, topic, limit: int = MENTION_DIRECTORY_SIZE) -> list[dict]:
    """The first `limit` + 1 readers of the topic by name, the same for everyone: one more, as
    the person who writes is left out of their own list (mention_directory_for_user, or the
    shared thread page's views.reading.thread_detail_personal).

    Kept in the cache per topic: sorting all the topic's readers by name costs about 5 ms at
    the default size of bench/, on every thread page a member opens."""

    def readers_by_name():
        readers = (
            get_user_model()
            .objects.filter(permissions.topic_readers_q(topic))
            .select_related("representative__organisation")
            .order_by("full_name", "pk")[: limit + 1]
        )
        return [
            {
                "pk": person.pk,
                "name": person.full_name,
                "organisation": _organisation_name(person),
                "markup": mention_markup(person),
            }
            for person in readers
        ]

    return cached_in_generation(
        shared_pages.GENERATION,
        f"dialogues:mention-directory:{topic.pk}:{limit}",
        MENTION_DIRECTORY_TTL,
        readers_by_name,
    )


def _organisation_name(person) -> str:
    representative = getattr(person, "representative", None)
    return representative.organisation.name if representative is not None else ""


def mention_list_for_user(*, user):
    """Where the person was mentioned, newest first (only in what they may still read)."""
    if not user.is_authenticated:
        return Mention.objects.none()
    return (
        Mention.objects.filter(user=user)
        .filter(permissions.readable_topics_q(user, prefix="post__thread__topic__"))
        .filter(post__hidden_at__isnull=True)
        .select_related("post__thread__topic", "post__author", "post__organisation")
        .defer(*(f"post__{name}" for name in _POST_HEAVY))
        .order_by("-created_at", "-pk")
    )
