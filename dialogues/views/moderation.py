"""Flagging posts, the moderators' queue and log, hiding and restoring posts, and the thread
moderation page (lock, pin, move, rename).

Who: members (representatives of an active member) flag; the topic's moderators and the
secretariat moderate. The queue and the log are for people who moderate at least one topic:
anonymous people are sent to sign in, everyone else gets 403 (the pages' existence is no secret).
A post or thread the person may not read is 404 (the selectors decide); one they may read but
not moderate is 403 (the services decide).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import FormView, ListView, TemplateView

from dialogues import permissions, selectors, services
from dialogues.forms import (
    FlagForm,
    FlagResolveForm,
    ModerationLogFilterForm,
    ModerationReasonForm,
    PostHideForm,
    PostRestoreForm,
    ThreadMoveForm,
    ThreadRenameForm,
)
from dialogues.services import DialogueError
from dialogues.views.links import post_url, thread_url
from eca_portal.forms import form_errors_attach
from eca_portal.pagination import ForgivingPaginationMixin
from members.access import secretariat_mfa_enforced, secretariat_mfa_redirect

QUEUE_PAGE_SIZE = 20
LOG_PAGE_SIZE = 50


def _safe_next(request, fallback: str) -> str:
    """Where to go after an action: the page the form came from when it is ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


