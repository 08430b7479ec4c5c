"""Who may see and do what in the member register. Views and APIs ask here; selectors scope reads."""

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser

from members.models import ORGANIZATION_ROLES, Role

if TYPE_CHECKING:
    from members.models import Organization, User


def is_internal(user: "User | AnonymousUser") -> bool:
    """Staff and coordinators work for the association and read every organisation's private data."""
    return bool(user.is_authenticated and user.is_internal)


def can_manage_register(user: "User | AnonymousUser") -> bool:
    """Create organisations, move memberships, import, export, override fees."""
    return bool(user.is_authenticated and user.is_staff_member)


def can_edit_fee_tiers(user: "User | AnonymousUser") -> bool:
    return bool(user.is_authenticated and user.role == Role.ADMINISTRATOR)


def can_see_private_data(user: "User | AnonymousUser", organization: "Organization") -> bool:
    """Profile fields that are not published, contacts and memberships."""
    if not user.is_authenticated:
        return False
    if user.is_internal:
        return True
    return user.role in ORGANIZATION_ROLES and user.organization_id == organization.pk


def can_edit_organization(user: "User | AnonymousUser", organization: "Organization") -> bool:
    if not user.is_authenticated:
        return False
    if user.is_staff_member:
        return True
    return user.role in ORGANIZATION_ROLES and user.organization_id == organization.pk
