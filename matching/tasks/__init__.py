"""Celery tasks of matching, one module per area; imported here so that autodiscovery finds them all."""

# -- recommendations --
from matching.tasks.recommender import entry_index_task

# -- scheduling --
from matching.tasks.scheduling import schedule_run_task

# -- sessions --
from matching.tasks.sessions import meeting_requests_expire_task

# -- timetables & outcomes --
from matching.tasks.timetables import timetable_mails_send_task

__all__ = ["entry_index_task", "meeting_requests_expire_task", "schedule_run_task", "timetable_mails_send_task"]
