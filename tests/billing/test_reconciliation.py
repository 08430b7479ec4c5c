"""Matching deposits to open invoices: the payer key, the matcher's rules, and the import that applies them."""

import pytest
from django.utils import translation

from billing.models import Allocation, BankStatementLine, InvoiceStatus, MatchState, PayerAlias, Payment
from billing.reconciliation import (
    REASON_ALIAS,
    REASON_AMOUNT_ONLY,
    REASON_EXACT,
    REASON_KANA,
    REASON_NUMBER,
    REASON_SHORT,
    REASON_SUM,
    Matcher,
    OpenInvoice,
    invoice_numbers_in,
    payer_key,
)
from billing.services.statements import bank_statement_import, deposit_match
from tests.billing.zengin import Entry, zengin_file
from tests.factories import OrganizationFactory, UserFactory, invoice_issued


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("ｶ)ﾀﾏｾｲﾐﾂ", "タマセイミツ"),
        ("(ｶ)ﾀﾏｾｲﾐﾂ", "タマセイミツ"),
        ("ﾀﾏｾｲﾐﾂ(ｶ", "タマセイミツ"),
        ("ｶ) ﾀﾏ ｾｲﾐﾂ", "タマセイミツ"),
        ("タマセイミツ", "タマセイミツ"),
        ("たませいみつ", "タマセイミツ"),
        ("ｷﾔﾉﾝ", "キヤノン"),
        ("キャノン", "キヤノン"),
        ("ﾕ)ﾋﾉｺｳｷﾞﾖｳ", "ヒノコウギヨウ"),
        ("ｼﾔ)ﾀﾏｻﾝｷﾞﾖｳｼﾝｺｳｷﾖｳｶｲ", "タマサンギヨウシンコウキヨウカイ"),
        ("ｻﾞｲ)ﾀﾏｷﾞｼﾞﾕﾂｻﾞｲﾀﾞﾝ", "タマギジユツザイダン"),
        ("ｲ)ﾀﾏｸﾘﾆﾂｸ", "タマクリニツク"),
        ("ｶﾞｸ)ﾀﾏｺｳｷﾞﾖｳﾀﾞｲｶﾞｸ", "タマコウギヨウダイガク"),
        ("ﾄﾞ)ﾐﾗｲﾗﾎﾞ", "ミライラボ"),
        ("ｺﾝﾋﾟﾕｰﾀｰｻｰﾋﾞｽ", "コンピユタサビス"),
        ("2026-00012 ｶ)ﾀﾏｾｲﾐﾂ", "タマセイミツ"),
        ("カブシキガイシャタマセイミツ", "タマセイミツ"),
        ("株式会社多摩精密", "多摩精密"),
        ("多摩精密㈱", "多摩精密"),
    ],
)
def test_payer_key_folds_the_bank_forms(written, key):
    assert payer_key(written) == key


def test_a_name_is_not_cut_where_the_kana_only_looks_like_an_abbreviation():
    # カ at the start without a bracket is part of the name (カシオ), not 株式会社.
    assert payer_key("ｶｼｵｹｲｻﾝｷ") == "カシオケイサンキ"


def test_invoice_numbers_with_or_without_hyphen_and_in_a_zero_filled_code():
    assert invoice_numbers_in("0202600012", "ｾｲｷﾕｳ 2026-00013", "202600014 ﾀﾏ") == {
        "2026-00012", "2026-00013", "2026-00014",
    }  # fmt: skip
    assert invoice_numbers_in("20261234567", "0422-12-3456", "C2026-00001") == set()


# -- the matcher, on plain data ------------------------------------------------------------------------------

TAMA, HINO, CANON = 1, 2, 3


def matcher(*invoices, aliases=None, tolerance=880):
    keys = {"タマセイミツ": [TAMA], "ヒノコウギヨウ": [HINO], "キヤノン": [CANON]}
    return Matcher(invoices, aliases or {}, keys, tolerance)


def by_invoice(decision):
    return {s["invoice"]: s["reasons"] for s in decision.suggestions}


def test_one_exact_fit_with_a_kana_match_is_allocated():
    decision = matcher(OpenInvoice(10, TAMA, "2026-00010", 70000)).decide(amount=70000, key="タマセイミツ", texts=[])
    assert decision.invoice is not None and decision.invoice.id == 10
    assert by_invoice(decision) == {10: [REASON_KANA, REASON_EXACT]}


