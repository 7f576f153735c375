"""Reading the dialogues: the topics, a topic's threads, a thread with its posts, permalinks, a
post's history and attachment downloads; and what a reader does without writing: follow or mute,
mark as read."""

import re
from dataclasses import dataclass
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import ListView, TemplateView

from dialogues import permissions, selectors, services
from dialogues.forms import FollowForm, PostForm, ThreadFilterForm
from dialogues.models import POSTS_PER_PAGE, Follow, Thread, post_page_number
from eca_portal import shared_pages
from eca_portal.pagination import ForgivingPaginationMixin

THREADS_PER_PAGE = 30
# Partials of the moderation and outcome pages, included when they exist.
OUTCOME_PANEL = "dialogues/partials/outcome_panel.html"
THREAD_MODERATION_ACTIONS = "dialogues/partials/thread_moderation_actions.html"
POST_MODERATION_ACTIONS = "dialogues/partials/post_moderation_actions.html"


# --- Helpers shared with the writing pages ----------------------------------------------------


def template_or_none(name: str) -> str | None:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return None
    return name


def thread_page_url(thread, number: int | None = None) -> str:
    """The thread page that shows post `number`, with its anchor (the first page without)."""
    url = reverse("dialogues:thread_detail", kwargs={"pk": thread.pk})
    if number is None:
        return url
    return f"{url}?page={post_page_number(number)}#post-{number}"


def write_refusal(*, user, topic, access, thread=None) -> str:
    """Why the person may not write here, in words; "" when they may (or must sign in first,
    which the page offers separately)."""
    if topic.is_archived:
        return _("This topic is archived: it can be read but no longer changed.")
    if not access.can_write:
        if not user.is_authenticated:
            return ""
        if permissions.is_member_reader(user):
            return _(
                "Your organisation's membership is suspended: you can read the dialogues but "
                "not write in them."
            )
        return _("Only members of the alliance can write here.")
    if thread is not None and thread.is_locked and not access.can_moderate:
        return _("This thread is locked: only its moderators can still post.")
    return ""


# --- The topics ---------------------------------------------------------------------------------


def reading_audience(request, **kwargs) -> str:
    """Who sees the overview and search results alike (eca_portal.shared_pages)."""
    return permissions.reading_audience(request.user)


class TopicListView(TemplateView):
    """Every topic the person may read, with its counts; what is unread for the signed-in person
    is filled in by topic_list_personal, so that the rest is shared (urls.py)."""

    template_name = "dialogues/topic_list.html"

    def get_context_data(self, **kwargs):
        topics = selectors.topic_list_for_user(user=self.request.user, with_unread=False)
        return super().get_context_data(topics=topics, **kwargs)


_UNREAD_MARKER = re.compile(r"<!-- unread:(\d+) -->")
_MARK_ALL_READ_MARKER = "<!-- mark-all-read -->"


def topic_list_personal(request, html: str) -> str:
    """The overview's parts for one person, into its markers: each topic's unread threads and,
    if anything is unread, the button to mark everything as read (one query)."""
    user = request.user
    if not user.is_authenticated:
        return _UNREAD_MARKER.sub("", html).replace(_MARK_ALL_READ_MARKER, "")
    unread = selectors.unread_thread_counts_for_user(
        user=user, topic_ids=[int(pk) for pk in _UNREAD_MARKER.findall(html)]
    )
    html = _UNREAD_MARKER.sub(
        lambda marker: shared_pages.partial(
            "dialogues/partials/topic_unread.html", count=unread.get(int(marker[1]), 0)
        ),
        html,
    )
    mark_all_read = (
        shared_pages.partial("dialogues/partials/mark_all_read.html")
        if any(unread.values())
        else ""
    )
    return html.replace(_MARK_ALL_READ_MARKER, mark_all_read)


@require_POST
@login_required
def mark_all_read(request):
    count = services.threads_mark_all_read(user=request.user)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)d thread was marked as read.",
                "%(count)d threads were marked as read.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("You had already read everything."))
    return HttpResponseRedirect(reverse("dialogues:topic_list"))


# --- One topic ----------------------------------------------------------------------------------


