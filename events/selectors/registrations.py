"""Reads of registrations and check-ins, scoped by who is looking; list reads cost a fixed number of queries."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from events.models import CheckIn, Event, EventSession, Registration, RegistrationStatus
from events.permissions import can_register_for_organization, can_run_event
from events.selectors.events import Viewer
from members.models import User


def _own_organization_id(viewer: Viewer) -> int | None:
    """The organisation whose registrations a member or bank user sees; None for everyone else."""
    if isinstance(viewer, User) and can_register_for_organization(viewer):
        return viewer.organization_id
    return None


def registration_list(*, viewer: Viewer, event: Event) -> QuerySet[Registration]:
    """An event's registrations: all of them for staff and its organisers, the viewer's organisation's for
    member and bank users, none for anyone else. Waitlisted ones in waiting-list order, then by kana."""
    queryset = Registration.objects.filter(event=event).select_related("organization", "invoice")
    if can_run_event(viewer, event):
        return queryset
    if (organization_id := _own_organization_id(viewer)) is not None:
        return queryset.filter(organization_id=organization_id)
    return queryset.none()


def registration_get(*, viewer: Viewer, event: Event, pk: int) -> Registration:
    registration = registration_list(viewer=viewer, event=event).filter(pk=pk).first()
    if registration is None:
        raise Http404
    return registration


def waiting_list(*, event: Event) -> list[Registration]:
    return list(
        Registration.objects.filter(event=event, status=RegistrationStatus.WAITLISTED).order_by("waitlisted_at", "pk")
    )


def reception_list(*, event: Event, session: EventSession) -> QuerySet[Registration]:
    """The confirmed registrations of a session's reception list, by kana, each with `checked_in` for it."""
    return (
        Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED)
        .select_related("organization", "invoice")
        .annotate(checked_in=Exists(CheckIn.objects.filter(registration=OuterRef("pk"), session=session)))
        .order_by("name_kana", "pk")
    )


def _ended_sessions(event: Event) -> QuerySet[EventSession]:
    return event.sessions.filter(ends_at__lte=timezone.now())


def no_show_count(*, event: Event) -> int:
    """Confirmed registrations that missed at least one session that has ended."""
    attended = CheckIn.objects.filter(session=OuterRef("pk"), registration=OuterRef(OuterRef("pk")))
    missed = _ended_sessions(event).filter(~Exists(attended))
    return Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED).filter(Exists(missed)).count()


def check_in_counts(*, event: Event) -> dict[int, int]:
    """Check-ins per session id."""
    rows = event.sessions.annotate(n=Count("check_ins")).values_list("pk", "n")
    return dict(rows)


def organization_registrations(*, viewer: Viewer) -> QuerySet[Registration]:
    """The live registrations of the viewer's organisation for events not yet over (member and bank users)."""
    organization_id = _own_organization_id(viewer)
    if organization_id is None:
        return Registration.objects.none()
    return (
        Registration.objects.filter(
            organization_id=organization_id,
            status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED, RegistrationStatus.PENDING],
        )
        .filter(Q(event__ends_at__gte=timezone.now()) | Q(event__ends_at__isnull=True))
        .select_related("event")
        .order_by("event__starts_at", "name_kana", "pk")
    )
