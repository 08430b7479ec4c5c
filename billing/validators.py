from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from members.validators import corporate_number_check_digit


def validate_registration_number(value: str) -> None:
    """適格請求書発行事業者登録番号: 'T' and 13 digits whose first digit is the check digit of the other twelve."""
    digits = value[1:]
    if len(value) != 14 or value[0] != "T" or not digits.isascii() or not digits.isdigit():
        raise ValidationError(_("A registration number is T followed by 13 digits."), code="format")
    if int(digits[0]) != corporate_number_check_digit(digits[1:]):
        raise ValidationError(
            _("This registration number's check digit is wrong; please check it."), code="check_digit"
        )
