"""Billing settings: administrators edit them on a page and through the API; bad input changes nothing."""

import pytest
from django.urls import reverse

from billing.models import BillingSettings
from billing.services.invoices import billing_settings_get, billing_settings_update
from members.validators import corporate_number_check_digit

pytestmark = pytest.mark.django_db

BASE = "801234567890"
GOOD_NUMBER = f"T{corporate_number_check_digit(BASE)}{BASE}"
WRONG_CHECK_DIGIT = f"T{(corporate_number_check_digit(BASE) + 1) % 10}{BASE}"

FORM = {
    "issuer_name": "一般社団法人 多摩産業クラスター協会",
    "issuer_postal_code": "190-0012",
    "issuer_address": "東京都立川市曙町1-1-1",
    "issuer_phone": "042-000-0000",
    "registration_number": GOOD_NUMBER,
    "bank_account": "多摩信用金庫 本店 普通 1234567",
    "tax_rounding": "half_up",
    "payment_terms_days": "45",
    "reminder_steps": "14, 30, 60",
    "short_payment_tolerance": "880",
}


@pytest.fixture
def saved(users):
    """Settings already saved once, so a refused change can be seen to leave them as they were."""
    data = {**FORM, "payment_terms_days": 30, "reminder_steps": [14, 30], "short_payment_tolerance": 660}
    return billing_settings_update(actor=users["administrator"], data=data)


def snapshot() -> dict:
    settings = BillingSettings.objects.get(pk=1)
    return {name: getattr(settings, name) for name in FORM} | {"history": settings.history.count()}


def test_the_administrator_edits_the_settings_on_the_page(client_for, users, saved):
    client = client_for("administrator")
    page = client.get(reverse("billing-settings"))
    assert page.status_code == 200
    assert 'value="14, 30"' in page.content.decode()
    assert "適格請求書発行事業者登録番号" in page.content.decode()

    response = client.post(reverse("billing-settings"), {**FORM, "reminder_steps": "60、14 30"})

    assert response.status_code == 302
    settings = billing_settings_get()
    assert settings.reminder_steps == [14, 30, 60]
    assert (settings.payment_terms_days, settings.tax_rounding, settings.registration_number) == (
        45,
        "half_up",
        GOOD_NUMBER,
    )
    assert settings.history.first().history_user == users["administrator"]


def test_a_registration_number_typed_in_full_width_with_hyphens_is_accepted(client_for, saved):
    typed = "ｔ" + "".join(chr(ord(d) + 0xFEE0) for d in GOOD_NUMBER[1:5]) + "-" + GOOD_NUMBER[5:]

    client_for("administrator").post(reverse("billing-settings"), {**FORM, "registration_number": typed})

    assert billing_settings_get().registration_number == GOOD_NUMBER


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("registration_number", WRONG_CHECK_DIGIT, "登録番号のチェックディジットが正しくありません"),
        ("registration_number", "T12345", "登録番号は「T」と13桁の数字です"),
        ("short_payment_tolerance", "-100", "0 以上"),
        ("reminder_steps", "abc", "督促の時期は、日数をカンマ区切りの整数で入力してください"),
        ("reminder_steps", "14, 400", "督促の時期は1〜365の日数（整数）で指定してください"),
        ("payment_terms_days", "0", "1 以上"),
    ],
)
def test_bad_input_on_the_page_gets_a_message_and_changes_nothing(client_for, saved, field, value, message):
    before = snapshot()

    response = client_for("administrator").post(reverse("billing-settings"), {**FORM, field: value})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert snapshot() == before


def test_secretariat_may_not_open_the_settings_page(client_for, saved):
    client = client_for("secretariat")
    assert client.get(reverse("billing-settings")).status_code == 403
    assert client.post(reverse("billing-settings"), FORM).status_code == 403
    assert billing_settings_get().payment_terms_days == 30


def test_staff_read_the_settings_through_the_api(api_client_for, saved):
    response = api_client_for("secretariat").get(reverse("api-billing-settings"))

    assert response.status_code == 200
    assert response.json() == {
        "issuer_name": FORM["issuer_name"],
        "issuer_postal_code": "190-0012",
        "issuer_address": FORM["issuer_address"],
        "issuer_phone": "042-000-0000",
        "registration_number": GOOD_NUMBER,
        "bank_account": FORM["bank_account"],
        "tax_rounding": "half_up",
        "payment_terms_days": 30,
        "reminder_steps": [14, 30],
        "short_payment_tolerance": 660,
    }


@pytest.mark.parametrize("role", ["coordinator", "member", "bank", "evaluator"])
def test_others_cannot_read_the_settings_through_the_api(api_client_for, saved, role):
    assert api_client_for(role).get(reverse("api-billing-settings")).status_code == 403


def test_the_administrator_changes_some_fields_through_the_api(api_client_for, saved, users):
    response = api_client_for("administrator").patch(
        reverse("api-billing-settings"), {"reminder_steps": [30, 7], "short_payment_tolerance": 0}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["reminder_steps"] == [7, 30]
    settings = billing_settings_get()
    assert (settings.reminder_steps, settings.short_payment_tolerance, settings.payment_terms_days) == ([7, 30], 0, 30)
    assert settings.history.first().history_user == users["administrator"]


@pytest.mark.parametrize("role", ["secretariat", "coordinator", "member"])
def test_only_the_administrator_changes_settings_through_the_api(api_client_for, saved, role):
    response = api_client_for(role).patch(reverse("api-billing-settings"), {"payment_terms_days": 10}, format="json")
    assert response.status_code == 403
    assert billing_settings_get().payment_terms_days == 30


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"registration_number": WRONG_CHECK_DIGIT}, "registration_number"),
        ({"short_payment_tolerance": -1}, "short_payment_tolerance"),
        ({"reminder_steps": ["abc"]}, "reminder_steps"),
        ({"reminder_steps": "abc"}, "reminder_steps"),
        ({"reminder_steps": [0, 14]}, "reminder_steps"),
        ({"tax_rounding": "banker"}, "tax_rounding"),
        ({"payment_terms_days": 14, "registration_number": "T123"}, "registration_number"),
    ],
)
def test_bad_input_through_the_api_answers_400_and_changes_nothing(api_client_for, saved, data, field):
    before = snapshot()

    response = api_client_for("administrator").patch(reverse("api-billing-settings"), data, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert snapshot() == before


def test_wrong_check_digit_message_through_the_api_is_in_the_callers_language(api_client_for, saved):
    response = api_client_for("administrator").patch(
        reverse("api-billing-settings"),
        {"registration_number": WRONG_CHECK_DIGIT},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.json() == {
        "registration_number": ["This registration number's check digit is wrong; please check it."]
    }
