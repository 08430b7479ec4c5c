"""Events' entries on an organisation's timeline: company visits, follow-up actions, events registered and
attended. Registered from EventsConfig.ready(); each source runs a fixed number of queries.

Visits and follow-ups are the association's internal records: only staff and coordinators see them, and
never with what was heard. A member user sees no visit at all on its own organisation's page — a plain
"visited on" would still tell a firm when it was discussed and by whom, which is the coordinators' to share.
Events are the organisation's own doing, so its member users see them like staff do.
"""

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import CheckIn, FollowUp, OutcomeCategory, Registration, RegistrationStatus, Visit
from events.permissions import can_see_visits
from members.models import Organization, User
from members.permissions import can_see_private_data
from members.timeline import TimelineEntry


def _name(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user else ""


def visit_timeline_entries(organization: Organization, viewer: User) -> Iterable[TimelineEntry]:
    """Three queries: the visits, who went, their outcomes."""
    if not can_see_visits(viewer):
        return
    visits = (
        Visit.objects.filter(organization=organization)
        .select_related("recorded_by")
        .prefetch_related("visitors", Prefetch("outcomes", queryset=OutcomeCategory.objects.order_by("position")))
        .only("visited_on", "purpose", "other_visitors", "recorded_by")
    )
    for visit in visits:
        went = [_name(user) for user in visit.visitors.all()]
        if visit.other_visitors:
            went.append(visit.other_visitors)
        outcomes = ", ".join(category.label for category in visit.outcomes.all())
        parts = []
        if went:
            parts.append(_("who went: %(people)s") % {"people": ", ".join(went)})
        if outcomes:
            parts.append(_("outcomes: %(outcomes)s") % {"outcomes": outcomes})
        yield TimelineEntry(
            date=visit.visited_on,
            category=_("Visit"),
            title=visit.purpose,
            detail=" · ".join(parts),
            actor=_name(visit.recorded_by),
        )


def follow_up_timeline_entries(organization: Organization, viewer: User) -> Iterable[TimelineEntry]:
    """One query. An open action is dated by when it is due, a finished one by when it was done."""
    if not can_see_visits(viewer):
        return
    for follow_up in FollowUp.objects.filter(organization=organization).select_related("owner"):
        date = follow_up.done_on or follow_up.due_on
        yield TimelineEntry(
            date=date,
            category=_("Follow-up"),
            title=follow_up.description,
            detail=follow_up.get_status_display(),
            actor=_name(follow_up.owner),
        )


def event_timeline_entries(organization: Organization, viewer: User) -> Iterable[TimelineEntry]:
    """One query: confirmed registrations of the organisation's people, one entry per event."""
    if not can_see_private_data(viewer, organization):
        return
    attended = Exists(CheckIn.objects.filter(registration=OuterRef("pk")))
    registrations = (
        Registration.objects.filter(organization=organization, status=RegistrationStatus.CONFIRMED)
        .annotate(attended=attended)
        .select_related("event")
        .order_by("event_id", "pk")
    )
    by_event: dict[int, list[Registration]] = {}
    for registration in registrations:
        by_event.setdefault(registration.event_id, []).append(registration)
    for group in by_event.values():
        event = group[0].event
        present = len([r for r in group if r.attended])  # type: ignore[attr-defined]
        if present:
            title = _("Attended %(event)s") % {"event": event.title}
            detail = _("%(present)s of %(registered)s registered attended") % {
                "present": present,
                "registered": len(group),
            }
        else:
            title = _("Registered for %(event)s") % {"event": event.title}
            detail = _("%(registered)s registered") % {"registered": len(group)}
        when = event.starts_at or group[0].created_at
        yield TimelineEntry(
            date=timezone.localdate(when),
            category=_("Event"),
            title=title,
            detail=f"{event.get_kind_display()} · {detail}",
        )
