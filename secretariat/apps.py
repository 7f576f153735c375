from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecretariatConfig(AppConfig):
    """The secretariat's workspace: dashboard, work queues and vocabularies. No models of its
    own: it reads the other apps' data (selectors.py) and writes through their services."""

    name = "secretariat"
    verbose_name = _("Secretariat workspace")
