from django import forms
from django.core.exceptions import ValidationError

from clusternet.core.exceptions import ApplicationError


def add_service_error(form: forms.BaseForm, error: ApplicationError | ValidationError) -> None:
    """Shows a service's refusal on the form, beside the field it concerns where it names one."""
    if isinstance(error, ApplicationError):
        field = error.extra.get("field")
        form.add_error(field if field in form.fields else None, error.message)
    elif hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
