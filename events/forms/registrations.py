"""Forms of the registration pages: registering someone (member users, staff, the public page) and check-in."""

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from events.models import Event, EventSession
from events.services.registrations import Registrant
from members.models import Contact, User


class PersonFields(forms.Form):
    name = forms.CharField(label=capfirst(pgettext_lazy("person", "name")), max_length=100, required=False)
    name_kana = forms.CharField(
        label=capfirst(_("name (kana)")), max_length=100, required=False, help_text=_("In katakana, e.g. ヤマダ タロウ")
    )
    email = forms.EmailField(label=capfirst(_("email")), required=False)


class RegistrationForm(PersonFields):
    """Member users pick a colleague from their organisation's contacts or type one in; staff pick any
    contact (from the search on the page) or type in a person with their organisation's name."""

    contact = forms.ModelChoiceField(label=capfirst(_("colleague")), queryset=Contact.objects.none(), required=False)
    organization_name = forms.CharField(label=capfirst(_("organisation")), max_length=200, required=False)
    language = forms.ChoiceField(label=capfirst(_("language of the mails")), choices=settings.LANGUAGES, initial="ja")

    def __init__(self, *args: Any, viewer: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        contact = cast(forms.ModelChoiceField, self.fields["contact"])
        if viewer.is_internal:
            contact.queryset = Contact.objects.active().select_related("organization")
            contact.widget = forms.HiddenInput()
        else:
            contact.queryset = Contact.objects.active().filter(organization__users=viewer)
            contact.empty_label = _("Someone else (type in below)")
            contact.help_text = _("Or type in a person who is not in your organisation's contacts yet.")
            del self.fields["organization_name"]
        self.order_fields(["contact", "name", "name_kana", "email", "organization_name", "language"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("contact") and not (data.get("name") or data.get("name_kana") or data.get("email")):
            raise forms.ValidationError(_("Choose a person or type one in."))
        return data

    def registrant(self) -> Registrant:
        data = self.cleaned_data
        if data.get("contact"):
            return Registrant(contact=data["contact"])
        return Registrant(
            name=data["name"],
            name_kana=data["name_kana"],
            email=data["email"],
            organization_name=data.get("organization_name", ""),
        )


class PublicRegistrationForm(PersonFields):
    """The public page: everything typed in, the email required (the confirmation link goes there)."""

    organization_name = forms.CharField(
        label=capfirst(_("organisation")),
        max_length=200,
        required=False,
        help_text=_("Leave empty if you attend in person."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("name", "name_kana", "email"):
            self.fields[name].required = True

    def registrant(self) -> Registrant:
        data = self.cleaned_data
        return Registrant(
            name=data["name"],
            name_kana=data["name_kana"],
            email=data["email"],
            organization_name=data["organization_name"],
        )


class ContactSearchForm(forms.Form):
    q = forms.CharField(label=_("Search contacts"), required=False, help_text=_("Name, kana, email or organisation"))


class CheckInForm(forms.Form):
    session = forms.ModelChoiceField(label=capfirst(_("session")), queryset=EventSession.objects.none(), required=False)

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["session"]).queryset = event.sessions.all()
