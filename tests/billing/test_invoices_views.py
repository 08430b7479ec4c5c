"""Invoice and run pages as staff and members see them (Japanese, the default language)."""

import pytest
from django.urls import reverse

from billing.models import Invoice, InvoiceRun, InvoiceStatus
from tests.billing.test_runs import load_scenario
from tests.factories import OrganizationFactory, invoice_issued

pytestmark = pytest.mark.django_db


def test_preview_shows_who_is_billed_and_why_in_japanese(client_for):
    load_scenario()
    page = client_for("secretariat").get(reverse("invoice-run-preview"), {"fiscal_year": 2026}).content.decode()
    assert "2026年度の請求" in page
    assert "株式会社多摩精密" in page and "中小企業 ¥70,000" in page
    assert "創業3年以内の特例" in page
    assert Invoice.objects.count() == 0


def test_preview_of_an_unknown_year_says_so(client_for):
    response = client_for("secretariat").get(reverse("invoice-run-preview"), {"fiscal_year": 1990}, follow=True)
    assert "1990" in response.content.decode() and "年度" in response.content.decode()


def test_starting_a_run_from_the_page_issues_and_shows_progress(client_for, django_capture_on_commit_callbacks):
    load_scenario()
    client = client_for("secretariat")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("invoice-run-create"), {"fiscal_year": 2026})
    run = InvoiceRun.objects.get()
    assert response.url == reverse("invoice-run-detail", args=[run.pk])
    page = client.get(response.url).content.decode()
    assert "完了" in page and f"{run.created_count} / {run.total}" not in page
    progress = client.get(response.url, headers={"HX-Request": "true"}).content.decode()
    assert 'value="100"' in progress and "hx-trigger" not in progress  # finished: polling stops


def test_list_search_finds_the_organisation_by_half_width_kana(client_for, member_org, other_org):
    invoice_issued(member_org, 70000)
    invoice_issued(other_org, 490000)
    staff_page = client_for("secretariat").get(reverse("invoice-list"), {"q": "ｻｶﾞﾐﾊﾗ"}).content.decode()
    assert "相模原電機株式会社" in staff_page and "株式会社多摩精密" not in staff_page


def test_member_list_shows_only_own_invoices(client_for, member_org, other_org):
    own = invoice_issued(member_org, 70000)
    invoice_issued(other_org, 490000)
    page = client_for("member").get(reverse("invoice-list")).content.decode()
    assert own.number in page and "相模原電機株式会社" not in page


def test_draft_issue_and_credit_from_the_pages(client_for):
    organization = OrganizationFactory(name="株式会社府中工業")
    client = client_for("secretariat")
    data = {
        "organization": organization.pk,
        "note": "",
        "lines-TOTAL_FORMS": 3, "lines-INITIAL_FORMS": 0, "lines-MIN_NUM_FORMS": 1, "lines-MAX_NUM_FORMS": 20,
        "lines-0-description": "認証マーク使用料", "lines-0-quantity": 1, "lines-0-unit_price": 60000,
        "lines-0-tax_category": "standard_10",
        # An untouched extra row, as the browser posts it: skipped.
        "lines-1-description": "", "lines-1-quantity": 1, "lines-1-unit_price": "",
        "lines-1-tax_category": "out_of_scope",
        "lines-2-description": "", "lines-2-quantity": 1, "lines-2-unit_price": "",
        "lines-2-tax_category": "out_of_scope",
    }  # fmt: skip
    response = client.post(reverse("invoice-create"), data)
    draft = Invoice.objects.get()
    assert response.url == reverse("invoice-detail", args=[draft.pk])
    assert (draft.status, draft.total, draft.number) == (InvoiceStatus.DRAFT, 66000, None)
    client.post(reverse("invoice-issue", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == InvoiceStatus.ISSUED and draft.number

    response = client.post(
        reverse("invoice-credit", args=[draft.pk]),
        {
            "credit-reason": "誤り",
            "credit-description": "取消",
            "credit-amount": 100000,
            "credit-tax_category": "standard_10",
        },
        follow=True,
    )
    assert "残り" in response.content.decode() or "¥66,000" in response.content.decode()
    assert Invoice.objects.count() == 1
