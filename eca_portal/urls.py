from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from accounts.views import language_switch
from eca_portal.views import HomeView, health_check

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("i18n/setlang/", language_switch, name="set_language"),
    path("accounts/me/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("privacy/", TemplateView.as_view(template_name="pages/privacy.html"), name="privacy"),
    path(
        "accessibility/",
        TemplateView.as_view(template_name="pages/accessibility.html"),
        name="accessibility",
    ),
    path("members/", include("members.urls")),
    path("initiatives/", include("initiatives.urls")),
    path("dialogues/", include("dialogues.urls")),
    path("notifications/", include("notifications.urls")),
    path("healthz/", health_check, name="health_check"),
    path("admin/", admin.site.urls),
]
