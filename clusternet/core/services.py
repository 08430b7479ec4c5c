"""Pieces every app's services share."""

from collections.abc import Collection, Mapping
from typing import Any

from django.utils.translation import gettext as _

from clusternet.core.exceptions import ApplicationError


def apply_fields(instance: Any, data: Mapping[str, Any], allowed: Collection[str]) -> None:
    """Sets the given fields on a model instance; a field the service does not take is refused, not ignored."""
    for field, value in data.items():
        if field not in allowed:
            raise ApplicationError(_("Unknown field: %(field)s") % {"field": field})
        setattr(instance, field, value)
