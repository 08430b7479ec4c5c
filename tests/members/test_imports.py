"""Import of the secretariat's member list: parsing, row checks, the preview/confirm pages and the bulk apply."""

import csv
import datetime
import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from clusternet.core.exceptions import ApplicationError
from members.imports import (
    RowPlan,
    import_counts,
    import_file_parse,
    import_rows_check,
    import_template_csv,
    organization_import_apply,
)
from members.models import Contact, Membership, MembershipStatus, MembershipTransition, Organization
from tests.factories import ContactFactory, MembershipFactory, OrganizationFactory, corporate_number

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HEADERS = ["名称", "フリガナ", "種別", "法人番号", "取込キー", "都道府県", "市区町村", "資本金", "従業員数", "入会日"]
NUMBER_A = corporate_number(700_001)
NUMBER_B = corporate_number(700_002)


def _row(**values: str) -> dict[str, str]:
    base = {
        "名称": "株式会社府中精工",
        "フリガナ": "フチュウセイコウ",
        "種別": "企業",
        "法人番号": NUMBER_A,
        "都道府県": "東京都",
        "市区町村": "府中市",
        "資本金": "30,000,000",
        "従業員数": "45",
        "入会日": "2019/4/1",
    }
    base.update(values)
    return base


def _csv(rows: list[dict[str, str]], *, headers: list[str] = HEADERS, encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=headers, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def _check(rows: list[dict[str, str]], **kwargs):
    return import_rows_check(import_file_parse(_csv(rows, **kwargs), filename="members.csv"))


def _two_firms() -> list[dict[str, str]]:
    return [
        _row(),
        _row(名称="多摩大学", フリガナ="たまだいがく", 種別="大学・研究機関", 法人番号="", 取込キー="U-01", 資本金=""),
    ]


# --- Parsing ----------------------------------------------------------------------------------


def test_utf8_csv_with_bom_maps_japanese_headers_and_values():
    rows = _check(_two_firms())
    assert [r.plan for r in rows] == [RowPlan.CREATE, RowPlan.CREATE]
    firm, university = rows
    assert firm.organization["corporate_number"] == NUMBER_A
    assert firm.organization["kind"] == "firm"
    assert firm.organization["prefecture"] == "13"
    assert firm.organization["capital"] == 30_000_000
    assert firm.joined_on == datetime.date(2019, 4, 1)
    assert university.organization["kind"] == "university"
    assert university.organization["import_key"] == "U-01"
    assert "capital" not in university.organization


def test_cp932_csv_as_japanese_excel_writes_it_parses():
    rows = _check(_two_firms(), encoding="cp932")
    assert [r.organization["name"] for r in rows] == ["株式会社府中精工", "多摩大学"]
    assert not any(r.has_errors for r in rows)


def test_utf8_csv_without_bom_parses():
    rows = _check(_two_firms(), encoding="utf-8")
    assert rows[0].organization["name"] == "株式会社府中精工"


def test_xlsx_parses_including_numeric_cells_and_dates():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["会員名簿 2024年4月1日現在"])  # a title line above the headers
    sheet.append(["名称", "カナ", "種別", "法人番号", "郵便番号", "資本金（千円）", "入会日", "設立年"])
    sheet.append(
        [
            "株式会社八王子製作所",
            "ﾊﾁｵｳｼﾞｾｲｻｸｼｮ",
            "firm",
            int(NUMBER_B),
            600001,
            50_000,
            datetime.datetime(2020, 4, 1),
            "昭和60年",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    parsed = import_file_parse(buffer.getvalue(), filename="名簿.xlsx")
    (row,) = import_rows_check(parsed)
    assert not row.has_errors, row.errors
    assert row.line == 3
    assert row.organization["corporate_number"] == NUMBER_B
    assert row.organization["postal_code"] == "060-0001"
    assert row.organization["capital"] == 50_000_000
    assert row.organization["name_kana"] == "ハチオウジセイサクショ"
    assert row.organization["founded_year"] == 1985
    assert row.joined_on == datetime.date(2020, 4, 1)


def test_english_field_names_are_accepted_as_headers():
    headers = ["name", "name_kana", "kind", "corporate_number", "prefecture", "capital"]
    data = [{"name": "Tama Precision", "name_kana": "タマプレシジョン", "kind": "Firm", "corporate_number": NUMBER_A,
             "prefecture": "Tokyo", "capital": "¥1,000,000"}]  # fmt: skip
    (row,) = _check(data, headers=headers)
    assert not row.has_errors, row.errors
    assert row.organization["prefecture"] == "13"
    assert row.organization["capital"] == 1_000_000


def test_half_width_katakana_and_hiragana_readings_are_normalised_to_full_width():
    rows = _check([_row(フリガナ="ﾌﾁｭｳｾｲｺｳ"), _row(名称="多摩電子", フリガナ="たまでんし", 法人番号=NUMBER_B)])
    assert [r.organization["name_kana"] for r in rows] == ["フチュウセイコウ", "タマデンシ"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("30,000,000円", 30_000_000), ("3億円", 300_000_000), ("1,500万円", 15_000_000), ("１０００", 1000)],
)
def test_amounts_with_commas_yen_and_japanese_units_are_read(text, expected):
    (row,) = _check([_row(資本金=text)])
    assert row.organization["capital"] == expected


@pytest.mark.parametrize(
    ("text", "code"), [("大阪府", "27"), ("大阪", "27"), ("27", "27"), ("1", "01"), ("北海道", "01")]
)
def test_prefecture_as_japanese_name_or_jis_code(text, code):
    (row,) = _check([_row(都道府県=text)])
    assert row.organization["prefecture"] == code


def test_prefecture_is_taken_from_the_address_when_its_column_is_empty():
    (row,) = _check([_row(都道府県="", 市区町村="神奈川県相模原市")])
    assert row.organization["prefecture"] == "14"
    assert row.organization["city"] == "相模原市"


def test_file_without_a_name_column_is_refused():
    with pytest.raises(ApplicationError):
        import_file_parse(b"a,b\n1,2\n", filename="x.csv")


def test_old_xls_file_is_refused_with_a_clear_message():
    with pytest.raises(ApplicationError, match=r"\.xls"):
        import_file_parse(b"\xd0\xcf\x11\xe0" + b"\0" * 100, filename="old.xls")


def test_template_csv_has_the_japanese_headers_and_parses():
    template = import_template_csv()
    assert template.startswith("\ufeff名称,フリガナ,種別,法人番号,取込キー")
    with pytest.raises(ApplicationError, match="no rows"):
        import_file_parse(template.encode("utf-8"), filename="template.csv")


# --- Row errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "column"),
    [
        ({"法人番号": "1234567890123"}, "corporate_number"),  # wrong check digit
        ({"資本金": "-5,000,000"}, "capital"),
        ({"種別": "宇宙船"}, "kind"),
        ({"フリガナ": "府中精工"}, "name_kana"),
        ({"入会日": "2019/13/40"}, "joined_on"),
        ({"都道府県": "ガリア"}, "prefecture"),
    ],
)
def test_bad_cell_gives_a_message_on_its_row_and_column(values, column):
    rows = _check([_row(法人番号=NUMBER_B, 名称="良い行", フリガナ="ヨイギョウ"), _row(**values)])
    good, bad = rows
    assert good.plan == RowPlan.CREATE
    assert bad.plan == RowPlan.ERROR
    assert bad.line == 3
    assert list(bad.errors) == [column]
    assert all(isinstance(message, str) and message for message in bad.errors[column])


