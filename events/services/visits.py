"""Writes to company visits, their follow-up actions, the visit plan (target list) and the outcome categories.

A visit is logged in one go: the visit, who went, its outcomes, the follow-up actions promised and, for a firm
not yet in the register, the prospect itself. Either all of it is saved or none of it.
"""

import datetime
from collections.abc import Collection, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from clusternet.core.exceptions import ApplicationError
from clusternet.core.services import apply_fields
from events.models import FollowUp, FollowUpStatus, OutcomeCategory, Visit, VisitPlan, VisitPlanStatus
from events.selectors.visits import INTERNAL_ROLES
from members.models import Organization, Role, User
from members.services import organization_create

VISIT_FIELDS = [
    "visited_on", "organization", "purpose", "other_visitors",
    "heard_technology", "heard_management", "heard_seeds", "heard_needs",
]  # fmt: skip
FOLLOW_UP_FIELDS = ["description", "owner", "due_on"]
PLAN_FIELDS = ["organization", "reason", "source", "source_detail"]
NEW_ORGANIZATION_FIELDS = ["name", "name_kana", "kind"]
OUTCOME_FIELDS = ["name", "name_en", "position", "is_active"]

# The steering committee's decisions: which status may follow which. "visited" is reached by logging the visit.
PLAN_TRANSITIONS: dict[str, set[str]] = {
    VisitPlanStatus.PLANNED: {VisitPlanStatus.APPROVED, VisitPlanStatus.DROPPED},
    VisitPlanStatus.APPROVED: {VisitPlanStatus.VISITED, VisitPlanStatus.DROPPED},
    VisitPlanStatus.VISITED: set(),
    VisitPlanStatus.DROPPED: set(),
}
FOLLOW_UP_TRANSITIONS: dict[str, set[str]] = {
    FollowUpStatus.OPEN: {FollowUpStatus.DONE, FollowUpStatus.CANCELLED},
    # Reopening undoes a status set by mistake.
    FollowUpStatus.DONE: {FollowUpStatus.OPEN},
    FollowUpStatus.CANCELLED: {FollowUpStatus.OPEN},
}


def _validate_visit_fields(visit: Visit) -> None:
    """The checks that do not need the organisation, so a new prospect is only created for a valid visit."""
    if visit.visited_on is None:
        raise ApplicationError(_("Give the date of the visit."), extra={"field": "visited_on"})
    if visit.visited_on > timezone.localdate():
        raise ApplicationError(_("A visit cannot be dated in the future."), extra={"field": "visited_on"})
    if not (visit.purpose or "").strip():
        raise ApplicationError(_("Say what the visit was for."), extra={"field": "purpose"})


def _validate_visit(visit: Visit) -> None:
    if visit.organization_id is None:
        raise ApplicationError(
            _("Choose the organisation visited, or enter a new one."), extra={"field": "organization"}
        )
    _validate_visit_fields(visit)
    visit.full_clean(exclude=["plan", "recorded_by"])


def _validate_visitors(visitors: Sequence[User]) -> None:
    allowed = {*INTERNAL_ROLES, Role.BANK}
    if any(user.role not in allowed for user in visitors):
        raise ApplicationError(
            _("Only staff, coordinators and bank users can be named as who went; name others in the text field."),
            extra={"field": "visitors"},
        )


def _validate_outcomes(outcomes: Sequence[OutcomeCategory], kept: Collection[int] = ()) -> None:
    """Retired categories stay on the visits that have them, but cannot be newly chosen."""
    if any(not c.is_active and c.pk not in kept for c in outcomes):
        raise ApplicationError(_("That outcome category is no longer in use."), extra={"field": "outcomes"})


