"""The organisation list as CSV or Excel, with the columns the secretariat's spreadsheet has."""

import csv
from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from members.fees import organization_fee_tier
from members.models import FeeTier, MembershipStatus, Organization


def _columns() -> list[str]:
    return [
        _("Name"), _("Kana"), _("Kind"), _("Corporate number"), _("Postal code"), _("Prefecture"), _("City"),
        _("Address"), _("Capital (yen)"), _("Employees"), _("Industry"), _("Founding year"), _("Website"),
        _("Membership"), _("Fee tier"), _("Annual fee (yen)"),
    ]  # fmt: skip


def _rows(queryset: QuerySet[Organization]) -> Iterator[list[object]]:
    tiers = list(FeeTier.objects.filter(is_active=True))
    for org in queryset.iterator(chunk_size=2000):
        tier = organization_fee_tier(org, tiers)
        # current_* are annotations of selectors.organization_list.
        override = org.current_fee_override  # type: ignore[attr-defined]
        fee = override if override is not None else (tier.annual_fee if tier else None)
        current_status = org.current_status  # type: ignore[attr-defined]
        status = str(MembershipStatus(current_status).label) if current_status else ""
        yield [
            org.name, org.name_kana, org.get_kind_display(), org.corporate_number or "", org.postal_code,
            org.prefecture_name, org.city, org.address_line, org.capital, org.employees, org.industry,
            org.founded_year, org.website, status, tier.name if tier else "", fee,
        ]  # fmt: skip


class _Echo:
    def write(self, value: str) -> str:
        return value


def organization_export_response(queryset: QuerySet[Organization], *, fmt: str) -> HttpResponse | StreamingHttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        writer = csv.writer(_Echo())

        def lines() -> Iterator[str]:
            # A byte-order mark, so that Excel on a Japanese Windows opens UTF-8 correctly.
            yield "\ufeff" + writer.writerow(_columns())
            for row in _rows(queryset):
                yield writer.writerow(["" if v is None else v for v in row])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="organizations-{stamp}.csv"'
        return response
    if fmt == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(_("Organisations"))
        sheet.append(_columns())
        for row in _rows(queryset):
            sheet.append(row)
        xlsx = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        workbook.save(xlsx)
        xlsx["Content-Disposition"] = f'attachment; filename="organizations-{stamp}.xlsx"'
        return xlsx
    raise Http404
