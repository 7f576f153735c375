"""The public member directory and its CSV download."""

import csv

from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_filters.views import FilterView

from eca_portal.pagination import ForgivingPaginationMixin
from members import selectors
from members.filters import OrganisationFilterSet
from members.models import ClusterProgramme

DIRECTORY_PAGE_SIZE = 25
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _directory_queryset():
    return selectors.organisation_list_public().order_by("name", "pk")


class OrganisationListView(ForgivingPaginationMixin, FilterView):
    """Active members, filtered and sorted through GET parameters that can be bookmarked.

    Not strict: a filter value that does not validate is left out (its error is shown next to
    its field) and the other filters still apply."""

    filterset_class = OrganisationFilterSet
    template_name = "members/organisation_list.html"
    context_object_name = "organisations"
    paginate_by = DIRECTORY_PAGE_SIZE
    strict = False

    def get_queryset(self):
        return _directory_queryset()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_filtered"] = any(
            value for name, value in self.request.GET.items() if name not in ("page", "ordering")
        )
        return context


def _csv_cell(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


@require_GET
def organisation_list_csv(request):
    """The directory as it is filtered on the page, as CSV: organisations only, no people."""
    filterset = OrganisationFilterSet(
        request.GET or None,
        queryset=_directory_queryset().prefetch_related(
            Prefetch(
                "programmes",
                queryset=ClusterProgramme.objects.only("pk", "organisation_id", "name").order_by(
                    "name", "pk"
                ),
                to_attr="programme_list",
            )
        ),
        request=request,
    )
    filename = f"eca-member-directory-{timezone.localdate().isoformat()}.csv"
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
    # A byte-order mark, so that spreadsheet programs read the file as UTF-8.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Name"),
            _("Kind"),
            _("Country"),
            _("Region"),
            _("NUTS code"),
            _("Website"),
            _("Policy themes"),
            _("Founding network"),
            _("Member since"),
            _("Cluster programmes"),
        ]
    )
    for organisation in filterset.qs:
        writer.writerow(
            _csv_cell(value)
            for value in [
                organisation.name,
                organisation.get_kind_display(),
                organisation.country_name,
                organisation.region_name,
                organisation.nuts_code,
                organisation.website,
                "; ".join(theme.display_name for theme in organisation.themes.all()),
                organisation.get_founding_network_display(),
                organisation.member_since.isoformat() if organisation.member_since else "",
                "; ".join(programme.name for programme in organisation.programme_list),
            ]
        )
    return response