def test_two_open_invoices_of_the_same_amount_for_one_payer_are_not_guessed():
    m = matcher(OpenInvoice(10, TAMA, "2026-00010", 70000), OpenInvoice(11, TAMA, "2026-00011", 70000))
    decision = m.decide(amount=70000, key="タマセイミツ", texts=[])
    assert decision.invoice is None
    assert by_invoice(decision) == {10: [REASON_KANA, REASON_EXACT], 11: [REASON_KANA, REASON_EXACT]}
    assert decision.organization_id == TAMA


def test_the_invoice_number_decides_between_invoices_of_the_same_amount():
    m = matcher(OpenInvoice(10, TAMA, "2026-00010", 70000), OpenInvoice(11, TAMA, "2026-00011", 70000))
    decision = m.decide(amount=70000, key="タマセイミツ", texts=["", "2026-00011", ""])
    assert decision.invoice is not None and decision.invoice.id == 11


def test_an_invoice_number_alone_identifies_the_payer():
    m = matcher(OpenInvoice(10, TAMA, "2026-00010", 70000))
    decision = m.decide(amount=70000, key="ﾔﾏﾀﾞﾀﾛｳ", texts=["0202600010"])
    assert decision.invoice is not None and by_invoice(decision) == {10: [REASON_NUMBER, REASON_EXACT]}


def test_a_remembered_alias_matches():
    m = matcher(OpenInvoice(20, HINO, "2026-00020", 35000), aliases={"ヒノセイサクシヨ": HINO})
    decision = m.decide(amount=35000, key="ヒノセイサクシヨ", texts=[])
    assert decision.invoice is not None and by_invoice(decision) == {20: [REASON_ALIAS, REASON_EXACT]}


def test_a_short_payment_is_suggested_never_allocated():
    m = matcher(OpenInvoice(10, TAMA, "2026-00010", 70000))
    decision = m.decide(amount=69340, key="タマセイミツ", texts=[])
    assert decision.invoice is None
    assert by_invoice(decision) == {10: [REASON_KANA, REASON_SHORT]}
    beyond = m.decide(amount=69000, key="タマセイミツ", texts=[])
    assert by_invoice(beyond) == {10: [REASON_KANA]}


def test_a_sum_of_open_invoices_is_suggested():
    m = matcher(
        OpenInvoice(10, TAMA, "2026-00010", 70000),
        OpenInvoice(11, TAMA, "2026-00011", 5500),
        OpenInvoice(12, TAMA, "2026-00012", 3300),
    )
    decision = m.decide(amount=75500, key="タマセイミツ", texts=[])
    assert decision.invoice is None
    assert by_invoice(decision) == {10: [REASON_KANA, REASON_SUM], 11: [REASON_KANA, REASON_SUM], 12: [REASON_KANA]}


def test_an_exact_fit_that_a_sum_could_also_explain_is_left_to_staff():
    m = matcher(
        OpenInvoice(10, TAMA, "2026-00010", 7000),
        OpenInvoice(11, TAMA, "2026-00011", 3500),
        OpenInvoice(12, TAMA, "2026-00012", 3500),
    )
    assert m.decide(amount=7000, key="タマセイミツ", texts=[]).invoice is None


def test_an_unknown_payer_gets_amount_suggestions_only_when_they_narrow_it_down():
    m = matcher(OpenInvoice(10, TAMA, "2026-00010", 70000), OpenInvoice(20, HINO, "2026-00020", 12345))
    decision = m.decide(amount=12345, key="ﾅﾆｶﾞｼ", texts=[])
    assert decision.invoice is None and by_invoice(decision) == {20: [REASON_AMOUNT_ONLY]}
    many = matcher(*(OpenInvoice(i, 100 + i, f"2026-{i:05d}", 70000) for i in range(10)))
    assert many.decide(amount=70000, key="ﾅﾆｶﾞｼ", texts=[]).suggestions == []


def test_a_second_deposit_for_an_invoice_already_matched_in_the_same_file_is_queued():
    m = matcher(OpenInvoice(10, TAMA, "2026-00010", 70000))
    assert m.decide(amount=70000, key="タマセイミツ", texts=[]).invoice is not None
    again = m.decide(amount=70000, key="タマセイミツ", texts=[])
    assert again.invoice is None and again.suggestions == []


