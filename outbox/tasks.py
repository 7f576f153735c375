from celery import shared_task

from outbox import services


@shared_task(acks_late=True)
def outbound_email_deliver(outbound_email_id: int) -> bool:
    # Failures are recorded on the row with their backoff; the sweep retries them.
    return services.outbound_email_deliver(outbound_email_id=outbound_email_id)


@shared_task(acks_late=True)
def outbox_sweep() -> int:
    return services.outbox_sweep()
