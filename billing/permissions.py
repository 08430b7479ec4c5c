"""Who may see and do what in billing. Views and APIs ask here; selectors scope reads."""

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser

from members.models import ORGANIZATION_ROLES, Role

if TYPE_CHECKING:
    from billing.models import Invoice
    from members.models import User


def can_manage_billing(user: "User | AnonymousUser") -> bool:
    """Invoice, run the yearly invoicing, record payments, import statements, see every organisation's money."""
    return bool(user.is_authenticated and user.is_staff_member)


def can_edit_billing_settings(user: "User | AnonymousUser") -> bool:
    return bool(user.is_authenticated and user.role == Role.ADMINISTRATOR)


def can_see_own_invoices(user: "User | AnonymousUser") -> bool:
    """Member and bank users see their own organisation's invoices, credit notes and receipts."""
    return bool(user.is_authenticated and user.role in ORGANIZATION_ROLES)


def can_see_invoice(user: "User | AnonymousUser", invoice: "Invoice") -> bool:
    if can_manage_billing(user):
        return True
    return (
        not isinstance(user, AnonymousUser)
        and can_see_own_invoices(user)
        and user.organization_id == invoice.organization_id
    )