def test_invalid_check_digit_message_names_the_check_digit():
    (row,) = _check([_row(法人番号="1234567890123")])
    assert "check digit" in row.errors["corporate_number"][0]


def test_negative_capital_message_says_it_cannot_be_negative():
    (row,) = _check([_row(資本金="-1")])
    assert row.errors["capital"] == ["The amount cannot be negative."]


def test_duplicate_corporate_number_in_the_file_is_an_error_on_the_later_row():
    rows = _check([_row(), _row(名称="別の会社", フリガナ="ベツノカイシャ")])
    assert rows[0].plan == RowPlan.CREATE
    assert rows[1].plan == RowPlan.ERROR
    assert "row 2" in rows[1].errors["corporate_number"][0]


def test_duplicate_import_key_in_the_file_is_an_error_on_the_later_row():
    rows = _check([_row(法人番号="", 取込キー="K1"), _row(法人番号="", 取込キー="K1", 名称="別", フリガナ="ベツ")])
    assert [r.plan for r in rows] == [RowPlan.CREATE, RowPlan.ERROR]
    assert "import_key" in rows[1].errors


def test_new_organisation_needs_name_reading_and_kind():
    (row,) = _check([_row(種別="", フリガナ="")])
    assert row.plan == RowPlan.ERROR
    assert set(row.errors) == {"kind", "name_kana"}


