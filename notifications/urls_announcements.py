"""The secretariat's announcement pages, under /secretariat/announcements/."""

from django.urls import path

from notifications import views_announcements as views

app_name = "announcements"

urlpatterns = [
    path("", views.AnnouncementListView.as_view(), name="list"),
    path("new/", views.AnnouncementFormView.as_view(), name="create"),
    path("<int:pk>/", views.announcement_detail, name="detail"),
    path("<int:pk>/edit/", views.AnnouncementFormView.as_view(), name="edit"),
    path("<int:pk>/send/", views.announcement_send, name="send"),
]
