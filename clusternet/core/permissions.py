"""The one way pages and API views refuse an action the user's role does not allow."""

from django.core.exceptions import PermissionDenied


def require(allowed: bool) -> None:
    """403 unless allowed: a page shows the 403 template, DRF answers 403 JSON (it maps PermissionDenied)."""
    if not allowed:
        raise PermissionDenied
