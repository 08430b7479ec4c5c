"""The payments, bank statements and deposits API: staff only, clear 400s, nothing changed by a refusal."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from billing.models import Allocation, BankStatement, InvoiceStatus, MatchState, PayerAlias, Payment
from tests.billing.zengin import Entry, zengin_file
from tests.factories import invoice_issued

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def api(api_client_for):
    client = api_client_for("secretariat")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def upload(client, content, name="nyukin.txt"):
    return client.post("/api/bank-statements/", {"file": SimpleUploadedFile(name, content)}, format="multipart")


def test_record_a_payment_with_allocations(api, member_org):
    invoice = invoice_issued(member_org, 70000)
    response = api.post(
        "/api/payments/",
        {"organization": member_org.pk, "received_on": "2026-05-20", "amount": 80000, "method": "bank_transfer",
         "allocations": [{"invoice": invoice.pk, "amount": 70000}]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201
    body = response.json()
    assert (body["amount_allocated"], body["unallocated"], body["payer_name"]) == (70000, 10000, "株式会社多摩精密")
    assert body["allocations"][0]["invoice_number"] == invoice.number
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID


def test_negative_amount_is_a_clear_400_and_nothing_is_recorded(api, member_org):
    response = api.post(
        "/api/payments/", {"organization": member_org.pk, "received_on": "2026-05-20", "amount": -70000}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "An amount cannot be negative (¥-70,000)."
    assert not Payment.objects.exists()


def test_allocating_more_than_the_payment_rolls_back_the_whole_request(api, member_org):
    invoice = invoice_issued(member_org, 70000)
    response = api.post(
        "/api/payments/",
        {"organization": member_org.pk, "received_on": "2026-05-20", "amount": 50000,
         "allocations": [{"invoice": invoice.pk, "amount": 60000}]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert "more than" in response.json()["detail"]
    assert not Payment.objects.exists() and not Allocation.objects.exists()


def test_unknown_invoice_is_a_400(api, member_org):
    response = api.post(
        "/api/payments/",
        {"organization": member_org.pk, "received_on": "2026-05-20", "amount": 1,
         "allocations": [{"invoice": 999999, "amount": 1}]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400 and "999999" in response.json()["detail"]


def test_allocate_later_and_accept_a_short_payment(api, member_org):
    invoice = invoice_issued(member_org, 70000)
    other = invoice_issued(member_org, 5500, tag="event")
    payment = api.post(
        "/api/payments/", {"organization": member_org.pk, "received_on": "2026-05-20", "amount": 74840}, format="json"
    ).json()
    url = f"/api/payments/{payment['id']}/allocations/"
    response = api.post(url, {"allocations": [{"invoice": other.pk, "amount": 5500}]}, format="json")
    assert response.status_code == 201 and response.json()["unallocated"] == 69340
    response = api.post(url, {"bank_fee_for": invoice.pk}, format="json")
    assert response.status_code == 201
    assert response.json()["allocations"][-1]["bank_fee"] == 660
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert api.get(f"/api/payments/{payment['id']}/").json()["unallocated"] == 0


def test_list_filters_unallocated_and_organisation(api, member_org, other_org):
    for organization, amount in ((member_org, 1000), (other_org, 2000)):
        api.post(
            "/api/payments/", {"organization": organization.pk, "received_on": "2026-05-20", "amount": amount},
            format="json",
        )  # fmt: skip
    body = api.get("/api/payments/", {"organization": other_org.pk, "unallocated": "true"}).json()
    assert [row["amount"] for row in body["results"]] == [2000]
    assert api.get("/api/payments/", {"organization": "x"}).status_code == 400


def test_upload_a_statement_then_the_same_file_again(api, member_org):
    invoice_issued(member_org, 70000)
    content = zengin_file([Entry(70000, "ｶ)ﾀﾏｾｲﾐﾂ"), Entry(3000, "ﾌﾒｲ")])
    response = upload(api, content)
    assert response.status_code == 201
    body = response.json()
    assert (body["new_count"], body["auto_allocated_count"], body["queued_count"], body["already_imported"]) == (
        2, 1, 1, False,
    )  # fmt: skip
    again = upload(api, content, name="copy.txt")
    assert again.status_code == 200
    assert again.json()["id"] == body["id"] and again.json()["already_imported"] is True
    assert BankStatement.objects.count() == 1 and Payment.objects.count() == 2
    assert api.get(f"/api/bank-statements/{body['id']}/").json()["queued_count"] == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (zengin_file([Entry(70000, "ﾀﾏ")], line_breaks=False)[:-1], "truncated"),
        (zengin_file([Entry(70000, "ｶ)ﾀﾏｾｲﾐﾂ")]).decode("cp932").encode("utf-8"), "UTF-8"),
    ],
)
def test_a_bad_file_is_a_400_with_the_reason(api, content, message):
    response = upload(api, content)
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert not BankStatement.objects.exists() and not Payment.objects.exists()


def test_queued_deposits_and_matching_one(api, member_org):
    first, second = invoice_issued(member_org, 70000, tag="a"), invoice_issued(member_org, 70000, tag="b")
    upload(api, zengin_file([Entry(70000, "ｶ)ﾀﾏｾｲﾐﾂ")]))
    queued = api.get("/api/deposits/", {"state": "queued"}).json()["results"]
    assert len(queued) == 1
    deposit = queued[0]
    assert {s["invoice"] for s in deposit["suggestions"]} == {first.pk, second.pk}
    assert api.get("/api/deposits/", {"state": "nonsense"}).status_code == 400
    response = api.post(
        f"/api/deposits/{deposit['id']}/match/",
        {"organization": member_org.pk, "allocations": [{"invoice": second.pk, "amount": 70000}]},
        format="json",
    )
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["organization"]) == (MatchState.MATCHED, member_org.pk)
    assert PayerAlias.objects.filter(organization=member_org).exists()
    again = api.post(f"/api/deposits/{deposit['id']}/match/", {"organization": member_org.pk}, format="json")
    assert again.status_code == 400 and "dealt with already" in again.json()["detail"]


def test_ignore_a_deposit(api):
    upload(api, zengin_file([Entry(120, "ﾘｿｸ")]))
    deposit = api.get("/api/deposits/").json()["results"][0]
    response = api.post(f"/api/deposits/{deposit['id']}/ignore/", {"reason": "預金利息"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == MatchState.IGNORED


@pytest.mark.parametrize(("role", "expected"), [(None, 401), ("member", 403), ("bank", 403), ("coordinator", 403)])
def test_only_staff_may_upload_or_record(api_client_for, member_org, role, expected):
    client = api_client_for(role)
    assert upload(client, zengin_file([Entry(1000, "ﾀﾏ")])).status_code == expected
    assert client.post("/api/payments/", {}, format="json").status_code == expected
    assert not BankStatement.objects.exists()