# -- the import applying it ------------------------------------------------------------------------------------


@pytest.fixture
def staff():
    return UserFactory(username="keiri")


@pytest.mark.django_db
def test_bank_kana_with_company_abbreviation_auto_matches_the_one_open_invoice(member_org, staff):
    invoice = invoice_issued(member_org, 70000)
    statement = bank_statement_import(
        actor=staff, filename="nyukin.txt", content=zengin_file([Entry(70000, "ｶ)ﾀﾏｾｲﾐﾂ")])
    )
    assert (statement.auto_allocated_count, statement.queued_count) == (1, 0)
    line = BankStatementLine.objects.get(statement=statement)
    assert line.state == MatchState.AUTO and line.payer_key == "タマセイミツ"
    allocation = Allocation.objects.get(invoice=invoice)
    assert allocation.automatic and allocation.amount == 70000 and allocation.payment.organization == member_org
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and invoice.amount_paid == 70000
    # The audit history names who imported.
    assert allocation.history.get().history_user == staff
    assert invoice.history.first().history_user == staff
    assert Payment.history.filter(id=allocation.payment_id).latest().history_user == staff


@pytest.mark.django_db
def test_two_open_invoices_of_the_same_amount_are_queued_not_guessed(member_org, staff):
    first = invoice_issued(member_org, 70000, tag="a")
    second = invoice_issued(member_org, 70000, tag="b")
    statement = bank_statement_import(actor=staff, filename="a.txt", content=zengin_file([Entry(70000, "ｶ)ﾀﾏｾｲﾐﾂ")]))
    assert (statement.auto_allocated_count, statement.queued_count) == (0, 1)
    line = BankStatementLine.objects.get(statement=statement)
    assert line.state == MatchState.QUEUED
    assert {s["invoice"] for s in line.suggestions} == {first.pk, second.pk}
    assert not Allocation.objects.exists()
    assert line.payment.organization is None


@pytest.mark.django_db
def test_a_manual_match_remembers_the_alias_and_the_next_file_matches_by_itself(member_org, staff):
    first = invoice_issued(member_org, 70000, tag="2026")
    content = zengin_file([Entry(70000, "ﾀﾏｾｲﾐﾂｺｳｷﾞﾖｳ ｹｲﾘﾌﾞ", inquiry_number=1)])
    statement = bank_statement_import(actor=staff, filename="1.txt", content=content)
    line = BankStatementLine.objects.get(statement=statement)
    assert line.state == MatchState.QUEUED
    deposit_match(actor=staff, line=line, organization=member_org, allocations=[(first, 70000)])
    assert PayerAlias.objects.get(payer_key="タマセイミツコウギヨウケイリブ").organization == member_org
    line.refresh_from_db()
    assert line.state == MatchState.MATCHED

    second = invoice_issued(member_org, 5500, tag="event")
    content = zengin_file([Entry(5500, "ﾀﾏｾｲﾐﾂｺｳｷﾞﾖｳ ｹｲﾘﾌﾞ", inquiry_number=2)])
    statement = bank_statement_import(actor=staff, filename="2.txt", content=content)
    assert statement.auto_allocated_count == 1
    assert Allocation.objects.get(invoice=second).automatic


@pytest.mark.django_db
def test_invoice_number_in_the_edi_field_matches_a_payer_whose_name_is_unknown(staff):
    invoice = invoice_issued(OrganizationFactory(name_kana="ヤマダシヨウテン"), 33000)
    content = zengin_file([Entry(33000, "ﾔﾏﾀﾞ ﾀﾛｳ", edi_info=invoice.number)], kind="03")
    statement = bank_statement_import(actor=staff, filename="edi.txt", content=content)
    assert statement.auto_allocated_count == 1


@pytest.mark.django_db
def test_a_csv_payer_in_kanji_matches_the_organisation_name(staff):
    organization = OrganizationFactory(name="株式会社日野製作所", name_kana="ヒノセイサクシヨ")
    invoice_issued(organization, 12000)
    content = "2026/05/20,12000,日野製作所（株）\n".encode()
    assert bank_statement_import(actor=staff, filename="a.csv", content=content).auto_allocated_count == 1