def _new_prospect(*, actor: User | None, data: dict[str, Any]) -> Organization:
    """A firm not yet in the register, created on the spot with just its name, kana and kind (no membership)."""
    unknown = set(data) - set(NEW_ORGANIZATION_FIELDS)
    if unknown:
        raise ApplicationError(_("Unknown field: %(field)s") % {"field": ", ".join(sorted(unknown))})
    if not (data.get("name") or "").strip() or not (data.get("name_kana") or "").strip() or not data.get("kind"):
        raise ApplicationError(
            _("A new organisation needs its name, its name in kana and its kind."), extra={"field": "new_organization"}
        )
    return organization_create(actor=actor, data={**data, "listed_in_directory": False})


def _follow_up_build(
    *, visit: Visit, data: dict[str, Any], index: int | None = None, follow_up: FollowUp | None = None
) -> FollowUp:
    """Applies and checks one follow-up action; `index` says which row of the form a refusal concerns."""
    follow_up = follow_up or FollowUp(visit=visit, organization_id=visit.organization_id)
    apply_fields(follow_up, data, FOLLOW_UP_FIELDS)

    def refuse(message: str, field: str) -> ApplicationError:
        extra: dict[str, Any] = {"field": field}
        if index is not None:
            extra["follow_up"] = index
        return ApplicationError(message, extra=extra)

    if not (follow_up.description or "").strip():
        raise refuse(_("Say what the follow-up action is."), "description")
    if follow_up.owner_id is None:
        raise refuse(_("Give each follow-up action an owner."), "owner")
    if follow_up.owner.role not in INTERNAL_ROLES or not follow_up.owner.is_active:
        raise refuse(_("The owner of a follow-up action must be an active staff member or coordinator."), "owner")
    if follow_up.due_on is None:
        raise refuse(_("Give each follow-up action a due date."), "due_on")
    follow_up.full_clean(exclude=["visit", "organization"])
    return follow_up


@transaction.atomic
def visit_create(
    *,
    actor: User | None,
    data: dict[str, Any],
    visitors: Sequence[User] = (),
    outcomes: Sequence[OutcomeCategory] = (),
    follow_ups: Sequence[dict[str, Any]] = (),
    new_organization: dict[str, Any] | None = None,
    plan: VisitPlan | None = None,
) -> Visit:
    """Logs a visit with who went, its outcomes and follow-up actions, creating the prospect if asked.

    A visit logged from an approved plan marks the plan visited. Nothing is saved if any part is refused.
    """
    visit = Visit(recorded_by=actor)
    apply_fields(visit, data, VISIT_FIELDS)
    if plan is not None:
        plan = VisitPlan.objects.select_for_update().get(pk=plan.pk)
        if plan.status != VisitPlanStatus.APPROVED:
            raise ApplicationError(_("Only an approved plan can be visited."), extra={"field": "plan"})
        if visit.organization_id is None and not new_organization:
            visit.organization = plan.organization
        if visit.organization_id != plan.organization_id:
            raise ApplicationError(
                _("The visit must be to the organisation of its plan."), extra={"field": "organization"}
            )
        visit.plan = plan
    if new_organization:
        if visit.organization_id is not None:
            raise ApplicationError(
                _("Choose an existing organisation or enter a new one, not both."), extra={"field": "organization"}
            )
        _validate_visit_fields(visit)
        visit.organization = _new_prospect(actor=actor, data=new_organization)
    _validate_visit(visit)
    _validate_visitors(visitors)
    _validate_outcomes(outcomes)
    built = [_follow_up_build(visit=visit, data=row, index=i) for i, row in enumerate(follow_ups)]
    visit._history_user = actor  # type: ignore[attr-defined]
    visit.save()
    visit.visitors.set(visitors)
    visit.outcomes.set(outcomes)
    for follow_up in built:
        follow_up.visit = visit
        follow_up.organization_id = visit.organization_id
        follow_up._history_user = actor  # type: ignore[attr-defined]
        follow_up.save()
    if plan is not None:
        plan.status = VisitPlanStatus.VISITED
        plan._history_user = actor  # type: ignore[attr-defined]
        plan.save(update_fields=["status", "updated_at"])
    return visit


