"""Who may see and do what in matching. Views and APIs ask here; selectors scope reads.

- Staff (secretariat, administrator) and coordinators see every seed and need, screen them, run the
  recommender, follow matching cases and run matching sessions.
- Member and bank users register and edit their own organisation's seeds and needs, see others' active
  entries as far as each entry's visibility allows, and take part in the matching sessions they are
  participants of.
- Evaluators have no part in matching.
"""

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser

from members.models import ORGANIZATION_ROLES

if TYPE_CHECKING:
    from matching.models import MatchingSession
    from matching.models.entries import Entry
    from members.models import User


def can_coordinate(user: "User | AnonymousUser") -> bool:
    """Screen entries, register them for firms, see all entries and cases, add meetings."""
    return bool(user.is_authenticated and user.is_internal)


def can_use_matching(user: "User | AnonymousUser") -> bool:
    """The seeds-and-needs pages at all: internal users and organisation users."""
    return bool(
        user.is_authenticated and (user.is_internal or (user.role in ORGANIZATION_ROLES and user.organization_id))
    )


def can_edit_entry(user: "User | AnonymousUser", entry: "Entry") -> bool:
    """Coordinators edit any entry; a firm edits its own until it is declined or withdrawn."""
    if not user.is_authenticated:
        return False
    if user.is_internal:
        return True
    return bool(user.role in ORGANIZATION_ROLES and entry.owner_id == user.organization_id)


def can_manage_sessions(user: "User | AnonymousUser") -> bool:
    """Create matching sessions and their set-up."""
    return bool(user.is_authenticated and user.is_staff_member)


def can_run_session(user: "User | AnonymousUser", session: "MatchingSession") -> bool:
    """Schedule, move and lock meetings, publish, record the day: staff, or a coordinator of the session."""
    if not user.is_authenticated:
        return False
    if user.is_staff_member:
        return True
    return bool(user.is_internal and session.session_coordinators.filter(user=user).exists())
