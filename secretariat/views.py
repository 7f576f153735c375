"""The secretariat's workspace. Every page is for the secretariat only (members.access: anonymous
people sign in first, everyone else gets 403, and the access rules added there apply here)."""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView

from eca_portal import shared_pages
from eca_portal.forms import form_errors_attach
from initiatives import services as initiative_services
from initiatives.models import FundingSource
from initiatives.services import InitiativeError
from members.access import SecretariatRequiredMixin, secretariat_required
from secretariat import charts, selectors
from secretariat.forms import FundingSourceForm

# The charts count a year of posts, applications and initiatives (about 250 ms of SQL and 40 ms
# of rendering at the benchmark's size). They are rendered once per language and kept this
# long (the template's {% cache %}); the page says when they were counted. The queues at the
# top are counted on every request.
DASHBOARD_FIGURES_TTL = 5 * 60


_QUEUE_COUNTS_MARKER = "<!-- queue-counts -->"


def dashboard_queues(request, html: str) -> str:
    """The dashboard's live part, into its marker: the queues, counted now (three queries)."""
    counts = selectors.queue_counts()
    queues = shared_pages.partial(
        "secretariat/partials/queue_counts.html",
        applications=counts.applications,
        flagged_posts=counts.flagged_posts,
        join_requests=counts.join_requests,
    )
    return html.replace(_QUEUE_COUNTS_MARKER, queues, 1)


class DashboardView(SecretariatRequiredMixin, TemplateView):
    """Figures as pictures, each with its table and a link to the list it counts. The page is
    kept for the secretariat (eca_portal.shared_pages) with its figures; the queues are counted
    on every request (dashboard_queues)."""

    template_name = "secretariat/dashboard.html"

    def get(self, request, *args, **kwargs):
        # After the mixin's checks (dispatch): only the secretariat gets here.
        return shared_pages.shared_response(
            request,
            lambda: super(DashboardView, self).get(request, *args, **kwargs),
            signed_in_audience=lambda: "dashboard",
            personal=dashboard_queues,
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            # Computed only when the cached charts are rendered again.
            figures=SimpleLazyObject(self.figures),
            figures_ttl=DASHBOARD_FIGURES_TTL,
            **kwargs,
        )

    @staticmethod
    def figures() -> dict:
        applications = selectors.application_figures()
        months, topics = selectors.dialogue_activity()
        # The dialogue chart's table: a row per month, a column per topic.
        dialogue_table = [
            (month, [values[index] for _row, values in topics])
            for index, month in enumerate(months)
        ]
        return {
            "counted_at": timezone.localtime(),
            "members_by_country": charts.horizontal_bar_chart(selectors.members_by_country()),
            "members_by_kind": charts.horizontal_bar_chart(selectors.members_by_kind()),
            "applications": applications,
            "applications_chart": charts.grouped_column_chart(
                [month.month for month in applications.months],
                {
                    "received": [month.received for month in applications.months],
                    "decided": [month.decided for month in applications.months],
                },
            ),
            "application_links": selectors.application_status_links(),
            "dialogue_table": dialogue_table,
            "dialogue_topics": charts.sparklines(months, topics),
            "initiatives_by_status": charts.horizontal_bar_chart(selectors.initiatives_by_status()),
            "initiatives_by_funding": charts.horizontal_bar_chart(
                selectors.initiatives_by_funding_source()
            ),
        }


class WorkQueuesView(SecretariatRequiredMixin, TemplateView):
    """What waits for someone, the longest waiting first, each item linked to where it is done."""

    template_name = "secretariat/queues.html"

    def get_context_data(self, **kwargs):
        now = timezone.now()
        shown = selectors.QUEUE_ITEMS_SHOWN
        flagged_posts = list(selectors.flagged_posts_waiting(user=self.request.user)[:shown])
        for post in flagged_posts:
            post.days_waiting = (now - post.first_flagged_at).days
        join_requests = list(selectors.join_requests_overdue(now=now)[:shown])
        for join_request in join_requests:
            join_request.days_waiting = (now - join_request.created_at).days
        return super().get_context_data(
            applications=list(selectors.applications_waiting()[:shown]),
            flagged_posts=flagged_posts,
            join_requests=join_requests,
            counts=selectors.queue_counts(now=now),
            overdue_days=selectors.JOIN_REQUEST_OVERDUE_DAYS,
            items_shown=shown,
            **kwargs,
        )


class VocabularyListView(SecretariatRequiredMixin, TemplateView):
    template_name = "secretariat/vocabularies.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(counts=selectors.vocabulary_counts(), **kwargs)


class FundingSourceListView(SecretariatRequiredMixin, FormView):
    """Every funding source with its use, and a form to add one."""

    template_name = "secretariat/fundingsource_list.html"
    form_class = FundingSourceForm
    success_url = reverse_lazy("secretariat:fundingsource_list")

    def get_context_data(self, **kwargs):
        return super().get_context_data(funding_sources=selectors.funding_source_list(), **kwargs)

    def form_valid(self, form):
        try:
            funding_source = initiative_services.funding_source_save(
                acting_user=self.request.user, data=form.cleaned_data
            )
        except ValidationError as error:
            form_errors_attach(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The funding source “%(name)s” was added.") % {"name": funding_source.name},
        )
        return redirect(self.success_url)


class FundingSourceUpdateView(SecretariatRequiredMixin, FormView):
    template_name = "secretariat/fundingsource_form.html"
    form_class = FundingSourceForm
    success_url = reverse_lazy("secretariat:fundingsource_list")

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.funding_source = None

    def get_funding_source(self):
        if self.funding_source is None:
            self.funding_source = get_object_or_404(FundingSource, pk=self.kwargs["pk"])
        return self.funding_source

    def get_form_kwargs(self):
        # A copy: the form writes what was typed into its instance, and the page's title keeps
        # the saved name.
        return {**super().get_form_kwargs(), "instance": copy.copy(self.get_funding_source())}

    def get_context_data(self, **kwargs):
        return super().get_context_data(funding_source=self.get_funding_source(), **kwargs)

    def form_valid(self, form):
        try:
            funding_source = initiative_services.funding_source_save(
                acting_user=self.request.user,
                data=form.cleaned_data,
                funding_source=copy.copy(self.get_funding_source()),
            )
        except ValidationError as error:
            form_errors_attach(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The funding source “%(name)s” was saved.") % {"name": funding_source.name},
        )
        return redirect(self.success_url)


@require_POST
@secretariat_required
def funding_source_delete(request, pk):
    funding_source = get_object_or_404(FundingSource, pk=pk)
    try:
        initiative_services.funding_source_delete(
            acting_user=request.user, funding_source=funding_source
        )
    except InitiativeError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The funding source “%(name)s” was deleted.") % {"name": funding_source.name},
        )
    return redirect("secretariat:fundingsource_list")
