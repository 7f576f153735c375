"""Writing in the dialogues: starting a thread, replying, editing one's post, marking a post
useful, and the people the editor can @mention.

The services decide: PermissionDenied (the role may not) answers 403, a ValidationError goes on
the form next to its field, a DialogueError (locked, archived, hidden…) is shown on the form.
What the person typed always comes back with the errors; chosen files cannot (browsers do not
allow it), so the page asks for them again."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import FormView

from dialogues import permissions, selectors, services
from dialogues.forms import PostEditForm, PostForm, ThreadForm
from dialogues.rendering import mention_markup
from dialogues.services import DialogueError
from dialogues.views.reading import thread_page_url, write_refusal
from eca_portal.forms import form_errors_attach

MENTION_QUERY_MAX_LENGTH = 100


class _WritingPageMixin:
    """Anonymous people are sent to sign in first, whatever they asked for (so that nothing is
    revealed about members-only topics); then `check_access` runs."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        refused = self.check_access()
        if refused is not None:
            return refused
        return super().dispatch(request, *args, **kwargs)

    def check_access(self):
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context.get("form")
        # Browsers never send chosen files back with a page: say so when they were lost.
        context["files_to_choose_again"] = bool(
            self.request.method == "POST" and self.request.FILES and form is not None
        )
        return context

    def attach_errors(self, form, error):
        if isinstance(error, ValidationError):
            form_errors_attach(form, error)
        else:
            form.add_error(None, str(error))
        return self.form_invalid(form)


# --- A new thread -------------------------------------------------------------------------------


class ThreadCreateView(_WritingPageMixin, FormView):
    template_name = "dialogues/thread_form.html"
    form_class = ThreadForm

    @cached_property
    def topic(self):
        return selectors.topic_get_for_user(user=self.request.user, slug=self.kwargs["slug"])

    @cached_property
    def access(self):
        return permissions.topic_access(user=self.request.user, topic=self.topic)

    def check_access(self):
        if not self.access.can_write:
            raise PermissionDenied
        if self.request.method == "GET" and self.topic.is_archived:
            messages.error(
                self.request,
                write_refusal(user=self.request.user, topic=self.topic, access=self.access),
            )
            return HttpResponseRedirect(
                reverse("dialogues:topic_detail", kwargs={"slug": self.topic.slug})
            )
        return None

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            topic=self.topic,
            mention_people=selectors.mention_directory_for_user(
                user=self.request.user, topic=self.topic
            ),
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            thread = services.thread_create(
                topic=self.topic,
                author=self.request.user,
                title=data["title"],
                body=data["body"],
                kind=data["kind"],
                themes=data["themes"],
                attachments=data["attachments"],
            )
        except (ValidationError, DialogueError) as error:
            return self.attach_errors(form, error)
        messages.success(self.request, _("Your thread has been started."))
        return HttpResponseRedirect(reverse("dialogues:thread_detail", kwargs={"pk": thread.pk}))


# --- A reply ------------------------------------------------------------------------------------


class PostCreateView(_WritingPageMixin, FormView):
    """The reply form on a page of its own: where "Reply" leads without JavaScript, and where a
    reply with errors comes back. The thread page's own reply form posts here too."""

    template_name = "dialogues/post_form.html"
    form_class = PostForm

    @cached_property
    def thread(self):
        return selectors.thread_get_for_user(user=self.request.user, pk=self.kwargs["pk"])

    @cached_property
    def access(self):
        return permissions.topic_access(user=self.request.user, topic=self.thread.topic)

    def check_access(self):
        if not self.access.can_write:
            raise PermissionDenied
        refusal = write_refusal(
            user=self.request.user, topic=self.thread.topic, access=self.access, thread=self.thread
        )
        if self.request.method == "GET" and refusal:
            messages.error(self.request, refusal)
            return HttpResponseRedirect(thread_page_url(self.thread))
        return None

    def _reply_to_number(self):
        raw = (
            self.request.POST.get("reply_to")
            if self.request.method == "POST"
            else self.request.GET.get("reply_to")
        )
        try:
            number = int(raw)
        except (TypeError, ValueError):
            return None
        return number if number >= 1 else None

    @cached_property
    def reply_to_post(self):
        """The post being answered (with its text for the quote), or None."""
        number = self._reply_to_number()
        if number is None:
            return None
        try:
            return selectors.post_get_by_number_for_user(
                user=self.request.user, thread_pk=self.thread.pk, number=number
            )
        except Http404:
            return None

    def get_initial(self):
        post = self.reply_to_post
        return {"reply_to": post.number if post is not None else None}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            thread=self.thread,
            topic=self.thread.topic,
            reply_to_post=self.reply_to_post,
            mention_people=selectors.mention_directory_for_user(
                user=self.request.user, topic=self.thread.topic
            ),
            **kwargs,
        )

    def form_valid(self, form):
        number = form.cleaned_data["reply_to"]
        reply_to = None
        if number is not None:
            reply_to = self.reply_to_post
            if reply_to is None:
                form.add_error(
                    None,
                    _("There is no post #%(number)s in this thread to reply to.")
                    % {"number": number},
                )
                return self.form_invalid(form)
        try:
            post = services.post_create(
                thread=self.thread,
                author=self.request.user,
                body=form.cleaned_data["body"],
                reply_to=reply_to,
                attachments=form.cleaned_data["attachments"],
            )
        except (ValidationError, DialogueError) as error:
            return self.attach_errors(form, error)
        messages.success(self.request, _("Your reply has been posted."))
        return HttpResponseRedirect(thread_page_url(self.thread, post.number))


