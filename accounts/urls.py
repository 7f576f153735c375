from django.urls import path

from accounts.views import AccountOverviewView

app_name = "accounts"

urlpatterns = [
    path("", AccountOverviewView.as_view(), name="overview"),
]
