import factory
from django.utils import timezone

from notifications.models import DigestFrequency, NotificationPreference


class NotificationPreferenceFactory(factory.django.DjangoModelFactory):
    """A person who has chosen their email settings (the defaults of the consent step)."""

    class Meta:
        model = NotificationPreference
        django_get_or_create = ("user",)

    digest = DigestFrequency.WEEKLY
    email_mentions = True
    email_decisions = True
    email_announcements = True
    chosen_at = factory.LazyFunction(timezone.now)
    digest_since = factory.LazyFunction(timezone.now)


def everyone_has_chosen(**choices) -> None:
    """Give every existing account chosen settings (for tests about who is mailed, not about
    consent)."""
    from django.contrib.auth import get_user_model

    now = timezone.now()
    NotificationPreference.objects.bulk_create(
        [
            NotificationPreference(
                user_id=user_id,
                chosen_at=now,
                digest_since=now,
                **choices,
            )
            for user_id in get_user_model().objects.values_list("pk", flat=True)
        ],
        ignore_conflicts=True,
    )
