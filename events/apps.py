from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events and visits")

    def ready(self) -> None:
        from events.timeline import event_timeline_entries, follow_up_timeline_entries, visit_timeline_entries
        from members.timeline import register_timeline_source

        register_timeline_source(visit_timeline_entries)
        register_timeline_source(follow_up_timeline_entries)
        register_timeline_source(event_timeline_entries)
