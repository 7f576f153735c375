from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        # The secretariat group must exist with its permissions on every database, after
        # Django has created the permissions themselves (post_migrate).
        post_migrate.connect(_secretariat_group_sync, sender=self)


def _secretariat_group_sync(sender, **kwargs):
    from members.services import secretariat_group_sync

    secretariat_group_sync(using=kwargs.get("using", "default"))