def rights_in_topic(*, user, topic, thread=None) -> tuple[permissions.TopicAccess, str]:
    """The person's rights in the topic, and why they may not write there (or in the thread):
    what makes a topic's or a thread's page differ from one person to another."""
    access = permissions.topic_access(user=user, topic=topic)
    return access, write_refusal(user=user, topic=topic, access=access, thread=thread)


def rights_audience(access, refusal: str) -> str:
    """Who sees a topic's or a thread's page alike (eca_portal.shared_pages): the same rights
    and the same reason not to write."""
    return (
        f"write={access.can_write:d},react={access.can_react:d},"
        f"moderate={access.can_moderate:d},refusal={refusal}"
    )


def topic_audience(request, slug) -> str:
    """Who sees a topic's thread list alike. Http404 for those who may not read it."""
    topic = selectors.topic_get_for_reader(user=request.user, slug=slug)
    return rights_audience(*rights_in_topic(user=request.user, topic=topic))


_THREAD_ROW_MARKER = re.compile(r'<!-- thread-row:(\d+):(\d+) --><tr class="thread-row">')
_THREAD_UNREAD_MARKER = re.compile(r"<!-- thread-unread:(\d+) -->")
_FOLLOW_TOPIC_MARKER = re.compile(r"<!-- follow-topic:(\d+) -->")


def topic_detail_personal(request, html: str) -> str:
    """A topic's thread list's parts for one person, into its markers: which threads have posts
    they have not read (the row, and a badge), and their follow controls (two queries)."""
    user = request.user
    rows = {int(pk): int(count) for pk, count in _THREAD_ROW_MARKER.findall(html)}
    positions = selectors.thread_read_positions_for_user(user=user, thread_ids=list(rows))
    unread = (
        {pk: count - positions.get(pk, 0) for pk, count in rows.items()}
        if user.is_authenticated
        else {}
    )
    html = _THREAD_ROW_MARKER.sub(
        lambda marker: (
            '<tr class="thread-row thread-row--unread">'
            if unread.get(int(marker[1]), 0) > 0
            else '<tr class="thread-row">'
        ),
        html,
    )

    def unread_badge(marker):
        pk = int(marker[1])
        if unread.get(pk, 0) <= 0:
            return ""
        return shared_pages.partial(
            "dialogues/partials/thread_unread.html",
            thread_pk=pk,
            unread_count=unread[pk],
            last_read_number=positions.get(pk, 0),
        )

    html = _THREAD_UNREAD_MARKER.sub(unread_badge, html)

    def follow_controls(marker):
        if not user.is_authenticated:
            return ""
        return shared_pages.partial(
            "dialogues/partials/follow_controls.html",
            action=reverse("dialogues:topic_follow", kwargs=request.resolver_match.kwargs),
            state=selectors.follow_state_for_user(user=user, topic=int(marker[1])),
            target="topic",
        )

    return _FOLLOW_TOPIC_MARKER.sub(follow_controls, html, count=1)


class TopicDetailView(ForgivingPaginationMixin, ListView):
    """A topic's threads, pinned first, then by last activity; filtered by kind and theme
    through GET parameters that can be bookmarked. What is unread for the signed-in person and
    their follow controls are filled in by topic_detail_personal, so that the rest is shared
    (urls.py)."""

    template_name = "dialogues/topic_detail.html"
    context_object_name = "threads"
    paginate_by = THREADS_PER_PAGE

    def get_queryset(self):
        user = self.request.user
        self.topic = selectors.topic_get_for_user(user=user, slug=self.kwargs["slug"])
        self.filter_form = ThreadFilterForm(self.request.GET or None)
        return selectors.thread_list_for_topic(
            user=user,
            topic=self.topic,
            with_read_state=False,
            **self.filter_form.valid_filters(),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, topic = self.request.user, self.topic
        access, refusal = rights_in_topic(user=user, topic=topic)
        context.update(
            topic=topic,
            access=access,
            write_refusal=refusal,
            filter_form=self.filter_form,
            is_filtered=any(self.request.GET.get(name) for name in ("kind", "theme")),
        )
        return context


@require_POST
@login_required
def topic_mark_read(request, slug):
    topic = selectors.topic_get_for_user(user=request.user, slug=slug)
    count = services.topic_mark_read(user=request.user, topic=topic)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)d thread of this topic was marked as read.",
                "%(count)d threads of this topic were marked as read.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("You had already read every thread of this topic."))
    return HttpResponseRedirect(reverse("dialogues:topic_detail", kwargs={"slug": topic.slug}))


