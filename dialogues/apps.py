from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


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
