"""Reads of visits, follow-up actions, visit plans and outcome categories.

Visits and everything about them are internal records: a viewer who may not see visits gets an empty
queryset here whatever the view asks, so no page or API can leak a visit's notes by forgetting a check.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy

from events.models import FollowUp, FollowUpStatus, OutcomeCategory, Visit, VisitPlan
from events.permissions import can_see_visits
from members.models import STAFF_ROLES, Role, User

Viewer = User | AnonymousUser
# Why anyone but staff and coordinators is refused, on pages and in the API.
INTERNAL_ONLY_MESSAGE = gettext_lazy(
    "Company visits, their notes and follow-up actions are for the association's staff and coordinators only."
)
INTERNAL_ROLES = [*STAFF_ROLES, Role.COORDINATOR]


@dataclass(frozen=True)
class VisitFilters:
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    organization_id: int | None = None
    outcome_id: int | None = None
    # A user who went on the visit (a coordinator, usually).
    visitor_id: int | None = None


def visit_list(*, viewer: Viewer, filters: VisitFilters | None = None) -> QuerySet[Visit]:
    """Newest first, with organisation, recorder, who went and outcomes fetched in a fixed number of queries."""
    if not can_see_visits(viewer):
        return Visit.objects.none()
    visits = Visit.objects.select_related("organization", "recorded_by", "plan").prefetch_related(
        Prefetch("visitors", queryset=User.objects.order_by("last_name", "first_name", "username")),
        Prefetch("outcomes", queryset=OutcomeCategory.objects.order_by("position", "pk")),
    )
    filters = filters or VisitFilters()
    if filters.date_from:
        visits = visits.filter(visited_on__gte=filters.date_from)
    if filters.date_to:
        visits = visits.filter(visited_on__lte=filters.date_to)
    if filters.organization_id:
        visits = visits.filter(organization_id=filters.organization_id)
    # Exists rather than a join, so that a visit with two matching rows is listed once.
    if filters.outcome_id:
        visits = visits.filter(
            Exists(Visit.outcomes.through.objects.filter(visit=OuterRef("pk"), outcomecategory=filters.outcome_id))
        )
    if filters.visitor_id:
        visits = visits.filter(
            Exists(Visit.visitors.through.objects.filter(visit=OuterRef("pk"), user=filters.visitor_id))
        )
    return visits.order_by("-visited_on", "-pk")


def visit_get(*, viewer: Viewer, pk: int) -> Visit:
    visit = visit_list(viewer=viewer).filter(pk=pk).first()
    if visit is None:
        raise Http404
    return visit


def follow_up_list(
    *,
    viewer: Viewer,
    owner: User | None = None,
    status: str | None = None,
    overdue: bool = False,
    visit: Visit | None = None,
) -> QuerySet[FollowUp]:
    """Earliest due first, so overdue actions lead."""
    if not can_see_visits(viewer):
        return FollowUp.objects.none()
    follow_ups = FollowUp.objects.select_related("owner", "organization", "visit")
    if owner is not None:
        follow_ups = follow_ups.filter(owner=owner)
    if visit is not None:
        follow_ups = follow_ups.filter(visit=visit)
    if overdue:
        follow_ups = follow_ups.filter(status=FollowUpStatus.OPEN, due_on__lt=timezone.localdate())
    elif status:
        follow_ups = follow_ups.filter(status=status)
    return follow_ups.order_by("due_on", "pk")


def follow_up_get(*, viewer: Viewer, pk: int) -> FollowUp:
    follow_up = follow_up_list(viewer=viewer).filter(pk=pk).first()
    if follow_up is None:
        raise Http404
    return follow_up


def visit_plan_list(*, viewer: Viewer, status: str | None = None) -> QuerySet[VisitPlan]:
    if not can_see_visits(viewer):
        return VisitPlan.objects.none()
    plans = VisitPlan.objects.select_related("organization", "proposed_by")
    if status:
        plans = plans.filter(status=status)
    return plans.order_by("-created_at", "-pk")


def visit_plan_get(*, viewer: Viewer, pk: int) -> VisitPlan:
    plan = visit_plan_list(viewer=viewer).filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


def coordinator_visits(*, viewer: Viewer) -> QuerySet[Visit]:
    """The visits the viewer went on or recorded."""
    if not viewer.is_authenticated:
        return Visit.objects.none()
    went = Exists(Visit.visitors.through.objects.filter(visit=OuterRef("pk"), user=viewer.pk))
    return visit_list(viewer=viewer).filter(went | Q(recorded_by=viewer))


def outcome_categories(*, active_only: bool = False) -> QuerySet[OutcomeCategory]:
    categories = OutcomeCategory.objects.order_by("position", "pk")
    return categories.filter(is_active=True) if active_only else categories


def internal_users() -> QuerySet[User]:
    """Who can own a follow-up action: active staff and coordinators."""
    return User.objects.filter(role__in=INTERNAL_ROLES, is_active=True).order_by("last_name", "first_name", "username")


def visitor_choices() -> QuerySet[User]:
    """Who can be named as having gone: active staff, coordinators and bank users (partner banks go along)."""
    return (
        User.objects.filter(role__in=[*INTERNAL_ROLES, Role.BANK], is_active=True)
        .select_related("organization")
        .order_by("role", "last_name", "first_name", "username")
    )