_FOLLOW_MESSAGES = {
    ("topic", Follow.State.FOLLOWING): gettext_lazy(
        "You follow this topic: its new threads appear among the threads you follow."
    ),
    ("topic", Follow.State.MUTED): gettext_lazy("You muted this topic."),
    ("topic", ""): gettext_lazy("You no longer follow or mute this topic."),
    ("thread", Follow.State.FOLLOWING): gettext_lazy(
        "You follow this thread: it appears among the threads you follow."
    ),
    ("thread", Follow.State.MUTED): gettext_lazy("You muted this thread."),
    ("thread", ""): gettext_lazy("You no longer follow or mute this thread."),
}


def _follow(request, *, target: str, **target_kwargs):
    form = FollowForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to follow or to mute. Nothing was changed."))
        return False
    state = form.cleaned_data["state"]
    services.follow_set(user=request.user, state=state or None, **target_kwargs)
    messages.success(request, str(_FOLLOW_MESSAGES[(target, state)]))
    return True


@require_POST
@login_required
def topic_follow(request, slug):
    topic = selectors.topic_get_for_user(user=request.user, slug=slug)
    _follow(request, target="topic", topic=topic)
    return HttpResponseRedirect(reverse("dialogues:topic_detail", kwargs={"slug": topic.slug}))


# --- One thread ---------------------------------------------------------------------------------


def _requested_page(requested, num_pages: int) -> tuple[int, str]:
    """A page number from the query string, forgiving: (page, problem to show or "")."""
    if requested is None:
        return 1, ""
    try:
        number = int(requested)
    except (TypeError, ValueError):
        number = 0
    if 1 <= number <= num_pages:
        return number, ""
    shown = num_pages if number > num_pages else 1
    problem = _("There is no page “%(page)s”; showing page %(number)s.") % {
        "page": str(requested)[:20],
        "number": shown,
    }
    return shown, problem


@dataclass
class ThreadReading:
    """What a signed-in person's thread page needs beyond the shared page
    (thread_detail_personal)."""

    thread: Thread
    access: permissions.TopicAccess
    may_reply: bool
    page: int
    first_unread_number: int | None
    follow_state: str | None
    posts: selectors.PersonPosts


class ThreadDetailView(TemplateView):
    """A thread: its outcome first when it is concluded, then one page of posts, and the reply
    form for those who may write.

    A signed-in reader who opens the thread without asking for a page lands on the first post
    they have not read; the posts of the page shown are then marked as read. The page is
    shared by those with the same rights in the topic (eca_portal.shared_pages); what is new
    for the person, their own posts' actions, their useful marks and flags, and their follow
    controls are filled in by thread_detail_personal. A concluded thread's page is not shared
    with signed-in people: its outcome panel speaks to each person's organisation."""

    template_name = "dialogues/thread_detail.html"

    def get(self, request, *args, **kwargs):
        user = request.user
        requested = request.GET.get("page")
        if not user.is_authenticated:
            return shared_pages.shared_response(
                request,
                lambda: self.page_response(
                    selectors.thread_get_for_user(user=user, pk=kwargs["pk"]), requested
                ),
                personal=thread_detail_personal,
            )
        thread = selectors.thread_get_for_reader(user=user, pk=kwargs["pk"])
        number, _problem = _requested_page(requested, thread.page_count)
        state = selectors.thread_reading_state_for_user(user=user, thread=thread, page=number)
        first_unread = state.first_unread_number
        if requested is None and first_unread is not None and first_unread > 1:
            return HttpResponseRedirect(thread_page_url(thread, first_unread))
        last_shown = min(number * POSTS_PER_PAGE, thread.post_count)
        if first_unread is not None and first_unread <= last_shown:
            services.thread_mark_read(user=user, thread=thread, up_to_number=last_shown)
        access, refusal = rights_in_topic(user=user, topic=thread.topic, thread=thread)
        reading = ThreadReading(
            thread=thread,
            access=access,
            may_reply=access.can_write and not refusal,
            page=number,
            first_unread_number=first_unread,
            follow_state=state.follow_state,
            posts=state.posts,
        )

        def audience():
            return None if thread.has_outcome else rights_audience(access, refusal)

        return shared_pages.shared_response(
            request,
            lambda: self.page_response(thread, requested),
            signed_in_audience=audience,
            personal=partial(thread_detail_personal, reading=reading),
        )

    def page_response(self, thread, requested):
        number, page_problem = _requested_page(requested, thread.page_count)
        post_page = selectors.post_page_for_user(
            user=self.request.user, thread=thread, page=number, with_person_state=False
        )
        context = self.get_context_data(
            thread=thread, post_page=post_page, page_problem=page_problem, **self.kwargs
        )
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, thread, post_page = self.request.user, context["thread"], context["post_page"]
        topic = thread.topic
        access, refusal = rights_in_topic(user=user, topic=topic, thread=thread)
        may_reply = access.can_write and not refusal
        outcome = (
            selectors.outcome_get_for_thread(user=user, thread=thread)
            if thread.has_outcome
            else None
        )
        paginator = Paginator(range(thread.post_count), POSTS_PER_PAGE)
        context.update(
            topic=topic,
            access=access,
            write_refusal=refusal,
            may_reply=may_reply,
            moderator_ids={moderator.pk for moderator in topic.moderators.all()},
            outcome=outcome,
            outcome_panel=template_or_none(OUTCOME_PANEL) if outcome is not None else None,
            post_moderation_actions=template_or_none(POST_MODERATION_ACTIONS),
            # For templates/partials/pagination.html.
            page_obj=post_page,
            paginator=paginator,
            page_range=list(
                paginator.get_elided_page_range(post_page.number, on_each_side=2, on_ends=1)
            ),
            filter_query="",
        )
        if may_reply:
            context["reply_form"] = PostForm()
            # Everyone's list: the person's own row is left out by thread_detail_personal.
            context["mention_people"] = selectors.mention_directory_for_topic(topic=topic)
        return context


