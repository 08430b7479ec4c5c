"""The organisation list's filters, shared by the staff page, its exports and the API."""

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from clusternet.core.text import search_key
from members.fees import organizations_in_tier_q
from members.models import FeeTier, MembershipStatus, Organization, OrganizationKind
from members.prefectures import Prefecture

NO_MEMBERSHIP = "none"

ORDERING_FIELDS = {
    "name_kana": _("Kana"),
    "name": _("Name"),
    "capital": _("Capital"),
    "employees": _("Employees"),
    "created_at": _("Registered"),
}


class OrganizationFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", label=_("Name or kana"))
    kind = django_filters.ChoiceFilter(choices=OrganizationKind.choices, label=_("Kind"), empty_label=_("All"))
    status = django_filters.ChoiceFilter(
        choices=[*MembershipStatus.choices, (NO_MEMBERSHIP, _("No current membership"))],
        method="filter_status",
        label=_("Membership"),
        empty_label=_("All"),
    )
    tier = django_filters.ModelChoiceFilter(
        queryset=FeeTier.objects.filter(is_active=True), method="filter_tier", label=_("Fee tier"), empty_label=_("All")
    )
    prefecture = django_filters.ChoiceFilter(choices=Prefecture.choices, label=_("Prefecture"), empty_label=_("All"))
    ordering = django_filters.OrderingFilter(
        fields={field: field for field in ORDERING_FIELDS},
        # Our own descending labels: django-filter's "(descending)" has no Japanese translation.
        field_labels={
            **ORDERING_FIELDS,
            **{f"-{f}": format_lazy(_("{field} (descending)"), field=label) for f, label in ORDERING_FIELDS.items()},
        },
        label=_("Sort by"),
        empty_label=_("Kana (default)"),
    )

    class Meta:
        model = Organization
        fields = ["search", "kind", "status", "tier", "prefecture"]

    def filter_search(self, queryset: QuerySet[Organization], name: str, value: str) -> QuerySet[Organization]:
        key = search_key(value)
        if not key:
            return queryset
        return queryset.filter(Q(search_key__contains=key) | Q(corporate_number=key))

    def filter_status(self, queryset: QuerySet[Organization], name: str, value: str) -> QuerySet[Organization]:
        # `current_status` is annotated by the selector (the status of the newest membership).
        if value == NO_MEMBERSHIP:
            return queryset.filter(current_status__isnull=True)  # type: ignore[misc]
        return queryset.filter(current_status=value)  # type: ignore[misc]

    def filter_tier(self, queryset: QuerySet[Organization], name: str, value: Any) -> QuerySet[Organization]:
        return queryset.filter(organizations_in_tier_q(value, FeeTier.objects.filter(is_active=True)))