def test_rows_with_errors_block_apply_and_nothing_is_written(users):
    rows = _check([_row(法人番号=NUMBER_B, 名称="良い行", フリガナ="ヨイギョウ"), _row(資本金="-1")])
    with pytest.raises(ApplicationError, match="row 3"):
        organization_import_apply(actor=users["secretariat"], rows=rows)
    assert not Organization.objects.filter(corporate_number__in=[NUMBER_A, NUMBER_B]).exists()
    assert not Organization.history.filter(corporate_number=NUMBER_B).exists()


# --- Apply ------------------------------------------------------------------------------------


def test_apply_creates_organisations_memberships_transitions_and_contacts_with_history(users):
    headers = [*HEADERS, "担当者名", "担当者カナ", "担当者メール", "会員状態"]
    data = [_row(担当者名="府中 一郎", 担当者カナ="ﾌﾁｭｳ ｲﾁﾛｳ", 担当者メール="ichiro@fuchu.example.jp", 会員状態="申込")]
    rows = _check(data, headers=headers)
    result = organization_import_apply(actor=users["secretariat"], rows=rows, source="members.csv")

    assert result.created == 1
    organization = Organization.objects.get(corporate_number=NUMBER_A)
    assert organization.search_key and "フチュウセイコウ" in organization.search_key
    history = organization.history.get()
    assert history.history_user == users["secretariat"]
    assert "members.csv" in history.history_change_reason
    membership = Membership.objects.get(organization=organization)
    assert membership.status == MembershipStatus.APPLICATION
    assert membership.applied_on == datetime.date(2019, 4, 1)
    assert membership.history.get().history_user == users["secretariat"]
    transition = MembershipTransition.objects.get(membership=membership)
    assert (transition.from_status, transition.to_status, transition.actor) == ("", "application", users["secretariat"])
    contact = Contact.objects.get(organization=organization)
    assert contact.is_billing_contact
    assert contact.name_kana == "フチュウ イチロウ"


def test_membership_defaults_to_active_with_the_join_date(users):
    organization_import_apply(actor=users["secretariat"], rows=_check([_row()]))
    membership = Membership.objects.get(organization__corporate_number=NUMBER_A)
    assert membership.status == MembershipStatus.ACTIVE
    assert membership.joined_on == datetime.date(2019, 4, 1)


