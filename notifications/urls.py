from django.urls import path

from eca_portal.shared_pages import cached_per_audience
from notifications import views

app_name = "notifications"

urlpatterns = [
    path(
        "",
        cached_per_audience(views.notifications_audience)(views.NotificationListView.as_view()),
        name="list",
    ),
    path("<int:pk>/", views.notification_open, name="open"),
    path("read-all/", views.notifications_mark_all_read, name="mark_all_read"),
    path("settings/", views.PreferenceView.as_view(), name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("announcements/<int:pk>/", views.announcement_detail, name="announcement_detail"),
]
