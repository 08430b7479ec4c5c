"""The 47 prefectures, keyed by their JIS X 0401 code."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Prefecture(models.TextChoices):
    HOKKAIDO = "01", _("Hokkaido")
    AOMORI = "02", _("Aomori")
    IWATE = "03", _("Iwate")
    MIYAGI = "04", _("Miyagi")
    AKITA = "05", _("Akita")
    YAMAGATA = "06", _("Yamagata")
    FUKUSHIMA = "07", _("Fukushima")
    IBARAKI = "08", _("Ibaraki")
    TOCHIGI = "09", _("Tochigi")
    GUNMA = "10", _("Gunma")
    SAITAMA = "11", _("Saitama")
    CHIBA = "12", _("Chiba")
    TOKYO = "13", _("Tokyo")
    KANAGAWA = "14", _("Kanagawa")
    NIIGATA = "15", _("Niigata")
    TOYAMA = "16", _("Toyama")
    ISHIKAWA = "17", _("Ishikawa")
    FUKUI = "18", _("Fukui")
    YAMANASHI = "19", _("Yamanashi")
    NAGANO = "20", _("Nagano")
    GIFU = "21", _("Gifu")
    SHIZUOKA = "22", _("Shizuoka")
    AICHI = "23", _("Aichi")
    MIE = "24", _("Mie")
    SHIGA = "25", _("Shiga")
    KYOTO = "26", _("Kyoto")
    OSAKA = "27", _("Osaka")
    HYOGO = "28", _("Hyogo")
    NARA = "29", _("Nara")
    WAKAYAMA = "30", _("Wakayama")
    TOTTORI = "31", _("Tottori")
    SHIMANE = "32", _("Shimane")
    OKAYAMA = "33", _("Okayama")
    HIROSHIMA = "34", _("Hiroshima")
    YAMAGUCHI = "35", _("Yamaguchi")
    TOKUSHIMA = "36", _("Tokushima")
    KAGAWA = "37", _("Kagawa")
    EHIME = "38", _("Ehime")
    KOCHI = "39", _("Kochi")
    FUKUOKA = "40", _("Fukuoka")
    SAGA = "41", _("Saga")
    NAGASAKI = "42", _("Nagasaki")
    KUMAMOTO = "43", _("Kumamoto")
    OITA = "44", _("Oita")
    MIYAZAKI = "45", _("Miyazaki")
    KAGOSHIMA = "46", _("Kagoshima")
    OKINAWA = "47", _("Okinawa")


# Django's get_prefecture_display() rebuilds and translates all 47 labels on every call; one lookup is enough.
_LABELS = dict(Prefecture.choices)


def prefecture_label(code: str) -> str:
    return str(_LABELS.get(code, ""))
