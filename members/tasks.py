from celery import shared_task

from members.notifications import join_application_acknowledge, membership_decision_notify


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def membership_decision_notify_task(transition_id: int) -> bool:
    return membership_decision_notify(transition_id=transition_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def join_application_acknowledge_task(membership_id: int) -> bool:
    return join_application_acknowledge(membership_id=membership_id)
