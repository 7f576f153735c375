from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# What the secretariat group holds in this app: it edits the funding-source vocabulary (in its
# workspace, /secretariat/vocabularies/) and sees the rest. Roles in initiatives belong to
# organisations, not to people, so nothing is registered in members.services.HANDOVER_STEPS.
SECRETARIAT_PERMISSIONS = [
    "add_fundingsource",
    "change_fundingsource",
    # Only a source no initiative names (secretariat.views, initiatives.services).
    "delete_fundingsource",
    "view_fundingsource",
    "view_initiative",
    "view_initiativepartner",
    "view_partnerrequest",
    "view_commitment",
    "view_newsupdate",
    "view_initiativedocument",
    "view_initiativeevent",
]


class InitiativesConfig(AppConfig):
    name = "initiatives"
    verbose_name = _("Joint initiatives")

    def ready(self):
        post_migrate.connect(_secretariat_permissions_grant, sender=self)


def _secretariat_permissions_grant(sender, using="default", **kwargs):
    from django.contrib.auth.models import Group, Permission

    from members.permissions import SECRETARIAT_GROUP

    group, _created = Group.objects.using(using).get_or_create(name=SECRETARIAT_GROUP)
    group.permissions.add(
        *Permission.objects.using(using).filter(
            content_type__app_label="initiatives", codename__in=SECRETARIAT_PERMISSIONS
        )
    )
