"""Celery tasks of events and visits: thin wrappers, each calling one service (ids in, nothing else)."""

# registrations

# reminders
