import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from clusternet.core.demo import demo_mails_dropped
from clusternet.core.exceptions import ApplicationError
from events.demo import events_demo_load, events_demo_present
from events.models import EventKind, FollowUpStatus, RegistrationStatus, VisitPlanStatus
from members.demo import demo_data_present


class Command(BaseCommand):
    # Commands are imported per run, after set-up: a plain gettext picks the language (argparse wants a str).
    help = _(
        "Loads the demo events, registrations, study group, exhibition, company visits and visit plans on top "
        "of the member demo (seed_demo). Running it again changes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not demo_data_present():
            raise CommandError(_("The member demo is not loaded: run python manage.py seed_demo first."))
        if events_demo_present():
            self.stdout.write(_("Events or visits are already recorded; nothing changed."))
            return

        started = time.monotonic()
        try:
            with demo_mails_dropped():
                result = events_demo_load(today=timezone.localdate())
        except ApplicationError as error:
            raise CommandError(error.message) from error
        seconds = time.monotonic() - started

        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Events demo loaded in %(seconds).1f s: %(events)d events, %(registrations)d registrations, "
                    "%(visits)d company visits."
                )
                % {
                    "seconds": seconds,
                    "events": result.events.total(),
                    "registrations": result.registrations.total(),
                    "visits": result.visits,
                }
            )
        )
        self.stdout.write(_("Events:"))
        for kind in EventKind:
            if result.events[kind.value]:
                self.stdout.write(f"  {kind.label}: {result.events[kind.value]}")
        self.stdout.write(_("Registrations:"))
        for status in RegistrationStatus:
            if result.registrations[status.value]:
                self.stdout.write(f"  {status.label}: {result.registrations[status.value]}")
        self.stdout.write(
            _("Follow-up actions: %(open)d open (%(overdue)d overdue), %(done)d done, %(cancelled)d cancelled.")
            % {
                "open": result.follow_ups[FollowUpStatus.OPEN],
                "overdue": result.overdue_follow_ups,
                "done": result.follow_ups[FollowUpStatus.DONE],
                "cancelled": result.follow_ups[FollowUpStatus.CANCELLED],
            }
        )
        self.stdout.write(_("Visit plan:"))
        for plan_status in VisitPlanStatus:
            self.stdout.write(f"  {plan_status.label}: {result.visit_plans[plan_status.value]}")
        self.stdout.write(
            _("Study groups: %(groups)d. Exhibition leads: %(leads)d.")
            % {"groups": result.study_groups, "leads": result.leads}
        )
