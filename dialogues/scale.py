"""Scale data for the dialogues (manage.py seed_scale): topics, thousands of threads, hundreds of
thousands of posts, with mentions, replies, useful marks, follows, read positions (so that
threads are unread for some people) and the mention notifications.

Rows are written in bulk, but as the services write them: post numbers 1…n per thread, the
thread's counters (post_count, last_post, last_activity_at), the Markdown rendered by
dialogues.rendering (a pool of bodies rendered once and reused: rendering 250,000 posts one by
one would take longer than the rest of the seed), mentions written `@[Name](user:id)` and shown
as the renderer shows them, and the search vector built by the same expression the services use
(dialogues.search.search_vector_expression), so search finds seeded posts.
"""

from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

from django.urls import reverse
from django.utils.html import escape

from dialogues.models import (
    Follow,
    Mention,
    ModerationAction,
    Post,
    PostRevision,
    ReadState,
    Thread,
    Topic,
    UsefulMark,
)
from dialogues.rendering import render_markdown
from dialogues.search import search_vector_expression
from members.scale import ScaleContext, bulk, next_id, sequence_reset

# A word that appears in only a handful of posts: the benchmark's "rare word" search.
RARE_WORD = "Kvarken"
RARE_POSTS = 12
# The benchmark reads the last page of this thread and a page of the 50-post threads.
LONG_THREAD_POSTS = 2000
LONG_THREAD_TITLE = "Cluster policy after 2027: the alliance's open consultation"
FIFTY_POST_THREADS = 10
POOL_SIZE = 400
MENTION_SHARE = 0.05
POST_BATCH = 2000

# A stand-in person the pool's mention bodies are rendered with; replaced by a real one per post.
_PLACEHOLDER_ID = 987654321
_PLACEHOLDER_NAME = "Zqxname Zqxplaceholder"
_PLACEHOLDER_SLUG = "zqxslug"
_PLACEHOLDER_MARKUP = f"@[{_PLACEHOLDER_NAME}](user:{_PLACEHOLDER_ID})"

TOPICS = [
    # slug, title, visibility, share of the threads
    ("green-transition", "Green transition of clusters", Topic.Visibility.PUBLIC, 30),
    ("smart-specialisation", "Smart specialisation strategies", Topic.Visibility.PUBLIC, 12),
    ("internationalisation", "Internationalisation of SMEs", Topic.Visibility.PUBLIC, 10),
    ("digital-transition", "Digital transition and data", Topic.Visibility.PUBLIC, 10),
    ("cluster-excellence", "Cluster excellence and evaluation", Topic.Visibility.PUBLIC, 8),
    ("skills", "Skills and talent", Topic.Visibility.PUBLIC, 6),
    ("funding-instruments", "Funding instruments", Topic.Visibility.MEMBERS, 8),
    ("programme-managers", "Programme managers' corner", Topic.Visibility.MEMBERS, 6),
    ("eu-policy", "EU cluster policy and the Commission", Topic.Visibility.PUBLIC, 5),
    ("regional-cooperation", "Interregional cooperation", Topic.Visibility.PUBLIC, 3),
    ("secretariat-news", "News from the secretariat", Topic.Visibility.PUBLIC, 1),
    ("alliance-governance", "Alliance governance", Topic.Visibility.MEMBERS, 1),
]
ARCHIVED_TOPIC = ("pilot-2023", "Pilot phase 2023 (archived)", Topic.Visibility.PUBLIC, 0)