class ModeratorRequiredMixin(LoginRequiredMixin):
    """Anonymous people sign in; signed-in people who moderate no topic get 403."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.moderates_any_topic(request.user):
            raise PermissionDenied
        return secretariat_mfa_redirect(request) or super().dispatch(request, *args, **kwargs)


# --- Flagging ---------------------------------------------------------------------------------


class PostFlagView(LoginRequiredMixin, FormView):
    """A member reports a post to the moderators, saying why."""

    template_name = "dialogues/flag_form.html"
    form_class = FlagForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.post_obj = selectors.post_get_for_user(user=request.user, pk=kwargs["pk"])
            if not permissions.can_react(request.user, self.post_obj.thread.topic):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        post = self.post_obj
        refusal = ""
        if post.is_hidden:
            refusal = _("The moderators have already hidden this post.")
        elif self.request.method == "GET" and selectors.post_flagged_by_user(
            user=self.request.user, post=post
        ):
            refusal = _("You have already flagged this post; the moderators will look.")
        return super().get_context_data(
            post=post,
            thread=post.thread,
            topic=post.thread.topic,
            post_url=post_url(post),
            thread_url=thread_url(post.thread),
            refusal=refusal,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            services.post_flag(
                post=self.post_obj, user=self.request.user, reason=form.cleaned_data["reason"]
            )
        except DialogueError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        except ValidationError as error:
            form_errors_attach(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Thank you: the moderators have been told about this post and will look at it."),
        )
        return redirect(post_url(self.post_obj))


# --- The queue and the log --------------------------------------------------------------------


class ModerationQueueView(ModeratorRequiredMixin, ForgivingPaginationMixin, ListView):
    """Posts with open flags in the topics the person moderates, the longest waiting first."""

    template_name = "dialogues/moderation_queue.html"
    context_object_name = "flagged_posts"
    paginate_by = QUEUE_PAGE_SIZE

    def get_queryset(self):
        return selectors.moderation_queue_for_user(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for post in context["flagged_posts"]:
            post.permalink = post_url(post)
            post.thread_link = thread_url(post.thread)
        context["reason_max_length"] = PostHideForm.base_fields["reason"].max_length
        context["resolutions"] = FlagResolveForm.base_fields["resolution"].choices
        return context


class ModerationLogView(ModeratorRequiredMixin, ForgivingPaginationMixin, ListView):
    """Every moderation action in the topics the person moderates, newest first."""

    template_name = "dialogues/moderation_log.html"
    context_object_name = "actions"
    paginate_by = LOG_PAGE_SIZE

    def get_filter_form(self):
        if not hasattr(self, "filter_form"):
            self.filter_form = ModerationLogFilterForm(
                self.request.GET or None,
                topics=selectors.topic_options_moderated_by(user=self.request.user),
            )
        return self.filter_form

    def get_queryset(self):
        form = self.get_filter_form()
        topic = form.cleaned_data.get("topic") if form.is_valid() else None
        return selectors.moderation_log_for_user(user=self.request.user, topic=topic)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for action in context["actions"]:
            action.thread_link = thread_url(action.thread) if action.thread_id else ""
            action.post_link = post_url(action.post) if action.post_id else ""
        form = self.get_filter_form()
        context["filter_form"] = form
        context["is_filtered"] = form.is_bound and bool(form.cleaned_data.get("topic"))
        return context


# --- Hiding and restoring posts, resolving flags ----------------------------------------------


class _PostModerationView(LoginRequiredMixin, FormView):
    """One form about one post the person moderates (hide it, or restore it)."""

    template_name = "dialogues/moderation_post_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.post_obj = selectors.post_get_for_user(user=request.user, pk=kwargs["pk"])
            if not permissions.can_moderate(request.user, self.post_obj.thread.topic):
                raise PermissionDenied
        return secretariat_mfa_redirect(request) or super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        post = self.post_obj
        return super().get_context_data(
            post=post,
            thread=post.thread,
            topic=post.thread.topic,
            post_url=post_url(post),
            thread_url=thread_url(post.thread),
            next_url=_safe_next(self.request, ""),
            action=self.action,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            self.act(form.cleaned_data)
        except DialogueError as error:
            messages.error(self.request, str(error))
            return redirect(_safe_next(self.request, post_url(self.post_obj)))
        except ValidationError as error:
            form_errors_attach(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(_safe_next(self.request, post_url(self.post_obj)))


class PostHideView(_PostModerationView):
    form_class = PostHideForm
    action = "hide"

    @property
    def success_message(self):
        return _("The post is hidden. Members see that a moderator hid it, and why.")

    def act(self, data):
        services.post_hide(post=self.post_obj, acting_user=self.request.user, reason=data["reason"])


class PostRestoreView(_PostModerationView):
    form_class = PostRestoreForm
    action = "restore"

    @property
    def success_message(self):
        return _("The post is shown again.")

    def act(self, data):
        services.post_restore(
            post=self.post_obj, acting_user=self.request.user, reason=data["reason"]
        )


@require_POST
@login_required
@secretariat_mfa_enforced
def flag_resolve(request, pk):
    """Dismiss a flag, or record that it was dealt with, from the queue."""
    flag = selectors.flag_get_for_user(user=request.user, pk=pk)
    fallback = redirect(_safe_next(request, "dialogues:moderation_queue"))
    if not permissions.can_moderate(request.user, flag.post.thread.topic):
        raise PermissionDenied
    form = FlagResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("resolution", [])) or _("Try again."))
        return fallback
    try:
        services.flag_resolve(
            flag=flag,
            acting_user=request.user,
            resolution=form.cleaned_data["resolution"],
            note=form.cleaned_data["note"],
        )
    except DialogueError as error:
        messages.error(request, str(error))
        return fallback
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return fallback
    if form.cleaned_data["resolution"] == "dismissed":
        messages.success(request, _("The flag is dismissed; the post stays as it is."))
    else:
        messages.success(request, _("The flag is marked as dealt with."))
    return fallback


# --- Moderating a thread ----------------------------------------------------------------------


class ThreadModerateView(LoginRequiredMixin, TemplateView):
    """Lock or unlock, pin or unpin, move or rename a thread, each with a reason for the log."""

    template_name = "dialogues/moderation_thread.html"
    ACTIONS = ("lock", "unlock", "pin", "unpin", "move", "rename")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.thread = selectors.thread_get_for_user(user=request.user, pk=kwargs["pk"])
            if not permissions.can_moderate(request.user, self.thread.topic):
                raise PermissionDenied
        return secretariat_mfa_redirect(request) or super().dispatch(request, *args, **kwargs)

    def move_targets(self):
        return (
            selectors.topic_options_moderated_by(user=self.request.user)
            .exclude(pk=self.thread.topic_id)
            .filter(status="open")
        )

    def forms(self, bound=None):
        """One form per action; `bound` replaces the one that was sent (with its errors)."""
        thread = self.thread
        state_action = "unlock" if thread.is_locked else "lock"
        pin_action = "unpin" if thread.is_pinned else "pin"
        forms = {
            "lock": ModerationReasonForm(prefix=state_action),
            "pin": ModerationReasonForm(prefix=pin_action),
            "move": ThreadMoveForm(prefix="move", topics=self.move_targets()),
            "rename": ThreadRenameForm(prefix="rename", initial={"title": thread.title}),
        }
        if bound is not None:
            forms[bound[0]] = bound[1]
        return forms

    def get_context_data(self, **kwargs):
        bound_form = kwargs.pop("bound_form", None)
        forms = kwargs.pop("forms", None) or self.forms()
        move_targets = forms["move"].fields["to_topic"].queryset
        return super().get_context_data(
            bound_form=bound_form,
            has_move_targets=move_targets.exists(),
            thread=self.thread,
            topic=self.thread.topic,
            thread_url=thread_url(self.thread),
            lock_action="unlock" if self.thread.is_locked else "lock",
            pin_action="unpin" if self.thread.is_pinned else "pin",
            lock_form=forms["lock"],
            pin_form=forms["pin"],
            move_form=forms["move"],
            rename_form=forms["rename"],
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action not in self.ACTIONS:
            messages.error(request, _("Choose one of the actions shown on the page."))
            return redirect("dialogues:thread_moderate", pk=self.thread.pk)
        slot = {"unlock": "lock", "unpin": "pin"}.get(action, action)
        if action == "move":
            form = ThreadMoveForm(request.POST, prefix="move", topics=self.move_targets())
        elif action == "rename":
            form = ThreadRenameForm(request.POST, prefix="rename")
        else:
            form = ModerationReasonForm(request.POST, prefix=action)
        if not form.is_valid():
            return self.render_to_response(
                self.get_context_data(forms=self.forms((slot, form)), bound_form=form)
            )
        data = form.cleaned_data
        common = {"thread": self.thread, "acting_user": request.user, "reason": data["reason"]}
        try:
            if action == "lock":
                thread = services.thread_lock(**common)
                success = _("The thread is locked: only its moderators can post in it now.")
            elif action == "unlock":
                thread = services.thread_unlock(**common)
                success = _("The thread is unlocked: members can post in it again.")
            elif action == "pin":
                thread = services.thread_pin(**common)
                success = _("The thread is pinned to the top of its topic.")
            elif action == "unpin":
                thread = services.thread_unpin(**common)
                success = _("The thread is no longer pinned.")
            elif action == "move":
                thread = services.thread_move(**common, to_topic=data["to_topic"])
                success = _("The thread is moved to “%(topic)s”.") % {
                    "topic": data["to_topic"].title
                }
            else:
                thread = services.thread_rename(**common, title=data["title"])
                success = _("The thread is renamed.")
        except DialogueError as error:
            form.add_error(None, str(error))
            return self.render_to_response(
                self.get_context_data(forms=self.forms((slot, form)), bound_form=form)
            )
        except ValidationError as error:
            form_errors_attach(form, error)
            return self.render_to_response(
                self.get_context_data(forms=self.forms((slot, form)), bound_form=form)
            )
        messages.success(request, success)
        return redirect(thread_url(thread))
