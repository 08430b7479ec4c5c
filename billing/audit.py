"""The audit log of billing: every recorded change of invoices, payments and allocations, newest first.

simple-history keeps one table per model, with the acting user, including the rows written by bulk
operations (`bulk_create_with_history` / `bulk_update_with_history` with `default_user`). The log reads the
three together: a UNION of (kind, history id, date) sorted and sliced by PostgreSQL, then for the rows of
one page each table is read once, together with each row's previous version for the diff. A page costs the
same handful of queries however long the history is.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, overload

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import CharField, OuterRef, Q, QuerySet, Subquery, Value
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billing.models import Allocation, Invoice, Payment
from billing.permissions import can_manage_billing
from members.models import User

AUDITED: dict[str, type[models.Model]] = {"invoice": Invoice, "payment": Payment, "allocation": Allocation}
AUDIT_KIND_LABELS = {
    "invoice": gettext_lazy("Invoice"),
    "payment": gettext_lazy("Payment"),
    "allocation": gettext_lazy("Allocation"),
}
# Fields whose changes say nothing to a reader of the log: derived or bookkeeping.
HIDDEN_FIELDS = {"sequence", "tax_summary", "created_at", "updated_at"}


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class AuditEntry:
    kind: str
    object_id: int
    history_type: str  # simple-history's "+" created, "~" changed, "-" deleted
    when: datetime.datetime
    who: User | None
    subject: str
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return str(AUDIT_KIND_LABELS[self.kind])

    @property
    def action(self) -> str:
        return {"+": _("Recorded"), "~": _("Changed"), "-": _("Deleted")}.get(self.history_type, self.history_type)


def _history(model: type[models.Model]) -> Any:
    return model.history.model  # type: ignore[attr-defined]


def _display(model_field: models.Field[Any, Any], value: Any) -> str:
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(model_field, models.BigIntegerField | models.PositiveIntegerField) and not model_field.is_relation:
        return f"{value:,}"
    return str(value)


def _subject(kind: str, record: Any) -> str:
    if kind == "invoice":
        number = record.number or _("Draft %(id)s") % {"id": record.id}
        return f"{number} · {record.organization.name}" if record.organization else number
    if kind == "payment":
        return f"¥{record.amount:,} · {record.payer_name or '—'} · {record.received_on:%Y-%m-%d}"
    target = record.invoice.number if record.invoice and record.invoice.number else f"#{record.invoice_id}"
    return _("¥%(amount)s from payment #%(payment)s to invoice %(invoice)s") % {
        "amount": f"{record.amount:,}",
        "payment": record.payment_id,
        "invoice": target,
    }


def _changes(model: type[models.Model], record: Any, previous: Any) -> list[FieldChange]:
    if previous is None or record.history_type != "~":
        return []
    delta = record.diff_against(previous, excluded_fields=HIDDEN_FIELDS)
    changes = []
    for change in delta.changes:
        model_field = model._meta.get_field(change.field)
        changes.append(
            FieldChange(
                field=str(getattr(model_field, "verbose_name", change.field)),
                old=_display(model_field, change.old),  # type: ignore[arg-type]
                new=_display(model_field, change.new),  # type: ignore[arg-type]
            )
        )
    return changes


def _entries(kind: str, history_ids: list[int]) -> dict[int, AuditEntry]:
    """The page's rows of one table, each with its diff against the version before: two queries."""
    model = AUDITED[kind]
    history = _history(model)
    earlier = history.objects.filter(id=OuterRef("id")).filter(
        Q(history_date__lt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
    )
    related = {"invoice": ["organization"], "payment": [], "allocation": ["invoice"]}[kind]
    records = list(
        history.objects.filter(history_id__in=history_ids)
        .select_related("history_user", *related)
        .annotate(previous_id=Subquery(earlier.order_by("-history_date", "-history_id").values("history_id")[:1]))
    )
    previous_ids = [r.previous_id for r in records if r.history_type == "~" and r.previous_id]
    previous = {r.history_id: r for r in history.objects.filter(history_id__in=previous_ids)} if previous_ids else {}
    return {
        record.history_id: AuditEntry(
            kind=kind,
            object_id=record.id,
            history_type=record.history_type,
            when=record.history_date,
            who=record.history_user,
            subject=_subject(kind, record),
            changes=_changes(model, record, previous.get(record.previous_id)),
        )
        for record in records
    }


class AuditLog(Sequence[AuditEntry]):
    """A lazily read, sliceable log, so Django's Paginator pages it with a COUNT and one page read."""

    def __init__(self, index: QuerySet[Any] | None) -> None:
        self._index = index  # None: nothing visible

    def count(self) -> int:  # type: ignore[override]  # Paginator's count(), not Sequence.count(value)
        return self._index.count() if self._index is not None else 0

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, item: int) -> AuditEntry: ...

    @overload
    def __getitem__(self, item: slice) -> list[AuditEntry]: ...

    def __getitem__(self, item: int | slice) -> AuditEntry | list[AuditEntry]:
        if isinstance(item, int):
            return self[item : item + 1][0]
        if self._index is None:
            return []
        rows = list(self._index[item])
        by_kind: dict[str, list[int]] = {}
        for kind, history_id, _when in rows:
            by_kind.setdefault(kind, []).append(history_id)
        entries = {(kind, hid): entry for kind, ids in by_kind.items() for hid, entry in _entries(kind, ids).items()}
        return [entries[(kind, history_id)] for kind, history_id, _when in rows]


def billing_audit_log(*, viewer: User | AnonymousUser, kind: str | None = None) -> AuditLog:
    """Changes to invoices, payments and allocations (or to one `kind` of them), newest first; staff only."""
    if not can_manage_billing(viewer):
        return AuditLog(None)
    kinds = [kind] if kind in AUDITED else list(AUDITED)
    parts = [
        _history(AUDITED[k])
        .objects.annotate(audit_kind=Value(k, output_field=CharField()))
        .values_list("audit_kind", "history_id", "history_date")
        .order_by()
        for k in kinds
    ]
    index = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return AuditLog(index.order_by("-history_date", "-history_id"))