def test_reimporting_the_same_file_changes_nothing_and_duplicates_nothing(users):
    headers = [*HEADERS, "担当者名", "担当者メール"]
    data = [
        *_two_firms(),
        # No corporate number and no import key: matched again by its exact name.
        _row(名称="八王子市", フリガナ="ハチオウジシ", 種別="自治体", 法人番号="", 資本金="", 担当者名="市 花子"),
    ]
    for row in data:
        row["担当者メール"] = ""
    data[0].update(担当者名="府中 一郎", 担当者メール="ichiro@fuchu.example.jp")
    first = organization_import_apply(actor=users["secretariat"], rows=_check(data, headers=headers))
    assert (first.created, first.contacts_created, first.memberships_created) == (3, 2, 3)
    counts = (Organization.objects.count(), Membership.objects.count(), Contact.objects.count())
    history = Organization.history.count()

    rows = _check(data, headers=headers)
    assert import_counts(rows)["unchanged"] == 3
    second = organization_import_apply(actor=users["secretariat"], rows=rows)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 3)
    assert (Organization.objects.count(), Membership.objects.count(), Contact.objects.count()) == counts
    assert Organization.history.count() == history


def test_reimport_updates_by_corporate_number(users):
    existing = OrganizationFactory(corporate_number=NUMBER_A, name="府中精工", name_kana="フチュウセイコウ", capital=10)
    MembershipFactory(organization=existing)
    (row,) = _check([_row(資本金="50,000,000", 従業員数="")])
    assert row.plan == RowPlan.UPDATE
    assert row.matched_by == "corporate_number"
    result = organization_import_apply(actor=users["secretariat"], rows=[row])
    assert (result.created, result.updated) == (0, 1)
    existing.refresh_from_db()
    assert existing.capital == 50_000_000
    assert existing.name == "株式会社府中精工"
    assert existing.search_key.startswith("株式会社府中精工")
    assert existing.employees == 50  # the empty cell left it as it was
    assert Organization.objects.filter(corporate_number=NUMBER_A).count() == 1
    assert Membership.objects.filter(organization=existing).count() == 1
    assert existing.history.first().history_user == users["secretariat"]


def test_reimport_updates_by_import_key_and_adds_the_corporate_number(users):
    existing = OrganizationFactory(corporate_number=None, import_key="M-0042", name="旧名", name_kana="キュウメイ")
    (row,) = _check([_row(取込キー="M-0042")])
    assert (row.plan, row.matched_by) == (RowPlan.UPDATE, "import_key")
    organization_import_apply(actor=users["secretariat"], rows=[row])
    existing.refresh_from_db()
    assert existing.corporate_number == NUMBER_A
    assert existing.name == "株式会社府中精工"
    assert Organization.objects.filter(import_key="M-0042").count() == 1
    # It had no membership: the import opens one.
    assert Membership.objects.filter(organization=existing, status=MembershipStatus.ACTIVE).count() == 1


def test_organisation_registered_by_hand_without_keys_is_taken_over_by_name_not_duplicated(users):
    by_hand = OrganizationFactory(corporate_number=None, name="株式会社府中精工", name_kana="フチュウセイコウ")
    (row,) = _check([_row(取込キー="M-7")])
    assert (row.plan, row.matched_by) == (RowPlan.UPDATE, "name")
    organization_import_apply(actor=users["secretariat"], rows=[row])
    by_hand.refresh_from_db()
    assert (by_hand.corporate_number, by_hand.import_key) == (NUMBER_A, "M-7")
    assert Organization.objects.filter(name="株式会社府中精工").count() == 1


def test_row_without_keys_is_found_by_its_name_even_with_a_corrected_reading(users):
    OrganizationFactory(corporate_number=None, name="八王子市", name_kana="ハチオウシシ", kind="municipality")
    (row,) = _check([_row(名称="八王子市", フリガナ="ハチオウジシ", 種別="自治体", 法人番号="", 資本金="")])
    assert (row.plan, row.matched_by) == (RowPlan.UPDATE, "name")
    organization_import_apply(actor=users["secretariat"], rows=[row])
    assert list(Organization.objects.filter(name="八王子市").values_list("name_kana", flat=True)) == ["ハチオウジシ"]


def test_same_name_with_another_corporate_number_creates_with_a_duplicate_warning():
    OrganizationFactory(corporate_number=NUMBER_B, name="株式会社府中精工", name_kana="フチュウセイコウ")
    (row,) = _check([_row()])
    assert row.plan == RowPlan.CREATE
    assert row.warnings


