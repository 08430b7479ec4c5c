import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from clusternet.core.demo import demo_mails_dropped
from clusternet.core.exceptions import ApplicationError
from matching.demo.cases import cases_demo_present, load_cases
from matching.demo.entries import entries_demo_present, load_entries
from matching.demo.sessions import load_sessions, sessions_demo_present
from matching.models import MatchingSession
from matching.services.scheduling import schedule_run_start
from members.demo import demo_data_present
from members.models import User


class Command(BaseCommand):
    # Commands are imported per run, after set-up: a plain gettext picks the language (argparse wants a str).
    help = _(
        "Loads the demo seeds and needs, matching cases and a matching session with its schedule on top of the "
        "member demo (seed_demo). Running it again changes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not demo_data_present():
            raise CommandError(_("The member demo is not loaded: run python manage.py seed_demo first."))
        started = time.monotonic()
        today = timezone.localdate()
        try:
            with demo_mails_dropped():
                if not entries_demo_present():
                    entries = load_entries()
                    self.stdout.write(
                        _("Seeds: %(seeds)d, needs: %(needs)d.") % {"seeds": entries.seeds, "needs": entries.needs}
                    )
                if not cases_demo_present():
                    self.stdout.write(_("Matching cases: %(count)d.") % {"count": load_cases(today=today)})
                if not sessions_demo_present():
                    self._load_session(today)
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            self.style.SUCCESS(_("Matching demo ready in %(seconds).1f s.") % {"seconds": time.monotonic() - started})
        )

    def _load_session(self, today: Any) -> None:
        result = load_sessions(today=today)
        if result is None:
            return
        session = MatchingSession.objects.get(pk=result.session)
        # The optimiser runs in-process here (tasks are eager during the load) and applies its schedule.
        schedule_run_start(
            actor=User.objects.get(username="staff"), session=session, exact=True, min_meetings=session.min_meetings
        )
        self.stdout.write(
            _("Matching session: %(participants)d participants, %(meetings)d meetings scheduled.")
            % {"participants": result.participants, "meetings": session.meetings.count()}
        )
