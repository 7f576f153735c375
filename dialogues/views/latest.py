"""The latest threads across every topic the person may read, by last activity."""

from django.views.generic import ListView

from dialogues import selectors
from dialogues.forms import ThreadFilterForm
from dialogues.views.links import thread_unread_url, thread_url
from eca_portal.pagination import ForgivingPaginationMixin

LATEST_PAGE_SIZE = 30


class LatestThreadListView(ForgivingPaginationMixin, ListView):
    """Threads by last activity, filtered by kind and theme, with unread markers for the
    signed-in person. A filter value that does not validate is left out, with its error."""

    template_name = "dialogues/latest.html"
    context_object_name = "threads"
    paginate_by = LATEST_PAGE_SIZE

    def get_filter_form(self):
        if not hasattr(self, "filter_form"):
            self.filter_form = ThreadFilterForm(self.request.GET or None)
        return self.filter_form

    def get_queryset(self):
        filters = self.get_filter_form().valid_filters()
        return selectors.thread_list_latest(user=self.request.user, **filters)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for thread in context["threads"]:
            thread.link = thread_url(thread)
            thread.unread_link = thread_unread_url(thread) if thread.unread_count else ""
        form = self.get_filter_form()
        context["filter_form"] = form
        context["is_filtered"] = any(self.request.GET.get(name) for name in ("kind", "theme"))
        return context
