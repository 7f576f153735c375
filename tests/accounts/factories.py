import time

import factory
from allauth.account.models import EmailAddress

from accounts.models import User

# A code is never given in the last seconds of its 30-second period (see totp_code).
TOTP_CODE_MARGIN_SECONDS = 5


class UserFactory(factory.django.DjangoModelFactory):
    """A person with a verified email address, able to sign in with `password`."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@authority{n}.eu")
    full_name = factory.Faker("name")
    password = factory.django.Password("correct-horse-battery-staple")

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, primary=True, verified=True)


def totp_authenticator_add(user) -> str:
    """Give the user an authenticator app (allauth's TOTP), as the secretariat must have; returns
    the secret, from which `totp_code` computes the current code."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(user) -> str:
    """The code the user's authenticator app shows now (None if the user has none). allauth
    refuses a code used once already in its 30-second period, so the sign-in helper of the
    browser tests forgets the "used" mark of the code it types (tests/browser/conftest.py).
    allauth accepts only the current period's code, so no code is given in a period's last
    seconds: on a loaded machine it would reach the server in the next period and be refused."""
    from allauth.mfa import app_settings as mfa_settings
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )
    from allauth.mfa.utils import decrypt

    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        return None
    secret = decrypt(authenticator.data["secret"])
    left_in_period = mfa_settings.TOTP_PERIOD - time.time() % mfa_settings.TOTP_PERIOD
    if left_in_period < TOTP_CODE_MARGIN_SECONDS:
        time.sleep(left_in_period + 0.1)
    counter = list(yield_hotp_counters_from_time())[0]
    return format_hotp_value(hotp_value(secret, counter))
