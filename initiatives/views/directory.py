"""The public directory of joint initiatives and its CSV download."""

import csv

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_filters.views import FilterView

from eca_portal.pagination import ForgivingPaginationMixin
from initiatives.filters import InitiativeFilterSet
from initiatives.models import Initiative

DIRECTORY_PAGE_SIZE = 25
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _filterset(request):
    # Always bound (an empty query too), so that the rows always come shaped by
    # selectors.initiative_list, which InitiativeFilterSet.filter_queryset calls.
    return InitiativeFilterSet(request.GET, queryset=Initiative.objects.all(), request=request)


class InitiativeListView(ForgivingPaginationMixin, FilterView):
    """Every initiative, filtered through GET parameters that can be bookmarked.

    Not strict: a filter value that does not validate is left out (its error is shown next to
    its field) and the other filters still apply."""

    filterset_class = InitiativeFilterSet
    template_name = "initiatives/initiative_list.html"
    context_object_name = "initiatives"
    paginate_by = DIRECTORY_PAGE_SIZE
    strict = False

    def get_queryset(self):
        return Initiative.objects.all()

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["data"] = self.request.GET
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_filtered"] = any(
            value for name, value in self.request.GET.items() if name != "page"
        )
        return context


def _csv_cell(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


@require_GET
def initiative_list_csv(request):
    """The directory as it is filtered on the page, as CSV: public fields only, no people."""
    filterset = _filterset(request)
    filename = f"eca-joint-initiatives-{timezone.localdate().isoformat()}.csv"
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
    # A byte-order mark, so that spreadsheet programs read the file as UTF-8.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Title"),
            _("Status"),
            _("Summary"),
            _("Lead organisation"),
            _("Partners"),
            _("Policy themes"),
            _("Countries"),
            _("Regions"),
            _("Start date"),
            _("End date"),
            _("Funding source"),
            _("Budget (euros)"),
            _("Website"),
            _("Page"),
        ]
    )
    for initiative in filterset.qs:
        writer.writerow(
            _csv_cell(value)
            for value in [
                initiative.title,
                initiative.get_status_display(),
                initiative.summary,
                initiative.lead_organisation.name,
                initiative.partner_count,
                "; ".join(theme.display_name for theme in initiative.themes.all()),
                "; ".join(initiative.country_names),
                "; ".join(initiative.region_names),
                initiative.start_date.isoformat() if initiative.start_date else "",
                initiative.end_date.isoformat() if initiative.end_date else "",
                initiative.funding_source.display_name if initiative.funding_source else "",
                initiative.budget if initiative.budget is not None else "",
                initiative.website,
                request.build_absolute_uri(initiative.get_absolute_url()),
            ]
        )
    return response
