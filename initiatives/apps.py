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
        _connect_similar_invalidation()


def _connect_similar_invalidation():
    """Any change to what similarity reads forgets the cached lists of initiative pages
    (initiatives.selectors.initiative_similar_for_page)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from initiatives.models import Initiative
    from initiatives.selectors import initiative_similar_forget_all
    from members.models import ClusterProgramme, Organisation

    for model in (Initiative, ClusterProgramme, Organisation):
        for signal in (post_save, post_delete):
            signal.connect(
                initiative_similar_forget_all,
                sender=model,
                dispatch_uid=f"initiatives_similar_{signal}_{model.__name__}",
            )
    for relation in (Initiative.themes.through, Organisation.themes.through):
        m2m_changed.connect(
            initiative_similar_forget_all,
            sender=relation,
            dispatch_uid=f"initiatives_similar_m2m_{relation.__name__}",
        )


def _secretariat_permissions_grant(sender, using="default", **kwargs):
    from django.contrib.auth.models import Group, Permission

    from members.permissions import SECRETARIAT_GROUP

    group, _created = Group.objects.using(using).get_or_create(name=SECRETARIAT_GROUP)
    group.permissions.add(
        *Permission.objects.using(using).filter(
            content_type__app_label="initiatives", codename__in=SECRETARIAT_PERMISSIONS
        )
    )
