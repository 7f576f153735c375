from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from eca_portal.pagination import ForgivingPaginationMixin
from notifications import selectors, services

NOTIFICATIONS_PER_PAGE = 25


class NotificationListView(LoginRequiredMixin, ForgivingPaginationMixin, ListView):
    template_name = "notifications/notification_list.html"
    context_object_name = "notifications"
    paginate_by = NOTIFICATIONS_PER_PAGE

    def get_queryset(self):
        return selectors.notification_list_for_user(user=self.request.user)


@login_required
def notification_open(request, pk):
    """Follow a notification: mark it read and go to the post it is about."""
    notification = selectors.notification_get_for_user(user=request.user, pk=pk)
    services.notification_mark_read(notification=notification, user=request.user)
    if notification.post_id is not None:
        target = reverse(
            "dialogues:post_permalink",
            kwargs={"pk": notification.post.thread_id, "number": notification.post.number},
        )
    else:
        target = reverse("notifications:list")
    return HttpResponseRedirect(target)


@require_POST
@login_required
def notifications_mark_all_read(request):
    services.notifications_mark_all_read(user=request.user)
    return HttpResponseRedirect(reverse("notifications:list"))
