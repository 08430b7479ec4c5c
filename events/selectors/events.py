"""Reads of events. What a viewer sees depends on who is looking, so every read takes `viewer`."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from events.models import Event, EventStatus, RegistrationStatus
from members.models import MembershipStatus, Organization, User

Viewer = User | AnonymousUser


def event_list(*, viewer: Viewer) -> QuerySet[Event]:
    """Staff see every event; coordinators also their drafts as organisers; everyone else published ones.

    Annotated with the confirmed and waitlisted counts, so a list page costs one query whatever its length.
    """
    queryset = Event.objects.annotate(
        confirmed_count=Count("registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)),
        waitlisted_count=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)),
    )
    if viewer.is_authenticated and viewer.is_staff_member:
        return queryset
    visible = ~Q(status=EventStatus.DRAFT)
    if viewer.is_authenticated and viewer.is_internal:
        visible |= Q(organisers=viewer)
    elif not viewer.is_authenticated:
        visible = Q(status=EventStatus.PUBLISHED, is_public=True)
    return queryset.filter(visible).distinct()


def event_get(*, viewer: Viewer, pk: int) -> Event:
    event = event_list(viewer=viewer).filter(pk=pk).first()
    if event is None:
        raise Http404
    return event


def upcoming_public_events() -> QuerySet[Event]:
    """What the public calendar feed lists: published, open to non-members, not yet over."""
    return Event.objects.filter(status=EventStatus.PUBLISHED, is_public=True, ends_at__gte=timezone.now()).order_by(
        "starts_at"
    )


def is_member_organization(organization: Organization | None) -> bool:
    """Whether the organisation pays member prices today: its membership is active."""
    if organization is None:
        return False
    return organization.memberships.filter(status=MembershipStatus.ACTIVE).exists()
