from django.urls import path

from accounts.views import (
    AccountDeletedView,
    AccountDeleteView,
    AccountExportView,
    AccountOverviewView,
)

app_name = "accounts"

urlpatterns = [
    path("", AccountOverviewView.as_view(), name="overview"),
    path("data/", AccountExportView.as_view(), name="export"),
    path("delete/", AccountDeleteView.as_view(), name="delete"),
    path("deleted/", AccountDeletedView.as_view(), name="deleted"),
]