SUBJECTS = [
    "decarbonisation roadmaps",
    "innovation vouchers",
    "cluster evaluation indicators",
    "cross-border cluster partnerships",
    "green hydrogen valleys",
    "digital innovation hubs",
    "skills academies for clusters",
    "state aid rules for cluster funding",
    "matchmaking events",
    "internationalisation missions",
    "circular economy pilots",
    "battery value chains",
    "data spaces for manufacturing",
    "cluster management excellence labels",
    "SME participation in Horizon Europe",
    "regional smart specialisation reviews",
    "interregional investment pilots",
    "the Single Market Programme",
    "cluster observatories",
    "defence and dual-use clusters",
]
TITLE_PATTERNS = [
    "How do you fund {subject}?",
    "{Subject}: lessons from {place}",
    "Call for partners: {subject} in {place}",
    "What works for {subject}?",
    "Evaluating {subject} — experience wanted",
    "{Subject} after 2027",
    "Good practice: {subject} in {place}",
]
PLACES = [
    "Flanders",
    "Bavaria",
    "Lower Austria",
    "Catalonia",
    "the Basque Country",
    "Lombardy",
    "Denmark",
    "Estonia",
    "Auvergne-Rhône-Alpes",
    "Slovenia",
    "Portugal",
    "Poland",
    "Sweden",
    "Ireland",
    "Czechia",
]
SENTENCES = [
    "We co-fund the cluster management for three years and then expect 40 % private income.",
    "Our evaluation showed that SMEs join when the first project is small and quick.",
    "The roadmap must name measurable targets, otherwise it stays a brochure.",
    "We pooled our budget with two neighbouring regions through an Interreg project.",
    "The vouchers worked well for digitalisation, less so for internationalisation.",
    "Happy to share our call text and the selection criteria in a separate post.",
    "Clusters report yearly on energy use, turnover and the number of member companies.",
    "The hardest part was state aid: we used the block exemption for innovation clusters.",
    "In our experience the matchmaking works best with a clear sector focus.",
    "We ask every cluster organisation for a short internationalisation strategy.",
    "The national and the regional programme now share one application portal.",
    "A benchmarking of cluster management helped us to set realistic targets.",
    "We fund the roadmap itself but not the investments that follow.",
    "The evaluation report is public and available in English.",
    "Our cluster managers meet every quarter to compare notes.",
    "Nous finançons l'animation des pôles de compétitivité pendant quatre ans.",
    "L'évaluation a montré un effet réel sur l'emploi régional et l'export des PME.",
    "La feuille de route de décarbonation est obligatoire depuis 2024.",
    "Wir fördern Clustermanagements degressiv über fünf Jahre.",
    "Die Evaluierung zeigt: KMU profitieren vor allem von der Vernetzung.",
    "Für die Internationalisierung nutzen wir gemeinsame Messestände.",
    "Die Förderung ist mit der regionalen Innovationsstrategie abgestimmt.",
]
SHORT_REPLIES = [
    "Thanks, very useful.",
    "Same experience here.",
    "Could you share the evaluation report?",
    "We would be interested in joining.",
    "Merci pour ce retour très utile.",
    "Danke, sehr hilfreich!",
    "+1, this matches what we see in our region.",
    "Let us discuss this at the next alliance meeting.",
]
RARE_SENTENCE = (
    f"The {RARE_WORD} cross-border pilot linked maritime clusters on both sides of the strait."
)


@dataclass(frozen=True)
class Body:
    """A rendered post body of the pool: Markdown, sanitised HTML, plain text."""

    body: str
    html: str
    text: str
    has_mention: bool = False

    def for_mention(self, *, user_id: int, name: str, organisation_slug: str) -> "Body":
        """The same body mentioning a real person, as the renderer would have shown them."""
        label = name.replace("[", " ").replace("]", " ")[:150]
        href = reverse("members:organisation_detail", kwargs={"slug": organisation_slug})
        placeholder_href = reverse(
            "members:organisation_detail", kwargs={"slug": _PLACEHOLDER_SLUG}
        )
        return Body(
            body=self.body.replace(_PLACEHOLDER_MARKUP, f"@[{label}](user:{user_id})"),
            html=self.html.replace(
                f"{placeholder_href}#person-{_PLACEHOLDER_ID}", f"{href}#person-{user_id}"
            ).replace(escape(f"@{_PLACEHOLDER_NAME}"), escape(f"@{name}")),
            text=self.text.replace(f"@{_PLACEHOLDER_NAME}", f"@{name}"),
        )


def _placeholder_people(ids):
    organisation = SimpleNamespace(slug=_PLACEHOLDER_SLUG)
    return [
        SimpleNamespace(
            pk=_PLACEHOLDER_ID,
            full_name=_PLACEHOLDER_NAME,
            representative=SimpleNamespace(organisation=organisation),
        )
    ]


