import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from outbox.models import OutboundEmail

logger = logging.getLogger(__name__)

# Backoff after the n-th failed attempt: 1, 2, 4 … minutes, at most six hours.
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)
# The MAILERS alias that really sends (SMTP in production); "default" writes to the outbox.
DELIVERY_MAILER = "delivery"


def outbound_email_enqueue(*, message) -> OutboundEmail:
    """Store a Django EmailMessage in the outbox and hand it to a worker after commit.

    Runs inside the caller's transaction, so the message exists if and only if the change
    that caused it was committed.
    """
    if message.attachments:
        raise ValueError("The outbox does not carry attachments; link to the document instead.")
    html = ""
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            html = content
    outbound_email = OutboundEmail.objects.create(
        from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
        to=list(message.to),
        cc=list(message.cc),
        bcc=list(message.bcc),
        reply_to=list(message.reply_to),
        subject=str(message.subject),
        body_text=str(message.body),
        body_html=html,
        headers={str(k): str(v) for k, v in (message.extra_headers or {}).items()},
    )
    transaction.on_commit(lambda: _dispatch(outbound_email.pk))
    return outbound_email


def _dispatch(outbound_email_id: int) -> None:
    """Queue delivery; if the broker is unreachable the sweep sends it later."""
    from outbox.tasks import outbound_email_deliver

    try:
        outbound_email_deliver.delay(outbound_email_id)
    except Exception:  # kombu raises several kinds of errors when Redis is down
        logger.warning(
            "Could not queue outbound email %s; the outbox sweep will send it.",
            outbound_email_id,
            exc_info=True,
        )


def _as_django_message(outbound_email: OutboundEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=outbound_email.subject,
        body=outbound_email.body_text,
        from_email=outbound_email.from_email,
        to=outbound_email.to,
        cc=outbound_email.cc,
        bcc=outbound_email.bcc,
        reply_to=outbound_email.reply_to,
        headers=outbound_email.headers,
    )
    if outbound_email.body_html:
        message.attach_alternative(outbound_email.body_html, "text/html")
    return message


def outbound_email_deliver(*, outbound_email_id: int) -> bool:
    """Send one pending message, once. Returns True when it was sent by this call.

    The row stays locked while the message is handed to the mail server, so a second worker
    (a retried task, the sweep) skips it instead of sending it again.
    """
    with transaction.atomic():
        outbound_email = (
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=outbound_email_id, status=OutboundEmail.Status.PENDING)
            .first()
        )
        if outbound_email is None:
            return False
        outbound_email.attempts += 1
        try:
            _as_django_message(outbound_email).send(using=DELIVERY_MAILER)
        except Exception as error:  # SMTP, DNS, TLS: all mean "try again later"
            outbound_email.last_error = f"{type(error).__name__}: {error}"[:2000]
            if outbound_email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                outbound_email.status = OutboundEmail.Status.FAILED
            else:
                delay = min(BACKOFF_BASE * 2 ** (outbound_email.attempts - 1), BACKOFF_MAX)
                outbound_email.next_attempt_at = timezone.now() + delay
            outbound_email.save(
                update_fields=["attempts", "last_error", "status", "next_attempt_at"]
            )
            logger.warning("Sending outbound email %s failed: %s", outbound_email.pk, error)
            return False
        outbound_email.status = OutboundEmail.Status.SENT
        outbound_email.sent_at = timezone.now()
        outbound_email.last_error = ""
        outbound_email.save(update_fields=["attempts", "status", "sent_at", "last_error"])
        return True


def outbox_sweep(*, batch_size: int = 200) -> int:
    """Send the pending messages that are due (queue was down, mail server failed). Returns
    how many were sent."""
    due_ids = list(
        OutboundEmail.objects.filter(
            status=OutboundEmail.Status.PENDING, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:batch_size]
    )
    return sum(outbound_email_deliver(outbound_email_id=pk) for pk in due_ids)


def email_render_templated(
    *,
    to: list[str],
    template: str,
    context: dict,
    language: str = "en",
    headers=None,
    unsubscribe_url: str = "",
) -> EmailMultiAlternatives:
    """Render templates/emails/<template>.{subject.txt,txt,html} in the recipient's language.

    With `unsubscribe_url` (mail the person chose to receive, never transactional mail) the
    message carries RFC 8058 one-click unsubscribe headers and the same link in its footer."""
    from django.template.loader import render_to_string
    from django.utils import translation

    headers = dict(headers or {})
    context = {"site_url": settings.SITE_URL, "unsubscribe_url": unsubscribe_url, **context}
    with translation.override(language):
        subject = " ".join(render_to_string(f"emails/{template}.subject.txt", context).split())
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
        if unsubscribe_url:
            footer = render_to_string("emails/unsubscribe_footer.txt", context)
            text = f"{text.rstrip()}\n\n{footer}"
    if unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=f"{settings.EMAIL_SUBJECT_PREFIX}{subject}",
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    return message


def email_send_templated(
    *,
    to: list[str],
    template: str,
    context: dict,
    language: str = "en",
    headers=None,
    unsubscribe_url: str = "",
) -> OutboundEmail:
    """Render the templated message and put it in the outbox (inside the caller's
    transaction); returns the outbox row."""
    message = email_render_templated(
        to=to,
        template=template,
        context=context,
        language=language,
        headers=headers,
        unsubscribe_url=unsubscribe_url,
    )
    return outbound_email_enqueue(message=message)


def outbound_emails_enqueue(*, messages: list) -> list[OutboundEmail]:
    """Store many messages in the outbox with one INSERT (a digest or announcement batch) and
    hand each to a worker after commit. Returns the rows, in the order of `messages`."""
    rows = []
    for message in messages:
        html = next(
            (content for content, mimetype in message.alternatives if mimetype == "text/html"), ""
        )
        rows.append(
            OutboundEmail(
                from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
                to=list(message.to),
                subject=str(message.subject),
                body_text=str(message.body),
                body_html=html,
                headers={str(k): str(v) for k, v in (message.extra_headers or {}).items()},
            )
        )
    rows = OutboundEmail.objects.bulk_create(rows)
    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: [_dispatch(pk) for pk in ids])
    return rows
