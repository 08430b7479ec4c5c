"""Shared by the demo loaders: what the demo pretends happened before the system sends nobody a mail."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.test.utils import override_settings

from clusternet.celery import app


@contextmanager
def demo_mails_dropped() -> Iterator[None]:
    """The demo's registrations, screenings and expired requests happened "before the system": nobody is
    mailed about them now.

    The services queue mails on commit. For the load only, those tasks run in-process (with Redis too,
    rather than reaching the worker later), their mails are dropped, and the task log line each one writes
    is silenced.
    """
    logger = logging.getLogger("celery.app.trace")
    level, eager = logger.level, app.conf.task_always_eager
    logger.setLevel(logging.WARNING)
    app.conf.task_always_eager = True
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            yield
    finally:
        app.conf.task_always_eager = eager
        logger.setLevel(level)
