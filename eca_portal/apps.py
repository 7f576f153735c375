from django.apps import AppConfig


class EcaPortalConfig(AppConfig):
    """The project's own cross-app wiring."""

    name = "eca_portal"
    verbose_name = "ECA portal"

    def ready(self):
        from eca_portal import shared_pages

        shared_pages.connect_signals()