def test_rows_without_any_key_and_the_same_name_are_an_error_on_the_later_row():
    rows = _check([_row(法人番号=""), _row(法人番号="", 市区町村="日野市")])
    assert [r.plan for r in rows] == [RowPlan.CREATE, RowPlan.ERROR]
    assert "row 2" in rows[1].errors["name"][0]


def test_import_key_of_another_organisation_than_the_corporate_number_is_an_error():
    OrganizationFactory(corporate_number=NUMBER_A)
    OrganizationFactory(corporate_number=None, import_key="M-1")
    (row,) = _check([_row(取込キー="M-1")])
    assert row.plan == RowPlan.ERROR
    assert "import_key" in row.errors


def test_existing_membership_is_kept_and_a_different_status_only_warns(users):
    membership = MembershipFactory(organization__corporate_number=NUMBER_A, status=MembershipStatus.SUSPENDED)
    headers = [*HEADERS, "会員状態"]
    (row,) = _check([_row(会員状態="有効", 名称=membership.organization.name,
                         フリガナ=membership.organization.name_kana)], headers=headers)  # fmt: skip
    assert row.warnings
    organization_import_apply(actor=users["secretariat"], rows=[row])
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.SUSPENDED
    assert Membership.objects.filter(organization=membership.organization).count() == 1


def test_imported_contact_does_not_take_the_billing_role_and_is_not_added_twice(users):
    organization = OrganizationFactory(corporate_number=NUMBER_A)
    ContactFactory(organization=organization, is_billing_contact=True, email="boss@example.jp")
    headers = [*HEADERS, "担当者名", "担当者メール"]
    data = [
        _row(担当者名="新人", 担当者メール="new@example.jp"),
        _row(法人番号=NUMBER_B, 担当者名="社長", 担当者メール="BOSS@example.jp"),
    ]
    data[1].update(名称=organization.name, フリガナ=organization.name_kana, 法人番号=NUMBER_A)
    rows = _check(data[:1], headers=headers)
    organization_import_apply(actor=users["secretariat"], rows=rows)
    assert Contact.objects.get(email="new@example.jp").is_billing_contact is False
    (again,) = _check([data[1]], headers=headers)
    assert not again.creates_contact  # same email, whatever its case


def test_apply_plans_again_and_refuses_when_the_register_changed_since_the_preview(users):
    rows = _check([_row(取込キー="K-9")])
    assert rows[0].plan == RowPlan.CREATE
    OrganizationFactory(corporate_number=None, import_key="K-9")  # someone registers it meanwhile, keyed elsewhere
    OrganizationFactory(corporate_number=NUMBER_A)
    with pytest.raises(ApplicationError):
        organization_import_apply(actor=users["secretariat"], rows=rows)
    assert Organization.objects.filter(corporate_number=NUMBER_A).count() == 1


# --- Pages ------------------------------------------------------------------------------------


def _upload(client, content: bytes, name: str = "members.csv"):
    return client.post(reverse("organization-import"), {"file": SimpleUploadedFile(name, content)})


def _token(response) -> str:
    assert response.status_code == 302, response.content
    return response["Location"].rstrip("/").rsplit("/", 1)[-1]


def test_preview_lists_every_row_with_its_plan_and_errors_and_writes_nothing(client_for):
    client = client_for("secretariat")
    before = (Organization.objects.count(), Organization.history.count(), Membership.objects.count())
    token = _token(
        _upload(client, _csv([_row(), _row(名称="悪い行", フリガナ="ワルイギョウ", 法人番号="1234567890123")]))
    )
    response = client.get(reverse("organization-import-preview", args=[token]))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-row="2" data-plan="create"' in body
    assert 'class="preview-error" data-row="3" data-plan="error"' in body
    assert '<ul class="errors"><li><strong>法人番号</strong>' in body
    assert reverse("organization-import-confirm", args=[token]) not in body  # blocked while a row has errors
    assert response.context["counts"] == {"create": 1, "update": 0, "unchanged": 0, "error": 1, "total": 2}
    assert (Organization.objects.count(), Organization.history.count(), Membership.objects.count()) == before


