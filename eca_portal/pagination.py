"""Pagination that list pages share: forgiving page numbers and links that keep the filters."""

from django.core.paginator import InvalidPage
from django.utils.translation import gettext as _


def query_string_without(request, *names) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


class ForgivingPaginationMixin:
    """For list views: a page number that is not a number, or is past the end, shows the first
    or last page with a message instead of a 404. The context gets `page_problem`,
    `result_count`, an elided `page_range` and `filter_query` (the GET parameters but the page)
    for templates/partials/pagination.html."""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=True)
        requested = self.request.GET.get("page") or 1
        self.page_problem = ""
        try:
            page = paginator.page(requested)
        except InvalidPage:
            page = paginator.get_page(requested)
            self.page_problem = _("There is no page “%(page)s”; showing page %(number)s.") % {
                "page": str(requested)[:20],
                "number": page.number,
            }
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        paginator, page = context["paginator"], context["page_obj"]
        context["page_problem"] = getattr(self, "page_problem", "")
        context["result_count"] = paginator.count
        context["page_range"] = list(
            paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
        )
        context["filter_query"] = query_string_without(self.request, "page")
        return context
