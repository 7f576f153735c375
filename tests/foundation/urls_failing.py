"""A URLconf with a view that fails, to see the portal's own 500 page."""

from django.urls import include, path


def failing_view(request):
    raise RuntimeError("secret internal detail that must not reach the visitor")


urlpatterns = [
    path("failing/", failing_view),
    path("", include("eca_portal.urls")),
]
