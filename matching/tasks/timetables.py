from celery import shared_task
from django.db import OperationalError

from matching.services.timetables import timetable_mails_send


@shared_task(autoretry_for=(OSError, OperationalError), retry_backoff=True, max_retries=5)
def timetable_mails_send_task(matching_session_id: int) -> int:
    """Mails the unsent timetables of a published session; running it twice mails nothing twice."""
    return timetable_mails_send(matching_session_id=matching_session_id)
