from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def forget_reading(sender, instance, **kwargs):
    from dialogues.selectors import read_positions_changed

    read_positions_changed(instance.user_id)


class DialoguesConfig(AppConfig):
    name = "dialogues"
    verbose_name = _("Policy dialogues")

    def ready(self):
        # A leaving representative's follows go to their successor (members.services.
        # representative_handover runs every registered step).
        from dialogues.services import follow_handover
        from members.services import HANDOVER_STEPS

        if follow_handover not in HANDOVER_STEPS:
            HANDOVER_STEPS.append(follow_handover)

        # Read positions saved one by one (the admin) forget what is kept of the person's
        # reading; the services' bulk writes say so themselves.
        from django.db.models.signals import post_delete, post_save

        from dialogues.models import ReadState

        post_save.connect(forget_reading, sender=ReadState, dispatch_uid="dialogues_reading_save")
        post_delete.connect(
            forget_reading, sender=ReadState, dispatch_uid="dialogues_reading_delete"
        )
