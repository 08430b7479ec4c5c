"""An organisation's history in time order. Each app contributes its own entries through a source
function registered here (events, visits and invoices arrive with their issues), so the organisation
page never needs to know about them."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from members.models import MembershipTransition, Organization, User


@dataclass(frozen=True)
class TimelineEntry:
    date: datetime.date
    category: str
    title: str
    detail: str = ""
    actor: str = ""


TimelineSource = Callable[[Organization, "User"], Iterable[TimelineEntry]]
_sources: list[TimelineSource] = []


def register_timeline_source(source: TimelineSource) -> TimelineSource:
    _sources.append(source)
    return source


def organization_timeline(*, viewer: User, organization: Organization) -> list[TimelineEntry]:
    """Newest first; each source runs a fixed number of queries however long the history is."""
    entries = [entry for source in _sources for entry in source(organization, viewer)]
    return sorted(entries, key=lambda e: e.date, reverse=True)


@register_timeline_source
def _membership_entries(organization: Organization, viewer: User) -> Iterable[TimelineEntry]:
    yield TimelineEntry(
        date=organization.created_at.date(), category=_("Register"), title=_("Registered in clusternet")
    )
    transitions = MembershipTransition.objects.filter(membership__organization=organization).select_related("actor")
    for t in transitions:
        yield TimelineEntry(
            date=t.effective_on,
            category=_("Membership"),
            title=t.get_to_status_display(),
            detail=t.reason,
            actor=t.actor.get_full_name() or t.actor.username if t.actor else "",
        )