_POST_ARTICLE = re.compile(r'<article id="post-(\d+)" class="post')
_POST_NEW_MARKER = re.compile(r"<!-- post-new:(\d+) -->")
_POST_USEFUL = re.compile(r"<!-- post-useful:(\d+) -->.*?<!-- /post-useful -->", re.DOTALL)
_POST_FLAG = re.compile(r"<!-- post-flag:(\d+) -->.*?<!-- /post-flag -->", re.DOTALL)
_POST_EDIT_MARKER = re.compile(r"<!-- post-edit:(\d+):(\d+) -->")
_THREAD_TOOLS_MARKER = "<!-- thread-tools -->"
_MENTION_ROW = re.compile(r"<!-- mention:(\d+) --><tr>.*?</tr>", re.DOTALL)
_MENTION_HELP = re.compile(r"<!-- mention-help -->.*?<!-- /mention-help -->", re.DOTALL)


def thread_detail_personal(request, html: str, *, reading: ThreadReading | None = None) -> str:
    """A thread page's parts for one person, into its markers: what is new for them; on their
    own posts no "Useful" nor "Flag" but "Edit"; their useful marks and flags; their follow
    controls and what they may do with the thread; their list of people to mention, without
    themselves. One query (two on a concluded thread); visitors have none of these."""
    if reading is None:
        return _POST_EDIT_MARKER.sub("", _POST_NEW_MARKER.sub("", html)).replace(
            _THREAD_TOOLS_MARKER, ""
        )
    user, thread = request.user, reading.thread
    html = _new_posts(html, reading.first_unread_number)
    html = _person_post_actions(html, reading.posts)
    tools = render_to_string(
        "dialogues/partials/thread_tools.html",
        {
            "thread": thread,
            "access": reading.access,
            "outcome": (
                selectors.outcome_get_for_thread(user=user, thread=thread)
                if thread.has_outcome
                else None
            ),
            "follow_state": reading.follow_state,
            "thread_moderation_actions": template_or_none(THREAD_MODERATION_ACTIONS),
        },
        request,
    )
    html = html.replace(_THREAD_TOOLS_MARKER, tools, 1)
    return _without_own_mention(html, user)


def _new_posts(html: str, first_unread: int | None) -> str:
    """Posts from number `first_unread` on are new: a class on the post, and a badge."""
    if first_unread is None:
        return _POST_NEW_MARKER.sub("", html)
    html = _POST_ARTICLE.sub(
        lambda match: f"{match[0]} post--new" if int(match[1]) >= first_unread else match[0],
        html,
    )
    badge = shared_pages.partial("dialogues/partials/post_new_badge.html")
    return _POST_NEW_MARKER.sub(
        lambda marker: badge if int(marker[1]) >= first_unread else "", html
    )


