"""The EMAIL_BACKEND of the portal: it writes messages to the outbox instead of sending them.

Everything that sends mail through Django (allauth, password reset, the apps' services)
therefore goes through the outbox without knowing it.
"""

from django.core.mail.backends.base import BaseEmailBackend

from outbox.services import outbound_email_enqueue


class OutboxEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        count = 0
        for message in email_messages:
            outbound_email_enqueue(message=message)
            count += 1
        return count