def test_confirm_applies_the_upload_and_redirects_to_the_list(client_for, users):
    client = client_for("secretariat")
    token = _token(_upload(client, _csv(_two_firms())))
    response = client.post(reverse("organization-import-confirm", args=[token]))
    assert response.status_code == 302
    assert response["Location"] == reverse("organization-list")
    assert Organization.objects.filter(corporate_number=NUMBER_A).exists()
    assert Organization.objects.filter(import_key="U-01").exists()
    assert Organization.objects.get(import_key="U-01").history.get().history_user == users["secretariat"]
    assert cache.get(f"members:import:{token}") is None
    # The token is spent: a second confirm applies nothing.
    client.post(reverse("organization-import-confirm", args=[token]))
    assert Organization.objects.filter(corporate_number=NUMBER_A).count() == 1


def test_cancel_writes_nothing_and_forgets_the_upload(client_for):
    client = client_for("secretariat")
    before = Organization.objects.count()
    token = _token(_upload(client, _csv(_two_firms())))
    response = client.post(reverse("organization-import-cancel", args=[token]))
    assert response.status_code == 302
    assert cache.get(f"members:import:{token}") is None
    client.post(reverse("organization-import-confirm", args=[token]))
    assert Organization.objects.count() == before


def test_confirm_is_refused_while_rows_have_errors(client_for):
    client = client_for("secretariat")
    token = _token(_upload(client, _csv([_row(種別="宇宙船")])))
    response = client.post(reverse("organization-import-confirm", args=[token]))
    assert response.status_code == 302
    assert not Organization.objects.filter(corporate_number=NUMBER_A).exists()


def test_another_staff_user_cannot_use_someone_elses_upload(client_for, users, client):
    token = _token(_upload(client_for("secretariat"), _csv(_two_firms())))
    client.force_login(users["administrator"], backend="members.backends.UsernameOrEmailBackend")
    response = client.get(reverse("organization-import-preview", args=[token]))
    assert response.status_code == 302
    client.post(reverse("organization-import-confirm", args=[token]))
    assert not Organization.objects.filter(corporate_number=NUMBER_A).exists()


def test_unreadable_upload_shows_the_reason_on_the_form(client_for):
    response = _upload(client_for("secretariat"), b"a,b\n1,2\n", name="x.csv")
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_upload_page_links_the_template_which_downloads_with_japanese_headers(client_for):
    client = client_for("administrator")
    page = client.get(reverse("organization-import"))
    assert reverse("organization-import-template") in page.content.decode()
    response = client.get(reverse("organization-import-template"))
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").startswith("名称,フリガナ,種別")


@pytest.mark.parametrize("role", ["coordinator", "member", "bank", "evaluator"])
def test_only_staff_may_use_the_import_pages(client_for, role):
    staff_token = _token(_upload(client_for("secretariat"), _csv(_two_firms())))
    client = client_for(role)
    assert client.get(reverse("organization-import")).status_code == 403
    assert _upload(client, _csv(_two_firms())).status_code == 403
    assert client.get(reverse("organization-import-template")).status_code == 403
    assert client.get(reverse("organization-import-preview", args=[staff_token])).status_code == 403
    assert client.post(reverse("organization-import-confirm", args=[staff_token])).status_code == 403
    assert client.post(reverse("organization-import-cancel", args=[staff_token])).status_code == 403
    assert not Organization.objects.filter(corporate_number=NUMBER_A).exists()


def test_anonymous_user_is_sent_to_log_in(client):
    response = client.get(reverse("organization-import"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_staff_navigation_links_to_the_import(client_for):
    body = client_for("secretariat").get(reverse("organization-list")).content.decode()
    assert reverse("organization-import") in body
