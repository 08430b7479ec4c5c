"""Matching cases on an organisation's timeline: one entry per case the organisation is a party to, dated by
its introduction, saying where the case stands. Registered from MatchingConfig.ready(); one query.

Cases are the coordinators' working files, so only staff and coordinators see them; an organisation's member
users do not (the other party and why a case was dropped are the coordinators' to share).
"""

from collections.abc import Iterable

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from matching.models import CaseParty, CaseStage, MatchingCase
from matching.permissions import can_coordinate
from members.models import Organization, User
from members.timeline import TimelineEntry


def case_timeline_entries(organization: Organization, viewer: User) -> Iterable[TimelineEntry]:
    """One query: the cases with their coordinator."""
    if not can_coordinate(viewer):
        return
    cases = (
        MatchingCase.objects.filter(Exists(CaseParty.objects.filter(case=OuterRef("pk"), organization=organization)))
        .select_related("coordinator")
        .order_by("opened_on", "pk")
    )
    for case in cases:
        if case.stage == CaseStage.DROPPED:
            detail = _("Dropped at %(stage)s: %(reason)s") % {
                "stage": case.get_furthest_stage_display(),
                "reason": case.drop_reason,
            }
        else:
            detail = case.get_stage_display()
        yield TimelineEntry(
            date=case.opened_on,
            category=_("Matching case"),
            title=case.title,
            detail=str(detail),
            actor=case.coordinator.get_full_name() or case.coordinator.username,
        )
