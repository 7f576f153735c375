from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # allauth's signal: sent when a person signs in through the sign-in pages (with or
        # without a second factor), not for logins done in code.
        from allauth.account.signals import user_logged_in

        from notifications.consent import choice_due_mark

        user_logged_in.connect(choice_due_mark, dispatch_uid="notifications_choice_due")
