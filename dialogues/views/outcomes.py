"""Outcomes: concluding a thread (and editing its outcome, versioned), its history, endorsements
by member organisations, and the outcomes across topics.

Who: the thread's author (while they may write in the topic) and the topic's moderators and the
secretariat conclude (dialogues.permissions.can_conclude); representatives of an active member
endorse for their organisation; whoever may read the thread reads its outcome and history.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import FormView, ListView, TemplateView

from dialogues import permissions, selectors, services
from dialogues.forms import OutcomeFilterForm, OutcomeForm
from dialogues.services import DialogueError
from dialogues.views.links import outcome_anchor_url, thread_url
from eca_portal.forms import form_errors_attach
from eca_portal.pagination import ForgivingPaginationMixin

OUTCOME_PAGE_SIZE = 20


class OutcomeListView(ForgivingPaginationMixin, ListView):
    """Concluded threads across the topics the person may read, newest first."""

    template_name = "dialogues/outcome_list.html"
    context_object_name = "outcomes"
    paginate_by = OUTCOME_PAGE_SIZE

    def get_filter_form(self):
        if not hasattr(self, "filter_form"):
            self.filter_form = OutcomeFilterForm(
                self.request.GET or None,
                topics=selectors.topic_options_for_user(user=self.request.user),
            )
        return self.filter_form

    def get_queryset(self):
        form = self.get_filter_form()
        filters = {}
        if form.is_bound:
            form.is_valid()  # A filter that does not validate is left out, with its error.
            data = form.cleaned_data
            filters = {"topic": data.get("topic"), "theme": data.get("theme")}
        return selectors.outcome_list_for_user(user=self.request.user, **filters)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for outcome in context["outcomes"]:
            outcome.thread_link = thread_url(outcome.thread)
        form = self.get_filter_form()
        context["filter_form"] = form
        context["is_filtered"] = form.is_bound and any(
            form.cleaned_data.get(name) for name in ("topic", "theme")
        )
        return context


class _ThreadOutcomeMixin:
    def get_thread(self):
        if not hasattr(self, "thread"):
            self.thread = selectors.thread_get_for_user(
                user=self.request.user, pk=self.kwargs["pk"]
            )
        return self.thread


class OutcomeEditView(LoginRequiredMixin, _ThreadOutcomeMixin, FormView):
    """Conclude a thread with an outcome, or write a new version of it."""

    template_name = "dialogues/outcome_form.html"
    form_class = OutcomeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            thread = self.get_thread()
            if not permissions.can_conclude(request.user, thread):
                raise PermissionDenied
            self.outcome = selectors.outcome_get_for_thread(user=request.user, thread=thread)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        if self.outcome is not None:
            return {"summary": self.outcome.summary}
        return {}

    def get_context_data(self, **kwargs):
        thread = self.thread
        refusal = ""
        if thread.topic.is_archived:
            refusal = _("This topic is archived: it can be read but no longer changed.")
        return super().get_context_data(
            thread=thread,
            topic=thread.topic,
            outcome=self.outcome,
            thread_url=thread_url(thread),
            refusal=refusal,
            **kwargs,
        )

    def form_valid(self, form):
        summary = form.cleaned_data["summary"]
        try:
            if self.outcome is None:
                services.outcome_create(
                    thread=self.thread, acting_user=self.request.user, summary=summary
                )
                success = _("The thread is concluded: its outcome is shown at the top.")
            else:
                outcome = services.outcome_update(
                    outcome=self.outcome, acting_user=self.request.user, summary=summary
                )
                if outcome.version == self.outcome.version:
                    success = _("The outcome has not changed.")
                else:
                    success = _("The outcome is updated (version %(version)d).") % {
                        "version": outcome.version
                    }
        except DialogueError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        except ValidationError as error:
            form_errors_attach(form, error)
            return self.form_invalid(form)
        messages.success(self.request, success)
        return redirect(outcome_anchor_url(self.thread))


class OutcomeHistoryView(_ThreadOutcomeMixin, TemplateView):
    """Every version of a thread's outcome, newest first."""

    template_name = "dialogues/outcome_history.html"

    def get_context_data(self, **kwargs):
        thread = self.get_thread()
        outcome = selectors.outcome_get_for_thread(user=self.request.user, thread=thread)
        if outcome is None:
            raise Http404
        outcome.thread = thread
        return super().get_context_data(
            thread=thread,
            topic=thread.topic,
            outcome=outcome,
            thread_url=thread_url(thread),
            revisions=selectors.outcome_revisions_for_user(user=self.request.user, outcome=outcome),
            **kwargs,
        )


def _outcome_or_404(request, pk):
    thread = selectors.thread_get_for_user(user=request.user, pk=pk)
    outcome = selectors.outcome_get_for_thread(user=request.user, thread=thread)
    if outcome is None:
        raise Http404
    return thread, outcome


@require_POST
@login_required
def outcome_endorse(request, pk):
    """The person's organisation endorses the thread's outcome."""
    thread, outcome = _outcome_or_404(request, pk)
    try:
        endorsement = services.outcome_endorse(outcome=outcome, acting_user=request.user)
    except DialogueError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(organisation)s now endorses this outcome.")
            % {"organisation": endorsement.organisation.name},
        )
    return redirect(outcome_anchor_url(thread))


@require_POST
@login_required
def outcome_endorsement_withdraw(request, pk):
    """The person's organisation withdraws its endorsement of the thread's outcome."""
    thread, outcome = _outcome_or_404(request, pk)
    try:
        endorsement = services.outcome_endorsement_withdraw(
            outcome=outcome, acting_user=request.user
        )
    except DialogueError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(organisation)s no longer endorses this outcome.")
            % {"organisation": endorsement.organisation.name},
        )
    return redirect(outcome_anchor_url(thread))
