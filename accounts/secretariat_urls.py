"""The secretariat's pages about accounts, mounted at /secretariat/users/."""

from django.urls import path

from accounts import secretariat_views

app_name = "secretariat_users"

urlpatterns = [
    path("", secretariat_views.UserAccountListView.as_view(), name="user_list"),
    path(
        "<int:pk>/<slug:action>/",
        secretariat_views.UserStatusChangeView.as_view(),
        name="user_status_change",
    ),
]