def _markdown(rng, *, extra_sentence: str = "") -> str:
    if not extra_sentence and rng.random() < 0.25:
        return rng.choice(SHORT_REPLIES)
    paragraphs = []
    for _ in range(rng.randint(1, 4)):
        sentences = rng.sample(SENTENCES, rng.randint(2, 4))
        paragraph = " ".join(sentences)
        if rng.random() < 0.3:
            paragraph = paragraph.replace("cluster", "**cluster**", 1)
        paragraphs.append(paragraph)
    if rng.random() < 0.2:
        paragraphs.append("\n".join(f"{i}. {s}" for i, s in enumerate(rng.sample(SENTENCES, 3), 1)))
    if rng.random() < 0.15:
        paragraphs.append("See [the evaluation report](https://example.eu/cluster-evaluation.pdf).")
    if rng.random() < 0.1:
        paragraphs.insert(0, f"> {rng.choice(SENTENCES)}")
    if extra_sentence:
        paragraphs.insert(rng.randint(0, len(paragraphs)), extra_sentence)
    return "\n\n".join(paragraphs)


def rendered_body(source: str, *, has_mention: bool = False) -> Body:
    rendered = render_markdown(
        source, resolve_mentions=_placeholder_people if has_mention else None
    )
    return Body(body=source, html=rendered.html, text=rendered.text, has_mention=has_mention)