# --- Editing one's post ---------------------------------------------------------------------------


class PostEditView(_WritingPageMixin, FormView):
    """The author changes their words (the previous text is kept in the history) or adds
    attachments. Nobody else edits a post: moderators hide it instead."""

    template_name = "dialogues/post_edit.html"
    form_class = PostEditForm

    @cached_property
    def edited_post(self):
        # Not `post`: that is the view's handler of POST requests.
        return selectors.post_get_for_user(user=self.request.user, pk=self.kwargs["pk"])

    def check_access(self):
        post = self.edited_post
        if post.author_id is None or post.author_id != self.request.user.pk:
            raise PermissionDenied
        topic = post.thread.topic
        access = permissions.topic_access(user=self.request.user, topic=topic)
        if not access.can_write:
            raise PermissionDenied
        refusal = write_refusal(
            user=self.request.user, topic=topic, access=access, thread=post.thread
        )
        if post.is_hidden:
            refusal = _("A moderator hid this post; it cannot be edited.")
        elif post.thread.is_locked and not access.can_moderate:
            refusal = _("This thread is locked: its posts can no longer be edited.")
        if self.request.method == "GET" and refusal:
            messages.error(self.request, refusal)
            return HttpResponseRedirect(thread_page_url(post.thread, post.number))
        return None

    def get_initial(self):
        return {"body": self.edited_post.body}

    def get_context_data(self, **kwargs):
        post = self.edited_post
        return super().get_context_data(
            post=post,
            thread=post.thread,
            topic=post.thread.topic,
            # One small read of the post being edited: how many files it has already.
            attachments=list(post.attachments.order_by("pk")),
            mention_people=selectors.mention_directory_for_user(
                user=self.request.user, topic=post.thread.topic
            ),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            post = services.post_edit(
                post=self.edited_post,
                acting_user=self.request.user,
                body=form.cleaned_data["body"],
                attachments=form.cleaned_data["attachments"],
            )
        except (ValidationError, DialogueError) as error:
            return self.attach_errors(form, error)
        messages.success(self.request, _("Your post has been saved."))
        return HttpResponseRedirect(thread_page_url(post.thread, post.number))


# --- Useful marks -------------------------------------------------------------------------------


@require_POST
def post_useful(request, pk):
    """Mark a post useful (action=mark) or take the mark back (action=unmark). With htmx, only
    the button is redrawn."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    post = selectors.post_get_for_user(user=request.user, pk=pk)
    action = request.POST.get("action")
    problem = ""
    try:
        if action == "mark":
            services.post_mark_useful(post=post, user=request.user)
        elif action == "unmark":
            services.post_unmark_useful(post=post, user=request.user)
        else:
            problem = _("That action is not known. Nothing was changed.")
    except DialogueError as error:
        problem = str(error)
    if request.htmx:
        count, marked = selectors.post_useful_state_for_user(user=request.user, post=post)
        post.useful_count, post.marked_useful = count, marked
        post.is_own = post.author_id == request.user.pk
        access = permissions.topic_access(user=request.user, topic=post.thread.topic)
        return render(
            request,
            "dialogues/partials/post_useful.html",
            {"post": post, "thread": post.thread, "access": access, "useful_problem": problem},
        )
    if problem:
        messages.error(request, problem)
    return HttpResponseRedirect(thread_page_url(post.thread, post.number))


# --- @mentions ------------------------------------------------------------------------------------


@require_GET
def mention_candidates(request, slug):
    """JSON for the editor's @mention autocomplete (static/js/mentions.js): the people whose name
    contains `q`, for those who may write in the topic; 403 for other readers, 404 for those
    who may not read it."""
    topic = selectors.topic_get_for_user(user=request.user, slug=slug)
    if not permissions.can_write(request.user, topic):
        response = JsonResponse({"results": []}, status=403)
    else:
        query = request.GET.get("q", "")[:MENTION_QUERY_MAX_LENGTH]
        people = selectors.mention_candidates_for_user(user=request.user, topic=topic, query=query)
        response = JsonResponse(
            {
                "results": [
                    {
                        "id": person.pk,
                        "name": person.full_name,
                        "organisation": (
                            person.representative.organisation.name
                            if hasattr(person, "representative")
                            else ""
                        ),
                        "markup": mention_markup(person),
                    }
                    for person in people
                ]
            }
        )
    response["Cache-Control"] = "private, no-store"
    return response