def _person_post_actions(html: str, mine: selectors.PersonPosts) -> str:
    """The shared page shows each post as to someone who neither wrote, marked nor flagged it:
    change what differs for the person (`mine`: their posts, marks and flags on the page)."""

    def person_region(name: str, template: str, state: str, ids: set):
        """Replace a post's region `name`: nothing on the person's own posts, the state
        `state` shown on those in `ids`, the shared part elsewhere."""

        def replace(region):
            pk = int(region[1])
            if pk in mine.own:
                return ""
            if pk not in ids:
                return region[0]
            inner = shared_pages.partial(template, post={"pk": pk, state: True})
            return f"<!-- {name}:{pk} -->{inner}<!-- /{name} -->"

        return replace

    def edit(marker):
        pk = int(marker[1])
        if pk not in mine.own:
            return ""
        return shared_pages.partial(
            "dialogues/partials/post_edit_link.html", post={"pk": pk, "number": int(marker[2])}
        )

    if mine.own or mine.marked_useful:
        useful = person_region(
            "post-useful",
            "dialogues/partials/post_useful_button.html",
            "marked_useful",
            mine.marked_useful,
        )
        html = _POST_USEFUL.sub(useful, html)
    if mine.own or mine.flagged:
        flag = person_region(
            "post-flag", "dialogues/partials/post_flag.html", "flagged_by_me", mine.flagged
        )
        html = _POST_FLAG.sub(flag, html)
    return _POST_EDIT_MARKER.sub(edit, html)


def _without_own_mention(html: str, user) -> str:
    """The shared list of people to mention holds one person more than it shows: the person
    themselves is left out, or else the last one."""
    people = _MENTION_ROW.findall(html)
    if not people:
        return html
    if str(user.pk) in people:
        left_out = str(user.pk)
    elif len(people) > selectors.MENTION_DIRECTORY_SIZE:
        left_out = people[-1]
    else:
        return html
    if len(people) == 1:
        return _MENTION_HELP.sub("", html, count=1)
    row = re.compile(rf"<!-- mention:{left_out} --><tr>.*?</tr>", re.DOTALL)
    return row.sub("", html, count=1)


def post_permalink(request, pk, number):
    """/dialogues/t/<thread>/<number>/: the page of the thread that shows the post, at its
    anchor."""
    post = selectors.post_get_by_number_for_user(user=request.user, thread_pk=pk, number=number)
    return HttpResponseRedirect(thread_page_url(post.thread, post.number))


@require_POST
@login_required
def thread_follow(request, pk):
    thread = selectors.thread_get_for_user(user=request.user, pk=pk)
    _follow(request, target="thread", thread=thread)
    return HttpResponseRedirect(reverse("dialogues:thread_detail", kwargs={"pk": thread.pk}))


class PostHistoryView(TemplateView):
    """Every version of a post, newest first: for those who may read the post (a hidden post's
    only for its moderators)."""

    template_name = "dialogues/post_history.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        post = selectors.post_get_for_user(user=user, pk=self.kwargs["pk"])
        revisions = list(selectors.post_revisions_for_user(user=user, post=post))
        # Each revision holds the text as it was before an edit; the post holds the current one.
        versions = []
        written_at = post.created_at
        for index, revision in enumerate(revisions, start=1):
            versions.append(
                {"number": index, "body_html": revision.body_html, "written_at": written_at}
            )
            written_at = revision.created_at
        versions.append(
            {
                "number": len(revisions) + 1,
                "body_html": post.body_html,
                "written_at": written_at,
                "is_current": True,
            }
        )
        versions.reverse()
        return super().get_context_data(
            post=post, thread=post.thread, topic=post.thread.topic, versions=versions, **kwargs
        )


@require_GET
def attachment_download(request, pk):
    """An attachment, for those who may read its post (404 for everyone else). Always a download,
    with the type recorded when it was checked, never sniffed."""
    attachment = selectors.attachment_get_for_user(user=request.user, pk=pk)
    try:
        stored = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        stored,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    return response