@transaction.atomic
def visit_update(
    *,
    actor: User | None,
    visit: Visit,
    data: dict[str, Any],
    visitors: Sequence[User] | None = None,
    outcomes: Sequence[OutcomeCategory] | None = None,
) -> Visit:
    """Changes what was recorded. The organisation of a visit with follow-ups moves them along."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    apply_fields(visit, data, VISIT_FIELDS)
    if visit.plan is not None and visit.organization_id != visit.plan.organization_id:
        raise ApplicationError(_("The visit must be to the organisation of its plan."), extra={"field": "organization"})
    _validate_visit(visit)
    if visitors is not None:
        _validate_visitors(visitors)
    if outcomes is not None:
        _validate_outcomes(outcomes, kept=set(visit.outcomes.values_list("pk", flat=True)))
    visit._history_user = actor  # type: ignore[attr-defined]
    visit.save()
    if visitors is not None:
        visit.visitors.set(visitors)
    if outcomes is not None:
        visit.outcomes.set(outcomes)
    for follow_up in visit.follow_ups.exclude(organization_id=visit.organization_id):
        follow_up.organization_id = visit.organization_id
        follow_up._history_user = actor  # type: ignore[attr-defined]
        follow_up.save(update_fields=["organization", "updated_at"])
    return visit


# -- follow-up actions -------------------------------------------------------------------------------------


@transaction.atomic
def follow_up_create(*, actor: User | None, visit: Visit, data: dict[str, Any]) -> FollowUp:
    follow_up = _follow_up_build(visit=visit, data=data)
    follow_up._history_user = actor  # type: ignore[attr-defined]
    follow_up.save()
    return follow_up


@transaction.atomic
def follow_up_update(*, actor: User | None, follow_up: FollowUp, data: dict[str, Any]) -> FollowUp:
    """Changes what, who or by when; the status changes through `follow_up_set_status`."""
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    _follow_up_build(visit=follow_up.visit, data=data, follow_up=follow_up)
    follow_up._history_user = actor  # type: ignore[attr-defined]
    follow_up.save()
    return follow_up


@transaction.atomic
def follow_up_set_status(
    *, actor: User | None, follow_up: FollowUp, status: str, done_on: datetime.date | None = None
) -> FollowUp:
    """Open → done (on a date, today by default) or cancelled; done or cancelled → open again."""
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if status not in FollowUpStatus.values:
        raise ApplicationError(_("Unknown status."), extra={"field": "status"})
    if status not in FOLLOW_UP_TRANSITIONS[follow_up.status]:
        raise ApplicationError(
            _("A follow-up action that is %(current)s cannot be marked %(new)s.")
            % {"current": follow_up.get_status_display(), "new": FollowUpStatus(status).label},
            extra={"field": "status"},
        )
    today = timezone.localdate()
    if status == FollowUpStatus.DONE:
        done_on = done_on or today
        if done_on > today:
            raise ApplicationError(_("The done date cannot be in the future."), extra={"field": "done_on"})
        follow_up.done_on = done_on
    else:
        follow_up.done_on = None
    follow_up.status = status
    follow_up._history_user = actor  # type: ignore[attr-defined]
    follow_up.save(update_fields=["status", "done_on", "updated_at"])
    return follow_up


# -- visit planning ----------------------------------------------------------------------------------------


@transaction.atomic
def visit_plan_create(*, actor: User | None, data: dict[str, Any]) -> VisitPlan:
    """A firm proposed for a visit, with the reason and where the tip came from; planned until decided."""
    plan = VisitPlan(proposed_by=actor)
    apply_fields(plan, data, PLAN_FIELDS)
    if plan.organization_id is None:
        raise ApplicationError(_("Choose the organisation to visit."), extra={"field": "organization"})
    if not (plan.reason or "").strip():
        raise ApplicationError(_("Say why the organisation should be visited."), extra={"field": "reason"})
    plan.full_clean()
    plan._history_user = actor  # type: ignore[attr-defined]
    plan.save()
    return plan


@transaction.atomic
def visit_plan_transition(
    *,
    actor: User | None,
    plan: VisitPlan,
    to_status: str,
    approved_on: datetime.date | None = None,
    reason: str = "",
) -> VisitPlan:
    """Records the steering committee's decision: approved (on a date) or dropped (with a reason)."""
    plan = VisitPlan.objects.select_for_update().get(pk=plan.pk)
    if to_status not in VisitPlanStatus.values:
        raise ApplicationError(_("Unknown status."), extra={"field": "status"})
    if to_status not in PLAN_TRANSITIONS[plan.status]:
        raise ApplicationError(
            _("A plan that is %(current)s cannot become %(new)s.")
            % {"current": plan.get_status_display(), "new": VisitPlanStatus(to_status).label},
            extra={"field": "status"},
        )
    if to_status == VisitPlanStatus.VISITED:
        raise ApplicationError(_("A plan is marked visited by logging its visit."), extra={"field": "status"})
    if to_status == VisitPlanStatus.APPROVED:
        approved_on = approved_on or timezone.localdate()
        if approved_on > timezone.localdate():
            raise ApplicationError(_("The approval date cannot be in the future."), extra={"field": "approved_on"})
        plan.approved_on = approved_on
    if to_status == VisitPlanStatus.DROPPED:
        if not reason.strip():
            raise ApplicationError(_("Say why the plan is dropped."), extra={"field": "reason"})
        plan.dropped_reason = reason.strip()
    plan.status = to_status
    plan._history_user = actor  # type: ignore[attr-defined]
    plan.save(update_fields=["status", "approved_on", "dropped_reason", "updated_at"])
    return plan


