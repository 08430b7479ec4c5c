"""Who may see and do what with events, visits and follow-ups. Views and APIs ask here; selectors scope reads.

- Staff (secretariat, administrator) run events and see everything.
- Coordinators log visits, own follow-ups, organise events they are named on, and take check-ins.
- Member and bank users register themselves and their colleagues, and see their own registrations.
- A visit's notes (what was heard) are for staff and coordinators only: never member, bank or evaluator users.
"""

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser

from members.models import ORGANIZATION_ROLES

if TYPE_CHECKING:
    from events.models import Event, FollowUp, Visit
    from members.models import User


def can_manage_events(user: "User | AnonymousUser") -> bool:
    """Create events, study groups and exhibitions; register anyone; settings and sent reminders."""
    return bool(user.is_authenticated and user.is_staff_member)


def can_run_event(user: "User | AnonymousUser", event: "Event") -> bool:
    """Edit the event, see its registrations, take check-ins: staff, or a coordinator named as organiser."""
    if not user.is_authenticated:
        return False
    if user.is_staff_member:
        return True
    return bool(user.is_internal and event.organisers.filter(pk=user.pk).exists())


def can_register_for_organization(user: "User | AnonymousUser") -> bool:
    """Member and bank users register themselves or colleagues of their own organisation."""
    return bool(user.is_authenticated and user.role in ORGANIZATION_ROLES and user.organization_id)


def can_see_visits(user: "User | AnonymousUser") -> bool:
    """Visits, their notes, plans and follow-ups."""
    return bool(user.is_authenticated and user.is_internal)


def can_edit_visit(user: "User | AnonymousUser", visit: "Visit") -> bool:
    if not user.is_authenticated or not user.is_internal:
        return False
    return user.is_staff_member or visit.recorded_by_id == user.pk


def can_approve_visit_plans(user: "User | AnonymousUser") -> bool:
    """Records the steering committee's decision on the target list."""
    return bool(user.is_authenticated and user.is_staff_member)


def can_update_follow_up(user: "User | AnonymousUser", follow_up: "FollowUp") -> bool:
    if not user.is_authenticated or not user.is_internal:
        return False
    return user.is_staff_member or follow_up.owner_id == user.pk


def can_see_activity_reports(user: "User | AnonymousUser") -> bool:
    return bool(user.is_authenticated and user.is_internal)
