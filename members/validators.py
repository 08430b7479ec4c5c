from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def corporate_number_check_digit(base12: str) -> int:
    """Check digit of a 法人番号 (National Tax Agency spec): 9 - (Σ Pn×Qn mod 9), Qn = 1,2,1,2… from the right."""
    total = sum(int(d) * (1 if i % 2 == 0 else 2) for i, d in enumerate(reversed(base12)))
    return 9 - total % 9


def validate_corporate_number(value: str) -> None:
    if len(value) != 13 or not value.isascii() or not value.isdigit():
        raise ValidationError(_("A corporate number has exactly 13 digits."), code="format")
    if int(value[0]) != corporate_number_check_digit(value[1:]):
        raise ValidationError(_("This corporate number's check digit is wrong; please check it."), code="check_digit")


def validate_katakana(value: str) -> None:
    allowed_extra = set(" 　・ー()（）&＆.．,、-")
    for ch in value:
        if not ("\u30a0" <= ch <= "\u30ff" or (ch.isascii() and ch.isalnum()) or ch in allowed_extra):
            raise ValidationError(_("Write the reading in katakana."), code="katakana")
