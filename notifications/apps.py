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
        self._connect_unread_count_invalidation()

    @staticmethod
    def _connect_unread_count_invalidation():
        """What changes who may see which notification moves the cached unread counts on
        (notifications/counts.py)."""
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from dialogues.models import Post, Topic
        from members.models import Organisation, Representative
        from notifications import counts

        for model in (Representative, Organisation, Topic):
            for signal in (post_save, post_delete):
                signal.connect(
                    counts.unread_counts_forget_all,
                    sender=model,
                    dispatch_uid=f"notifications_unread_{signal}_{model.__name__}",
                )
        post_save.connect(
            counts.unread_counts_forget_all_on_hide,
            sender=Post,
            dispatch_uid="notifications_unread_post_hidden",
        )
        for relation in (Topic.moderators.through, get_user_model().groups.through):
            m2m_changed.connect(
                counts.unread_counts_forget_all,
                sender=relation,
                dispatch_uid=f"notifications_unread_m2m_{relation.__name__}",
            )
