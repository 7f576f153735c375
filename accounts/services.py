from django.db import transaction

from accounts.models import User


@transaction.atomic
def user_profile_update(*, user: User, full_name: str, language: str) -> User:
    user.full_name = full_name
    user.language = language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name", "language"])
    return user


def user_language_set(*, user: User, language: str) -> None:
    """Remember the language a signed-in person chose with the switcher (emails use it too)."""
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