class BodyPool:
    """A few hundred bodies rendered once; mention bodies carry a placeholder person."""

    def __init__(self, rng, size: int = POOL_SIZE):
        self.rng = rng
        self.plain = [rendered_body(_markdown(rng)) for _ in range(size)]
        self.mentioning = [
            rendered_body(f"{_PLACEHOLDER_MARKUP} {_markdown(rng)}", has_mention=True)
            for _ in range(max(10, size // 10))
        ]
        self.rare = [rendered_body(_markdown(rng, extra_sentence=RARE_SENTENCE)) for _ in range(4)]

    def pick(self) -> Body:
        return self.rng.choice(self.plain)

    def pick_mentioning(self) -> Body:
        return self.rng.choice(self.mentioning)

    def pick_rare(self) -> Body:
        return self.rng.choice(self.rare)


class DialogueWriter:
    """Buffers threads and posts with ids chosen here (so replies and last_post can point at
    rows not yet written; Django's foreign keys are checked at commit), and writes them in
    batches. Also collects what posting implies: the author follows the thread and has read it
    up to their post; mentions (and their notifications)."""

    def __init__(self, ctx: ScaleContext, pool: BodyPool):
        self.ctx = ctx
        self.pool = pool
        self.next_thread_id = next_id(Thread)
        self.next_post_id = next_id(Post)
        self.threads: list = []
        self.posts: list = []
        self.thread_themes: list = []
        self.follows: dict = {}  # (user id, thread id) → state
        self.read: dict = {}  # (user id, thread id) → last read post number
        self.mentions: list = []  # (post id, thread id, user id, author id, created_at)
        self.replies: list = []  # (post id, thread id, replied-to author id, author id, created_at)
        self.useful: set = set()  # (post id, user id)
        self.revisions: list = []
        self.moderation: list = []
        # Which of the generated posts (counted from 1) carry the rare word: see seed().
        self.rare_at: set = set()
        self.generated = 0
        self.bench_mentions_left = 60
        self.written_posts = 0
        self.written_threads = 0
        self._vectors: dict = {}

    def _search_vector(self, title: str, text: str, *, reused: bool):
        """The services' expression; the pool's bodies recur, so theirs is built once (Django
        resolves a copy of it for every row it inserts)."""
        if title or not reused:
            return search_vector_expression(title=title, text=text)
        expression = self._vectors.get(text)
        if expression is None:
            expression = self._vectors[text] = search_vector_expression(title="", text=text)
        return expression

    def _author_organisation(self, user_id):
        return self.ctx.user_organisation.get(user_id)

    def _mention_target(self, author_id):
        ctx = self.ctx
        if ctx.bench_member_id and author_id != ctx.bench_member_id and self.bench_mentions_left:
            if ctx.rng.random() < 0.3:
                self.bench_mentions_left -= 1
                return ctx.bench_member_id
        for _ in range(5):
            target = ctx.rng.choice(ctx.writer_ids)
            if target != author_id:
                return target
        return None

    def thread(
        self,
        *,
        topic: Topic,
        title: str,
        kind: str,
        post_count: int,
        participants: list,
        start,
        end,
        theme_ids=(),
        opening: Body | None = None,
        is_pinned: bool = False,
        is_locked: bool = False,
        moderator_id=None,
    ) -> int:
        """Add a thread of `post_count` posts by `participants` (the first starts it) between
        `start` and `end`; returns its id."""
        ctx, rng = self.ctx, self.ctx.rng
        thread_id = self.next_thread_id
        self.next_thread_id += 1
        span = max((end - start).total_seconds(), post_count)
        offsets = sorted(rng.uniform(0, span) for _ in range(post_count - 1))
        times = [start] + [start + timedelta(seconds=offset) for offset in offsets]
        post_ids = []
        author_of: dict = {}
        last_number_by_author: dict = {}
        for index, created_at in enumerate(times):
            number = index + 1
            self.generated += 1
            author_id = participants[0] if number == 1 else rng.choice(participants)
            body = opening if (number == 1 and opening is not None) else None
            if body is None:
                if self.generated in self.rare_at:
                    body = self.pool.pick_rare()
                elif rng.random() < MENTION_SHARE:
                    body = self.pool.pick_mentioning()
                else:
                    body = self.pool.pick()
            post_id = self.next_post_id
            self.next_post_id += 1
            hidden = number > 1 and moderator_id is not None and rng.random() < 0.003
            mentioned = None
            if body.has_mention:
                mentioned = None if hidden else self._mention_target(author_id)
                if mentioned is None:
                    body = self.pool.pick()
                else:
                    slug = ctx.organisations[ctx.user_organisation[mentioned]][0]
                    body = body.for_mention(
                        user_id=mentioned, name=ctx.user_names[mentioned], organisation_slug=slug
                    )
                    self.mentions.append((post_id, thread_id, mentioned, author_id, created_at))
            edited_at = None
            if number > 1 and rng.random() < 0.02:
                edited_at = created_at + timedelta(minutes=rng.randint(2, 600))
                self.revisions.append(
                    PostRevision(
                        post_id=post_id,
                        body=body.body,
                        body_html=body.html,
                        edited_by_id=author_id,
                        created_at=edited_at,
                    )
                )
            reply_to_id = None
            if number > 2 and rng.random() < 0.2:
                reply_to_id = rng.choice(post_ids[-20:])
                replied_author = author_of[reply_to_id]
                if replied_author != author_id and not hidden:
                    self.replies.append((post_id, thread_id, replied_author, author_id, created_at))
            post = Post(
                id=post_id,
                thread_id=thread_id,
                number=number,
                author_id=author_id,
                organisation_id=self._author_organisation(author_id),
                body=body.body,
                body_html=body.html,
                body_text=body.text,
                search_vector=self._search_vector(
                    title if number == 1 else "", body.text, reused=mentioned is None
                ),
                reply_to_id=reply_to_id,
                created_at=created_at,
                edited_at=edited_at,
            )
            if hidden:
                post.hidden_at = created_at + timedelta(hours=rng.randint(1, 48))
                post.hidden_by_id = moderator_id
                post.hidden_reason = "Off-topic advertising."
                self.moderation.append(
                    ModerationAction(
                        actor_id=moderator_id,
                        action=ModerationAction.Action.HIDE_POST,
                        topic_id=topic.pk,
                        thread_id=thread_id,
                        post_id=post_id,
                        reason=post.hidden_reason,
                        created_at=post.hidden_at,
                    )
                )
            self.posts.append(post)
            post_ids.append(post_id)
            author_of[post_id] = author_id
            last_number_by_author[author_id] = number
            if number > 1 and rng.random() < 0.1:
                for marker in rng.sample(participants, min(3, len(participants))):
                    if marker != author_id:
                        self.useful.add((post_id, marker))
        for author_id, number in last_number_by_author.items():
            self.follows.setdefault((author_id, thread_id), Follow.State.FOLLOWING)
            # Posting reads the thread up to one's post; many have read on since, some not.
            read_to = post_count if rng.random() < 0.6 else number
            self.read[(author_id, thread_id)] = read_to
        self.threads.append(
            Thread(
                id=thread_id,
                topic_id=topic.pk,
                title=title,
                kind=kind,
                author_id=participants[0],
                organisation_id=self._author_organisation(participants[0]),
                is_pinned=is_pinned,
                is_locked=is_locked,
                created_at=times[0],
                last_activity_at=times[-1],
                post_count=post_count,
                last_post_id=post_ids[-1],
            )
        )
        self.thread_themes.extend((thread_id, theme_id) for theme_id in theme_ids)
        if len(self.posts) >= POST_BATCH:
            self.flush()
        return thread_id

    def flush(self) -> None:
        # Threads first: not required (foreign keys are checked at commit) but easier to read.
        if self.threads:
            bulk(Thread, self.threads)
            through = Thread.themes.through
            bulk(
                through,
                [through(thread_id=t, policytheme_id=p) for t, p in self.thread_themes],
            )
            self.written_threads += len(self.threads)
        if self.posts:
            Post.objects.bulk_create(self.posts)
            self.written_posts += len(self.posts)
        self.threads, self.posts, self.thread_themes = [], [], []

    def finish(self) -> None:
        """Write what is left, then what posting implied (follows, read positions, marks)."""
        self.flush()
        sequence_reset(Thread)
        sequence_reset(Post)
        bulk(PostRevision, self.revisions)
        bulk(ModerationAction, self.moderation)
        bulk(
            Follow,
            [
                Follow(user_id=user_id, thread_id=thread_id, state=state)
                for (user_id, thread_id), state in self.follows.items()
            ],
        )
        now = self.ctx.now
        bulk(
            ReadState,
            [
                ReadState(
                    user_id=user_id, thread_id=thread_id, last_read_post_number=n, updated_at=now
                )
                for (user_id, thread_id), n in self.read.items()
            ],
        )
        bulk(UsefulMark, [UsefulMark(post_id=p, user_id=u) for p, u in self.useful])
        bulk(
            Mention,
            [
                Mention(post_id=post_id, user_id=user_id, created_at=created_at)
                for post_id, _thread_id, user_id, _author_id, created_at in self.mentions
            ],
        )
        ctx = self.ctx
        ctx.made("threads (dialogues and initiatives)", self.written_threads)
        ctx.made("posts", self.written_posts)
        ctx.made("thread follows", len(self.follows))
        ctx.made("read positions", len(self.read))
        ctx.made("mentions", len(self.mentions))
        ctx.made("useful marks", len(self.useful))
        ctx.made("hidden posts", len(self.moderation))
        ctx.made("edited posts", len(self.revisions))


def _title(rng) -> str:
    subject = rng.choice(SUBJECTS)
    return rng.choice(TITLE_PATTERNS).format(
        subject=subject, Subject=subject[0].upper() + subject[1:], place=rng.choice(PLACES)
    )


def _thread_sizes(rng, threads: int, posts: int) -> list[int]:
    """How many posts each thread has: one very long thread, several of exactly 50, and a
    heavy tail for the rest (many short threads, a few long ones), `posts` in all."""
    if threads <= 0:
        return []
    posts = max(posts, threads)
    sizes = []
    long_size = LONG_THREAD_POSTS if posts >= 2 * LONG_THREAD_POSTS else max(1, posts // 4)
    if threads > 1:
        sizes.append(long_size)
    for _ in range(FIFTY_POST_THREADS):
        if len(sizes) < threads - 1 and sum(sizes) + 50 + (threads - len(sizes) - 1) <= posts:
            sizes.append(50)
    rest = threads - len(sizes)
    budget = posts - sum(sizes)
    weights = [rng.paretovariate(1.3) for _ in range(rest)]
    total = sum(weights) or 1
    cap = max(1, min(1000, long_size - 1))
    tail = [min(cap, 1 + int((budget - rest) * w / total)) for w in weights]
    missing = budget - sum(tail)
    while missing > 0 and tail:
        index = rng.randrange(len(tail))
        if tail[index] < cap:
            tail[index] += 1
            missing -= 1
        elif all(size >= cap for size in tail):
            break
    return sizes + tail


def topics_create(ctx: ScaleContext) -> list[tuple[Topic, int]]:
    """The topics with their share of the threads; moderators are members of the alliance."""
    rng = ctx.rng
    topics = []
    for slug, title, visibility, share in [*TOPICS, ARCHIVED_TOPIC]:
        archived = slug == ARCHIVED_TOPIC[0]
        topic, _created = Topic.objects.get_or_create(
            slug=slug,
            defaults={
                "title": title,
                "description": f"{title}: experience, questions and calls for partners.",
                "visibility": visibility,
                "status": Topic.Status.ARCHIVED if archived else Topic.Status.OPEN,
                "archived_at": ctx.now - timedelta(days=400) if archived else None,
                "created_by_id": ctx.bench_secretariat_id,
                "created_at": ctx.now - timedelta(days=1200),
            },
        )
        if ctx.writer_ids:
            topic.moderators.add(*rng.sample(ctx.writer_ids, min(2, len(ctx.writer_ids))))
        topics.append((topic, share or 1))
    ctx.made("topics", len(topics))
    return topics


def seed(ctx: ScaleContext, *, threads: int, posts: int, writer: DialogueWriter) -> None:
    """`threads` threads with `posts` posts in all, in the topics of TOPICS."""
    rng = ctx.rng
    if not ctx.writer_ids:
        ctx.step("no representatives of active members: no dialogues")
        return
    topics = topics_create(ctx)
    moderators = {
        topic.pk: list(topic.moderators.values_list("pk", flat=True)) for topic, _ in topics
    }
    public = [topic for topic, _ in topics if not topic.is_members_only and not topic.is_archived]
    busiest = max(topics, key=lambda pair: pair[1])[0]
    sizes = _thread_sizes(rng, threads, posts)
    total = sum(sizes)
    writer.rare_at = set(rng.sample(range(1, total + 1), min(RARE_POSTS, total)))
    kinds = list(Thread.Kind)
    bench = ctx.bench_member_id
    bench_share = min(1.0, 60 / max(threads, 1))
    for index, size in enumerate(sizes):
        if index == 0 and size >= 100:
            topic, title = public[0], LONG_THREAD_TITLE
        elif 1 <= index <= FIFTY_POST_THREADS:
            topic, title = busiest, _title(rng)
        else:
            topic = rng.choices([t for t, _ in topics], [s for _, s in topics])[0]
            title = _title(rng)
        group = max(2, min(size, 200, int(size**0.8) + 1))
        participants = rng.sample(ctx.writer_ids, min(group, len(ctx.writer_ids)))
        if bench and bench not in participants and (index <= 3 or rng.random() < bench_share):
            participants.append(bench)
        end = ctx.moment(days_ago_max=700, days_ago_min=0.01)
        start = end - timedelta(days=rng.uniform(0.05, 2.0 * size**0.5 + 1))
        writer.thread(
            topic=topic,
            title=title,
            kind=rng.choices(kinds, [50, 25, 15, 10])[0],
            post_count=size,
            participants=participants,
            start=start,
            end=end,
            theme_ids=rng.sample(ctx.theme_ids, rng.randint(0, min(2, len(ctx.theme_ids)))),
            is_pinned=rng.random() < 0.005,
            is_locked=rng.random() < 0.01,
            moderator_id=(moderators[topic.pk] or [None])[0],
        )
    # Some people follow whole topics, a few mute one.
    topic_follows = {}
    for user_id in rng.sample(ctx.writer_ids, max(1, len(ctx.writer_ids) // 20)):
        for topic, _share in rng.sample(topics, min(2, len(topics))):
            topic_follows[(user_id, topic.pk)] = (
                Follow.State.MUTED if rng.random() < 0.1 else Follow.State.FOLLOWING
            )
    if bench:
        topic_follows[(bench, busiest.pk)] = Follow.State.FOLLOWING
    bulk(
        Follow,
        [Follow(user_id=u, topic_id=t, state=s) for (u, t), s in topic_follows.items()],
    )
    ctx.made("topic follows", len(topic_follows))
    ctx.step(f"{len(sizes)} threads of the dialogues generated")


def seed_notifications(ctx: ScaleContext, writer: DialogueWriter) -> None:
    """The notifications the posts caused: mentions (notifications.services.
    notifications_for_mentions_create) and replies to someone's post, never to the author;
    most are read. Lives here until the notifications app has its own scale generator."""
    from notifications.models import Notification

    rng = ctx.rng
    rows = []
    # Mentions first: a post that mentions and answers the same person notifies once (the
    # unique constraint keeps the first), as the services do.
    kinds = [(Notification.Kind.MENTION, writer.mentions)]
    reply_kind = getattr(Notification.Kind, "REPLY", None)
    if reply_kind is not None:
        kinds.append((reply_kind, writer.replies))
    for kind, events in kinds:
        for post_id, thread_id, user_id, author_id, created_at in events:
            if user_id == author_id:
                continue
            read = rng.random() < (0.5 if user_id == ctx.bench_member_id else 0.7)
            rows.append(
                Notification(
                    recipient_id=user_id,
                    kind=kind,
                    actor_id=author_id,
                    post_id=post_id,
                    thread_id=thread_id,
                    created_at=created_at,
                    read_at=created_at + timedelta(hours=rng.randint(1, 72)) if read else None,
                )
            )
    before = Notification.objects.count()
    bulk(Notification, rows, ignore_conflicts=True)
    ctx.made("notifications (mentions and replies)", Notification.objects.count() - before)
