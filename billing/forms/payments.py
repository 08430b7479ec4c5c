"""Forms of the payment pages, the statement upload and the reconciliation queue."""

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from billing.fiscal import today
from billing.models import Invoice, PaymentMethod
from members.models import Organization

MAX_STATEMENT_BYTES = 20 * 1024 * 1024  # 10,000 Zengin records are 2 MB


class PaymentFilterForm(forms.Form):
    unallocated = forms.BooleanField(label=_("Only money not yet allocated"), required=False)
    q = forms.CharField(label=_("Organisation or payer"), required=False)
    organization = forms.IntegerField(required=False, widget=forms.HiddenInput)


class PaymentForm(forms.Form):
    """The payment itself; the organisation is chosen by searching (see the template), its invoices below."""

    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.all(), widget=forms.HiddenInput
    )
    received_on = forms.DateField(label=_("Received on"), initial=today, widget=forms.DateInput(attrs={"type": "date"}))
    # No minimum here: the service's message says what is wrong with a negative amount.
    amount = forms.IntegerField(label=_("Amount (yen)"))
    payer_name = forms.CharField(
        label=_("Payer"), max_length=200, required=False, help_text=_("Leave empty for the organisation's name.")
    )
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices, initial=PaymentMethod.BANK_TRANSFER)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AllocationRow:
    """One open invoice in an allocation form: the tick, the amount and whether it may take a bank fee."""

    def __init__(self, invoice: Invoice, form: "AllocationForm") -> None:
        self.invoice = invoice
        self.pay = form[f"pay_{invoice.pk}"]
        self.amount = form[f"amount_{invoice.pk}"]
        self.fee_selected = str(form["bank_fee_for"].value() or "") == str(invoice.pk)


class AllocationForm(forms.Form):
    """A tick and an amount per open invoice of one organisation, and optionally the invoice whose shortfall
    is accepted as a bank fee. Unticked invoices are left alone."""

    def __init__(
        self,
        *args: Any,
        invoices: Sequence[Invoice],
        amount: int | None = None,
        suggested: Iterable[int] = (),
        fee_for: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.invoices = list(invoices)
        suggested = set(suggested)
        remaining = amount
        for invoice in self.invoices:
            ticked = invoice.pk in suggested and remaining != 0
            initial = None
            if ticked and remaining is not None:
                initial = min(invoice.balance, remaining)
                remaining -= initial
            self.fields[f"pay_{invoice.pk}"] = forms.BooleanField(label=str(invoice), required=False, initial=ticked)
            self.fields[f"amount_{invoice.pk}"] = forms.IntegerField(
                label=_("Amount (yen)"), required=False, initial=initial
            )
        self.fields["bank_fee_for"] = forms.TypedChoiceField(
            label=_("Accept the shortfall as a bank fee on"),
            required=False,
            coerce=int,
            empty_value=None,
            choices=[("", "—"), *((invoice.pk, str(invoice)) for invoice in self.invoices)],
            initial=fee_for,
        )

    def rows(self) -> Iterator[AllocationRow]:
        for invoice in self.invoices:
            yield AllocationRow(invoice, self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for invoice in self.invoices:
            if cleaned.get(f"pay_{invoice.pk}") and cleaned.get(f"amount_{invoice.pk}") is None:
                self.add_error(
                    f"amount_{invoice.pk}", _("Enter the amount for invoice %(number)s.") % {"number": invoice}
                )
        return cleaned

    def allocations(self) -> list[tuple[Invoice, int]]:
        return [
            (invoice, self.cleaned_data[f"amount_{invoice.pk}"])
            for invoice in self.invoices
            if self.cleaned_data.get(f"pay_{invoice.pk}")
        ]

    def bank_fee_invoice(self) -> Invoice | None:
        chosen = self.cleaned_data.get("bank_fee_for")
        return next((invoice for invoice in self.invoices if invoice.pk == chosen), None)

    def error_text(self) -> str:
        return " ".join(str(message) for errors in self.errors.values() for message in errors)


class StatementUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Bank file"),
        help_text=_(
            "A Zengin file (振込入金通知 or 入出金取引明細, 200-byte records, Shift_JIS) as the bank sends it, "
            "or a CSV of date, amount and payer name."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_STATEMENT_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB; no bank statement is that large."))
        return upload


class DepositIgnoreForm(forms.Form):
    reason = forms.CharField(label=_("Why it is not a member payment"), max_length=500)
