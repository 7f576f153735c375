from django.utils.functional import SimpleLazyObject

from notifications.selectors import unread_count_for_user


def unread_notifications(request):
    """The signed-in user's unread count for the header (cached: notifications/counts.py),
    read only when a template shows it; nothing for anonymous visitors."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notification_count": SimpleLazyObject(lambda: unread_count_for_user(user=user))}
