"""Who may read, write and moderate in the dialogues.

- Public topics: anyone reads, signed in or not.
- Members-only topics: representatives of member organisations read them, whether the
  membership is active or suspended (a suspended member keeps reading but cannot write);
  representatives of a lapsed membership do not. The topic's moderators and the secretariat
  read them too. To everyone else they do not exist (404).
- Writing content (threads, posts, outcomes): representatives of an ACTIVE member, plus the
  topic's moderators and the secretariat, who may need to intervene in a conversation.
- Reacting (useful marks, flags, endorsements): representatives of an ACTIVE member only:
  these speak for an organisation.
- Moderating: the topic's moderators (named by the secretariat) and the secretariat.
- Locked threads: only moderators may still post (to explain the lock or wrap up); archived
  topics: nobody writes until the secretariat reopens the topic.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q

from dialogues.models import Topic
from eca_portal import shared_pages
from eca_portal.cache_generations import cached_in_generation
from members.models import Organisation
from members.permissions import is_active_member, is_secretariat, representative_of

MEMBER_READER_STATUSES = [
    Organisation.MembershipStatus.ACTIVE,
    Organisation.MembershipStatus.SUSPENDED,
]
SECRETARIAT_PERMISSION = ("members", "review_membershipapplication")


def is_member_reader(user) -> bool:
    """A representative of an active or suspended member: reads members-only topics."""
    representative = representative_of(user)
    return bool(
        representative and representative.organisation.membership_status in MEMBER_READER_STATUSES
    )


def is_topic_moderator(user, topic) -> bool:
    """Uses the topic's prefetched moderators when the selector prefetched them."""
    if not user.is_authenticated or topic is None:
        return False
    return any(moderator.pk == user.pk for moderator in topic.moderators.all())


def moderates_any_topic(user) -> bool:
    """The secretariat, or a person named moderator of at least one topic (one query)."""
    if is_secretariat(user):
        return True
    return (
        user.is_authenticated and Topic.moderators.through.objects.filter(user_id=user.pk).exists()
    )


def can_moderate(user, topic) -> bool:
    return is_secretariat(user) or is_topic_moderator(user, topic)


def can_read(user, topic) -> bool:
    return (
        topic.visibility == topic.Visibility.PUBLIC
        or is_secretariat(user)
        or is_member_reader(user)
        or is_topic_moderator(user, topic)
    )


def can_write(user, topic) -> bool:
    """Start threads, post, conclude with an outcome (archived/locked are checked apart)."""
    return can_read(user, topic) and (is_active_member(user) or can_moderate(user, topic))


def can_react(user, topic) -> bool:
    """Mark useful, flag, endorse: a member organisation's voice."""
    return can_read(user, topic) and is_active_member(user)


def can_conclude(user, thread) -> bool:
    """Write or edit a thread's outcome: its moderators (and the secretariat), or the thread's
    author while they may write in the topic."""
    topic = thread.topic
    if can_read(user, topic) and can_moderate(user, topic):
        return True
    return (
        user.is_authenticated
        and thread.author_id is not None
        and thread.author_id == user.pk
        and can_write(user, topic)
    )


@dataclass(frozen=True)
class TopicAccess:
    """What a person may do in a topic, for a page to show the right buttons."""

    can_read: bool
    can_write: bool
    can_react: bool
    can_moderate: bool


def topic_access(*, user, topic) -> TopicAccess:
    readable = can_read(user, topic)
    moderating = readable and can_moderate(user, topic)
    return TopicAccess(
        can_read=readable,
        can_write=readable and (moderating or is_active_member(user)),
        can_react=readable and is_active_member(user),
        can_moderate=moderating,
    )


def readable_topics_q(user, prefix: str = "") -> Q:
    """A filter on topics (or on rows related to a topic through `prefix`, e.g. "thread__topic__")
    that keeps those the user may read. One SQL condition, no query of its own beyond the
    user's role."""
    if is_secretariat(user) or is_member_reader(user):
        return Q()
    public = Q(**{f"{prefix}visibility": Topic.Visibility.PUBLIC})
    if not user.is_authenticated:
        return public
    moderated = Topic.moderators.through.objects.filter(user_id=user.pk).values("topic_id")
    return public | Q(**{f"{prefix}pk__in": moderated})


def moderated_topics_q(user, prefix: str = "") -> Q:
    """A filter keeping the topics the user moderates (everything for the secretariat)."""
    if is_secretariat(user):
        return Q()
    if not user.is_authenticated:
        return Q(**{f"{prefix}pk__in": []})
    moderated = Topic.moderators.through.objects.filter(user_id=user.pk).values("topic_id")
    return Q(**{f"{prefix}pk__in": moderated})


def secretariat_users_q() -> Q:
    """A filter on users: the secretariat (as is_secretariat decides, for active accounts)."""
    app_label, codename = SECRETARIAT_PERMISSION
    User = get_user_model()
    through_groups = User.groups.through.objects.filter(
        user_id=OuterRef("pk"),
        group__permissions__codename=codename,
        group__permissions__content_type__app_label=app_label,
    )
    direct = User.user_permissions.through.objects.filter(
        user_id=OuterRef("pk"),
        permission__codename=codename,
        permission__content_type__app_label=app_label,
    )
    return Q(is_active=True) & (Q(is_superuser=True) | Exists(through_groups) | Exists(direct))


def topic_readers_q(topic) -> Q:
    """A filter on users: the people who take part in the dialogue and may read `topic` —
    members (active or suspended), the topic's moderators and the secretariat. Mentions are
    recorded only for these people."""
    members = Q(representative__organisation__membership_status__in=MEMBER_READER_STATUSES)
    moderators = Exists(
        Topic.moderators.through.objects.filter(user_id=OuterRef("pk"), topic_id=topic.pk)
    )
    return Q(is_active=True) & (members | moderators | secretariat_users_q())


def reading_audience(user) -> str:
    """Who reads the dialogues alike (eca_portal.shared_pages): the same topics, and the same
    moderated ones (where hidden posts show and moderation links appear). For a signed-in
    person; the secretariat reads and moderates everything."""
    if is_secretariat(user):
        return "all-topics"
    readable = "member-topics" if is_member_reader(user) else "public-topics"
    return f"{readable}:moderating:{','.join(map(str, moderated_topic_ids(user)))}"


# How long the topics a person moderates are kept at most (forgotten sooner, with the shared
# pages' generation, when any topic's moderators change: they are public content).
MODERATED_TOPICS_TTL = 10 * 60


def moderated_topic_ids(user) -> list[int]:
    """The primary keys of the topics the signed-in person moderates, in order."""
    return cached_in_generation(
        shared_pages.GENERATION,
        f"dialogues:moderated-topics:{user.pk}",
        MODERATED_TOPICS_TTL,
        lambda: sorted(
            Topic.moderators.through.objects.filter(user_id=user.pk).values_list(
                "topic_id", flat=True
            )
        ),
    )
