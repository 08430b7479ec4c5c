from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("Seeds, needs and matching")

    def ready(self) -> None:
        from matching.timeline import case_timeline_entries
        from members.timeline import register_timeline_source

        register_timeline_source(case_timeline_entries)