# -- outcome categories ------------------------------------------------------------------------------------


def _without_empty_position(data: dict[str, Any]) -> dict[str, Any]:
    """An empty position keeps the current place (or the last, for a new category)."""
    return {key: value for key, value in data.items() if not (key == "position" and value is None)}


def _validate_category(category: OutcomeCategory) -> None:
    category.name = (category.name or "").strip()
    category.name_en = (category.name_en or "").strip()
    if not category.name:
        raise ApplicationError(_("Give the category its Japanese name."), extra={"field": "name"})
    if OutcomeCategory.objects.filter(name=category.name).exclude(pk=category.pk).exists():
        raise ApplicationError(_("A category with this name already exists."), extra={"field": "name"})
    category.full_clean()


@transaction.atomic
def outcome_category_create(*, actor: User | None, data: dict[str, Any]) -> OutcomeCategory:
    """A new category, placed last unless a position is given."""
    category = OutcomeCategory()
    data = _without_empty_position(data)
    apply_fields(category, data, OUTCOME_FIELDS)
    if "position" not in data:
        last = OutcomeCategory.objects.aggregate(last=Max("position"))["last"] or 0
        category.position = last + 10
    _validate_category(category)
    category.save()
    return category


@transaction.atomic
def outcome_category_update(*, actor: User | None, category: OutcomeCategory, data: dict[str, Any]) -> OutcomeCategory:
    """Renames, reorders or retires a category. A retired one stays on the visits (and reports) that have it."""
    category = OutcomeCategory.objects.select_for_update().get(pk=category.pk)
    apply_fields(category, _without_empty_position(data), OUTCOME_FIELDS)
    _validate_category(category)
    category.save()
    return category


@transaction.atomic
def outcome_category_move(*, actor: User | None, category: OutcomeCategory, up: bool) -> None:
    """Swaps the category with its neighbour above or below; positions are renumbered 10, 20, ... first so
    that equal positions (the default) still move."""
    categories = list(OutcomeCategory.objects.select_for_update().order_by("position", "pk"))
    index = next(i for i, c in enumerate(categories) if c.pk == category.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(categories):
        categories[index], categories[other] = categories[other], categories[index]
    for position, item in enumerate(categories, start=1):
        item.position = position * 10
    OutcomeCategory.objects.bulk_update(categories, ["position"])
