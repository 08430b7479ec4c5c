import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from clusternet.core.exceptions import ApplicationError
from members.demo import (
    DEFAULT_ORGANIZATIONS,
    DEMO_LOGINS,
    MINIMUM_ORGANIZATIONS,
    DemoLogin,
    demo_data_load,
    demo_data_present,
    register_is_empty,
)
from members.models import MembershipStatus, OrganizationKind, Role

MAXIMUM_ORGANIZATIONS = 1000  # the name parts give about that many distinct fictional firms


@contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    """Without Redis the decision-mail tasks the services queue run in-process, one log line each. The demo
    marks its past steps as notified, so every one is a no-op not worth hundreds of lines."""
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


class Command(BaseCommand):
    # Commands are imported per run, after set-up: a plain gettext picks the language (argparse wants a str).
    help = _(
        "Loads the demo cluster (organisations, contacts, fee tiers, memberships and one login per role) "
        "into an empty database. Running it again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--organizations",
            type=int,
            default=DEFAULT_ORGANIZATIONS,
            help=_("How many organisations to create (default %(default)s).") % {"default": DEFAULT_ORGANIZATIONS},
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count: int = options["organizations"]
        if not MINIMUM_ORGANIZATIONS <= count <= MAXIMUM_ORGANIZATIONS:
            raise CommandError(
                _("--organizations must be between %(min)d and %(max)d.")
                % {"min": MINIMUM_ORGANIZATIONS, "max": MAXIMUM_ORGANIZATIONS}
            )
        if demo_data_present():
            self.stdout.write(_("Demo data is already loaded; nothing changed."))
            self._write_logins(DEMO_LOGINS)
            return
        if not register_is_empty():
            # Never mix fictional members into a real register.
            self.stdout.write(
                _("The register already holds organisations; demo data is only loaded into an empty one.")
            )
            return

        started = time.monotonic()
        try:
            with _quiet("celery.app.trace"):
                result = demo_data_load(organizations=count)
        except ApplicationError as error:
            raise CommandError(error.message) from error
        seconds = time.monotonic() - started

        self.stdout.write(
            self.style.SUCCESS(
                _("Demo data loaded in %(seconds).1f s: %(organizations)d organisations, %(contacts)d contacts.")
                % {"seconds": seconds, "organizations": result.organizations.total(), "contacts": result.contacts}
            )
        )
        for kind in OrganizationKind:
            self.stdout.write(f"  {kind.label}: {result.organizations[kind.value]}")
        self.stdout.write(_("Memberships:"))
        for status in MembershipStatus:
            self.stdout.write(f"  {status.label}: {result.memberships[status.value]}")
        self._write_logins(result.logins)

    def _write_logins(self, logins: list[DemoLogin]) -> None:
        header = (_("Role"), _("Username"), _("Password"), _("Organisation"))
        rows = [(str(Role(login.role).label), login.username, login.password, login.organization) for login in logins]
        self.stdout.write("")
        self.stdout.write(_("Demo logins:"))
        # A Markdown table: readable here and pasteable into notes.
        for row in (header, ("---",) * len(header), *rows):
            self.stdout.write("| " + " | ".join(row) + " |")
