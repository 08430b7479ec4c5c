from django import forms
from django.utils.translation import gettext_lazy as _

from billing.models import InvoiceStatus, TaxCategory
from billing.services.invoices import LineSpec
from members.models import Organization


class InvoiceFilterForm(forms.Form):
    fiscal_year = forms.IntegerField(label=_("Fiscal year"), required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", "---"), *InvoiceStatus.choices])
    q = forms.CharField(label=_("Organisation or number"), required=False)


class InvoiceLineForm(forms.Form):
    description = forms.CharField(label=_("Description"), max_length=200)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, initial=1)
    unit_price = forms.IntegerField(label=_("Unit price (yen)"), min_value=0)
    # Initial values on every field, so that the untouched extra rows a browser posts count as empty.
    tax_category = forms.ChoiceField(
        label=_("Tax category"), choices=TaxCategory.choices, initial=TaxCategory.OUT_OF_SCOPE
    )

    def line(self) -> LineSpec:
        data = self.cleaned_data
        return LineSpec(data["description"], data["unit_price"], data["quantity"], data["tax_category"])


InvoiceLineFormSet = forms.formset_factory(InvoiceLineForm, extra=3, min_num=1, validate_min=True, max_num=20)


class InvoiceDraftForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Organisation"), queryset=Organization.objects.order_by("name_kana"))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CreditNoteForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)
    full = forms.BooleanField(label=_("Credit everything still uncredited"), required=False)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    amount = forms.IntegerField(label=_("Amount (yen)"), required=False, min_value=0)
    tax_category = forms.ChoiceField(label=_("Tax category"), choices=TaxCategory.choices, required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("full") and (data.get("amount") is None or not data.get("description")):
            raise forms.ValidationError(_("Give a description and an amount, or credit everything."))
        return data

    def lines(self) -> list[LineSpec] | None:
        data = self.cleaned_data
        if data.get("full"):
            return None
        return [LineSpec(data["description"], data["amount"], 1, data["tax_category"] or TaxCategory.OUT_OF_SCOPE)]


class CorrectionForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)
    description = forms.CharField(label=_("Description"), max_length=200)
    amount = forms.IntegerField(label=_("Correct amount (yen)"), min_value=0)
    tax_category = forms.ChoiceField(label=_("Tax category"), choices=TaxCategory.choices)

    def lines(self) -> list[LineSpec]:
        data = self.cleaned_data
        return [LineSpec(data["description"], data["amount"], 1, data["tax_category"])]


class RunForm(forms.Form):
    fiscal_year = forms.IntegerField(label=_("Fiscal year"))
