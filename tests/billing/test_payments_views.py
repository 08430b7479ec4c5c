"""The payment, statement and reconciliation pages, in Japanese, with htmx where the queue uses it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.models import Allocation, BankStatement, BankStatementLine, InvoiceStatus, MatchState, PayerAlias, Payment
from billing.services.statements import bank_statement_import
from tests.billing.zengin import Entry, zengin_file
from tests.factories import OrganizationFactory, invoice_issued

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def staff(client_for):
    return client_for("secretariat")


def messages_of(response):
    return [str(message) for message in response.context["messages"]] if response.context else []


def test_payment_list_filters_unallocated(staff, member_org, other_org):
    Payment.objects.create(organization=member_org, received_on="2026-05-20", amount=1000, payer_name="ﾀﾏ")
    Payment.objects.create(
        organization=other_org, received_on="2026-05-21", amount=2000, amount_allocated=2000, payer_name="ｻｶﾞﾐ"
    )
    response = staff.get("/billing/payments/", {"unallocated": "on"})
    assert response.status_code == 200
    assert [p.amount for p in response.context["page"]] == [1000]
    assert "支払" in response.text or "入金" in response.text
    response = staff.get("/billing/payments/", {"q": "たませいみつ"})
    assert [p.amount for p in response.context["page"]] == [1000]


def test_record_a_payment_searching_the_organisation_and_ticking_its_invoice(staff, member_org):
    invoice = invoice_issued(member_org, 70000)
    choices = staff.get("/billing/payments/new/", {"q": "ﾀﾏｾｲ"}, **HTMX)
    assert "株式会社多摩精密" in choices.text and "<html" not in choices.text
    fields = staff.get("/billing/payments/new/", {"organization": member_org.pk}, **HTMX)
    assert invoice.number in fields.text
    response = staff.post(
        "/billing/payments/new/",
        {"organization": member_org.pk, "received_on": "2026-05-20", "amount": "30000", "method": "bank_transfer",
         f"alloc-pay_{invoice.pk}": "on", f"alloc-amount_{invoice.pk}": "30000"},
    )  # fmt: skip
    payment = Payment.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/billing/payments/{payment.pk}/"
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PARTIALLY_PAID


def test_a_negative_amount_shows_the_message_and_records_nothing(staff, member_org):
    response = staff.post(
        "/billing/payments/new/",
        {"organization": member_org.pk, "received_on": "2026-05-20", "amount": "-500", "method": "cash"},
    )
    assert response.status_code == 200
    assert "マイナス" in response.text
    assert not Payment.objects.exists()


def test_a_ticked_invoice_without_amount_is_an_error_beside_it(staff, member_org):
    invoice = invoice_issued(member_org, 70000)
    response = staff.post(
        "/billing/payments/new/",
        {"organization": member_org.pk, "received_on": "2026-05-20", "amount": "100", "method": "cash",
         f"alloc-pay_{invoice.pk}": "on"},
    )  # fmt: skip
    assert response.status_code == 200 and response.context["allocation_form"].errors
    assert not Payment.objects.exists()


def test_payment_page_offers_to_accept_a_short_payment(staff, member_org):
    invoice = invoice_issued(member_org, 70000)
    payment = Payment.objects.create(organization=member_org, received_on="2026-05-20", amount=69340, payer_name="ﾀﾏ")
    page = staff.get(f"/billing/payments/{payment.pk}/")
    assert page.context["short_candidates"] == [(invoice, 660)]
    response = staff.post(f"/billing/payments/{payment.pk}/accept-short/", {"invoice": invoice.pk}, follow=True)
    assert "660" in messages_of(response)[0]
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID


def test_allocating_more_than_the_payment_is_refused_with_a_message(staff, member_org):
    invoice = invoice_issued(member_org, 70000)
    payment = Payment.objects.create(organization=member_org, received_on="2026-05-20", amount=1000, payer_name="ﾀﾏ")
    response = staff.post(
        f"/billing/payments/{payment.pk}/allocate/",
        {f"alloc-pay_{invoice.pk}": "on", f"alloc-amount_{invoice.pk}": "2000"},
        follow=True,
    )
    assert "¥1,000" in messages_of(response)[0]
    assert not Allocation.objects.exists()


def test_payment_without_organisation_is_searched_and_allocated_from_its_page(staff, member_org):
    invoice = invoice_issued(member_org, 70000)
    payment = Payment.objects.create(received_on="2026-05-20", amount=70000, payer_name="ﾀﾏｾｲﾐﾂ")
    page = staff.get(f"/billing/payments/{payment.pk}/").content.decode()
    assert 'id="organization-search"' in page
    choices = staff.get("/billing/payments/new/", {"q": "ﾀﾏｾｲ"}, **HTMX).content.decode()
    assert "株式会社多摩精密" in choices
    staff.post(
        f"/billing/payments/{payment.pk}/allocate/",
        {"organization": member_org.pk, f"alloc-pay_{invoice.pk}": "on", f"alloc-amount_{invoice.pk}": "70000"},
    )
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert payment.organization == member_org and payment.amount_allocated == 70000
    assert invoice.status == InvoiceStatus.PAID


def test_upload_a_statement_and_the_same_file_again(staff, member_org):
    invoice_issued(member_org, 70000)
    content = zengin_file([Entry(70000, "ｶ)ﾀﾏｾｲﾐﾂ"), Entry(3000, "ﾌﾒｲ")])
    response = staff.post("/billing/statements/", {"file": SimpleUploadedFile("nyukin.txt", content)}, follow=True)
    statement = BankStatement.objects.get()
    assert response.redirect_chain[-1][0] == f"/billing/statements/{statement.pk}/"
    assert "ｶ)ﾀﾏｾｲﾐﾂ" in response.text
    again = staff.post("/billing/statements/", {"file": SimpleUploadedFile("copy.txt", content)}, follow=True)
    assert "取り込み済み" in messages_of(again)[0]
    assert BankStatement.objects.count() == 1 and Payment.objects.count() == 2


def test_a_bad_file_shows_the_reason_and_writes_nothing(staff):
    content = zengin_file([Entry(70000, "ﾀﾏ")]).replace(b"000000070000", b"000000070001")
    response = staff.post("/billing/statements/", {"file": SimpleUploadedFile("bad.txt", content)})
    assert response.status_code == 400
    assert "トレーラ" in response.text
    assert not BankStatement.objects.exists() and not Payment.objects.exists()


def test_queue_shows_suggestions_and_a_match_is_confirmed_in_place(staff, member_org):
    first, second = invoice_issued(member_org, 70000, tag="a"), invoice_issued(member_org, 70000, tag="b")
    bank_statement_import(actor=None, filename="a.txt", content=zengin_file([Entry(70000, "ｶ)ﾀﾏｾｲﾐﾂ")]))
    line = BankStatementLine.objects.get()
    page = staff.get("/billing/reconciliation/")
    assert first.number in page.text and second.number in page.text
    assert "カナ" in page.text  # the reason, in Japanese
    response = staff.post(
        f"/billing/deposits/{line.pk}/match/",
        {"organization": member_org.pk, f"d{line.pk}-pay_{second.pk}": "on", f"d{line.pk}-amount_{second.pk}": "70000"},
        **HTMX,
    )
    assert response.status_code == 200 and "<html" not in response.text
    assert f'id="deposit-{line.pk}"' in response.text
    line.refresh_from_db()
    assert line.state == MatchState.MATCHED
    assert PayerAlias.objects.get().organization == member_org
    second.refresh_from_db()
    assert second.status == InvoiceStatus.PAID


def test_queue_row_errors_come_back_in_place(staff, member_org):
    invoice = invoice_issued(member_org, 70000)
    bank_statement_import(actor=None, filename="a.txt", content=zengin_file([Entry(1000, "ﾌﾒｲ")]))
    line = BankStatementLine.objects.get()
    response = staff.post(
        f"/billing/deposits/{line.pk}/match/",
        {
            "organization": member_org.pk,
            f"d{line.pk}-pay_{invoice.pk}": "on",
            f"d{line.pk}-amount_{invoice.pk}": "5000",
        },
        **HTMX,
    )
    assert response.status_code == 200 and 'role="alert"' in response.text
    line.refresh_from_db()
    assert line.state == MatchState.QUEUED and not Allocation.objects.exists()


def test_choosing_another_organisation_in_the_queue(staff, member_org):
    hino = OrganizationFactory(name="株式会社日野製作所", name_kana="ヒノセイサクシヨ")
    invoice = invoice_issued(hino, 5500)
    bank_statement_import(actor=None, filename="a.txt", content=zengin_file([Entry(5500, "ﾌﾒｲ ﾀﾛｳ")]))
    line = BankStatementLine.objects.get()
    found = staff.get(f"/billing/deposits/{line.pk}/match/", {"q": "ひの"}, **HTMX)
    assert "株式会社日野製作所" in found.text
    row = staff.get(f"/billing/deposits/{line.pk}/match/", {"organization": hino.pk}, **HTMX)
    assert invoice.number in row.text


def test_ignore_a_deposit_in_the_queue(staff):
    bank_statement_import(actor=None, filename="a.txt", content=zengin_file([Entry(120, "ﾘｿｸ")]))
    line = BankStatementLine.objects.get()
    response = staff.post(f"/billing/deposits/{line.pk}/ignore/", {f"i{line.pk}-reason": "預金利息"}, **HTMX)
    assert response.status_code == 200
    line.refresh_from_db()
    assert line.state == MatchState.IGNORED


def test_queue_page_queries_do_not_grow_with_suggestions(staff, member_org):
    def queue_queries():
        staff.get("/billing/reconciliation/")  # first request settles session and cache reads
        with CaptureQueriesContext(connection) as queries:
            assert staff.get("/billing/reconciliation/").status_code == 200
        return len(queries)

    def add_deposits(start, count):
        for i in range(start, start + count):
            invoice_issued(OrganizationFactory(name_kana=f"カイシヤ{i}"), 1000 + i, tag=str(i))
            invoice_issued(OrganizationFactory(name_kana=f"カイシヤ{i}"), 1000 + i, tag=f"{i}b")
        entries = [Entry(1000 + i, f"ｶｲｼﾔ{i}") for i in range(start, start + count)]
        bank_statement_import(actor=None, filename=f"{start}.txt", content=zengin_file(entries))

    add_deposits(0, 1)
    few = queue_queries()
    add_deposits(1, 9)
    assert queue_queries() == few


def test_queue_preselects_only_what_leaves_no_doubt(staff, member_org, other_org):
    invoice_issued(member_org, 70000, tag="a")
    invoice_issued(member_org, 70000, tag="b")
    short = invoice_issued(other_org, 33000)
    entries = [Entry(70000, "ｶ)ﾀﾏｾｲﾐﾂ"), Entry(32340, "ｻｶﾞﾐﾊﾗﾃﾞﾝｷ(ｶ")]
    bank_statement_import(actor=None, filename="a.txt", content=zengin_file(entries))
    rows = {row["line"].amount: row for row in staff.get("/billing/reconciliation/").context["rows"]}
    ambiguous = rows[70000]["allocation_form"]
    assert not any(ambiguous[f"pay_{invoice.pk}"].initial for invoice in ambiguous.invoices)
    short_form = rows[32340]["allocation_form"]
    assert short_form[f"pay_{short.pk}"].initial is True
    assert short_form[f"amount_{short.pk}"].initial == 32340
    assert short_form["bank_fee_for"].initial == short.pk
