from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from accounts.views import language_switch
from eca_portal import bench
from eca_portal.views import HomeView, health_check

# The admin's sign-in goes through allauth's, so a superuser's second factor and the sign-in rate
# limits apply there too. https://docs.allauth.org/en/latest/common/admin.html
admin.site.login = secure_admin_login(admin.site.login)

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
    path("secretariat/audit/", include("audit.urls")),
    path("secretariat/users/", include("accounts.secretariat_urls")),
    path("secretariat/announcements/", include("notifications.urls_announcements")),
    path("secretariat/", include("secretariat.urls")),
    path("healthz/", health_check, name="health_check"),
    # 404 unless BENCH is set (production settings): the benchmark's ceiling, see bench/.
    path("bench/ceiling/", bench.ceiling, name="bench_ceiling"),
    path("admin/", admin.site.urls),
]
