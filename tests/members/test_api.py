import pytest
from rest_framework.test import APIClient

from members.models import Contact, FeeTier, Membership, MembershipStatus, Organization
from tests.factories import ContactFactory, FeeTierFactory, MembershipFactory, OrganizationFactory, corporate_number

pytestmark = pytest.mark.django_db


def _names(response):
    return sorted(row["name"] for row in response.json()["results"])


@pytest.mark.parametrize("query", ["ﾀﾏ", "タマ", "たま", "ﾀﾏｾｲ", "多摩精"])
def test_search_is_width_and_kana_insensitive(api_client_for, member_org, query):
    OrganizationFactory(name="相模原電機株式会社", name_kana="サガミハラデンキ")
    response = api_client_for("secretariat").get("/api/organizations/", {"search": query})
    assert response.status_code == 200
    assert "株式会社多摩精密" in _names(response)
    assert "相模原電機株式会社" not in _names(response)


def test_list_filters_by_kind_status_prefecture_and_tier(api_client_for, users):
    tier = FeeTierFactory(name="大企業", capital_min=10_000_000_000, priority=10)
    FeeTierFactory(name="中小企業", capital_max=9_999_999_999, priority=20)
    MembershipFactory(organization__name="大手工業株式会社", organization__capital=10_000_000_000)
    MembershipFactory(organization__name="甲府商店", organization__prefecture="19", status=MembershipStatus.SUSPENDED)
    client = api_client_for("secretariat")
    assert _names(client.get("/api/organizations/", {"tier": tier.pk})) == ["大手工業株式会社"]
    assert _names(client.get("/api/organizations/", {"prefecture": "19"})) == ["甲府商店"]
    assert _names(client.get("/api/organizations/", {"status": "suspended"})) == ["甲府商店"]
    assert _names(client.get("/api/organizations/", {"kind": "financial_institution"})) == ["多摩信用金庫"]


def test_unknown_filter_value_is_a_clear_400(api_client_for, users):
    response = api_client_for("secretariat").get("/api/organizations/", {"kind": "spaceship"})
    assert response.status_code == 400
    assert "kind" in response.json()


def test_member_sees_other_organisations_only_as_directory_entries(api_client_for, member_org):
    other = MembershipFactory(
        organization__name="相模原電機株式会社",
        organization__capital=12_000_000_000,
        organization__public_figures=False,
        organization__corporate_number=corporate_number(77),
    ).organization
    hidden = MembershipFactory(organization__name="非公開工業", organization__listed_in_directory=False).organization
    client = api_client_for("member")
    listed = {row["name"]: row for row in client.get("/api/organizations/", {"limit": 200}).json()["results"]}
    assert hidden.name not in listed
    assert listed[member_org.name]["is_full"] is True
    assert listed[member_org.name]["capital"] == member_org.capital
    entry = client.get(f"/api/organizations/{other.pk}/").json()
    assert (entry["is_full"], entry["capital"], entry["corporate_number"], entry["fee_tier"]) == (
        False,
        None,
        None,
        None,
    )
    assert entry["city"] == other.city  # the address is published by default
    assert client.get(f"/api/organizations/{hidden.pk}/").status_code == 404


def test_member_edits_own_profile_but_not_another_organisation(api_client_for, member_org, other_org):
    client = api_client_for("member")
    response = client.patch(f"/api/organizations/{member_org.pk}/", {"employees": 61}, format="json")
    assert response.status_code == 200
    assert response.json()["employees"] == 61
    MembershipFactory(organization=other_org)
    response = client.patch(f"/api/organizations/{other_org.pk}/", {"employees": 1}, format="json")
    assert response.status_code == 404
    other_org.refresh_from_db()
    assert other_org.employees == 50


def test_member_cannot_change_what_decides_the_fee(api_client_for, member_org):
    response = api_client_for("member").patch(
        f"/api/organizations/{member_org.pk}/", {"kind": "university"}, format="json"
    )
    assert response.status_code == 400
    assert "kind" in response.json()
    member_org.refresh_from_db()
    assert member_org.kind == "firm"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"corporate_number": "1234567890123"}, "corporate_number"),
        ({"capital": -1}, "capital"),
        ({"kind": "spaceship"}, "kind"),
        ({"name_kana": ""}, "name_kana"),
    ],
)
def test_create_with_bad_input_answers_400_and_writes_nothing(api_client_for, users, payload, field):
    body = {"kind": "firm", "name": "株式会社日野製作所", "name_kana": "ヒノセイサクショ", **payload}
    response = api_client_for("secretariat").post("/api/organizations/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Organization.objects.filter(name="株式会社日野製作所").exists()


def test_duplicate_corporate_number_answers_400(api_client_for, member_org):
    body = {
        "kind": "firm",
        "name": "別会社",
        "name_kana": "ベツガイシャ",
        "corporate_number": member_org.corporate_number,
    }
    response = api_client_for("secretariat").post("/api/organizations/", body, format="json")
    assert response.status_code == 400
    assert "corporate_number" in response.json()
    assert Organization.objects.filter(corporate_number=member_org.corporate_number).count() == 1


def test_errors_speak_the_users_language(api_client_for, users):
    users["secretariat"].language = "ja"
    users["secretariat"].save()
    client = APIClient()
    client.force_login(users["secretariat"], backend="members.backends.UsernameOrEmailBackend")
    body = {"kind": "firm", "name": "x", "name_kana": "エックス", "corporate_number": "1234567890123"}
    response = client.post("/api/organizations/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "チェックデジット" in response.json()["corporate_number"][0]


def test_staff_creates_an_organisation(api_client_for, users):
    body = {"kind": "firm", "name": "株式会社日野製作所", "name_kana": "ﾋﾉｾｲｻｸｼｮ", "corporate_number": "7000012050002"}
    response = api_client_for("secretariat").post("/api/organizations/", body, format="json")
    assert response.status_code == 201
    assert response.json()["name_kana"] == "ヒノセイサクショ"


def test_membership_life_cycle_through_the_api(api_client_for, other_org):
    client = api_client_for("secretariat")
    created = client.post("/api/memberships/", {"organization": other_org.pk, "applied_on": "2026-04-01"})
    assert created.status_code == 201
    membership_id = created.json()["id"]
    assert client.post(f"/api/memberships/{membership_id}/approve/", {}).json()["status"] == "approved"
    assert client.post(f"/api/memberships/{membership_id}/activate/", {}).json()["status"] == "active"
    response = client.post(f"/api/memberships/{membership_id}/withdraw/", {"reason": "廃業"})
    assert response.json()["status"] == "withdrawn"
    refused = client.post(f"/api/memberships/{membership_id}/activate/", {})
    assert refused.status_code == 400
    assert "cannot go from" in refused.json()["detail"] or "できません" in refused.json()["detail"]
    detail = client.get(f"/api/memberships/{membership_id}/").json()
    assert [t["to_status"] for t in detail["transitions"]] == ["application", "approved", "active", "withdrawn"]
    assert Membership.objects.get(pk=membership_id).status == "withdrawn"


def test_unknown_membership_action_is_404(api_client_for, member_org):
    membership = member_org.memberships.get()
    assert api_client_for("secretariat").post(f"/api/memberships/{membership.pk}/resurrect/", {}).status_code == 404


def test_member_sees_only_its_own_memberships(api_client_for, member_org, bank_org):
    response = api_client_for("member").get("/api/memberships/")
    assert [row["organization"] for row in response.json()["results"]] == [member_org.pk]


def test_fee_override_through_the_api(api_client_for, member_org):
    membership = member_org.memberships.get()
    client = api_client_for("secretariat")
    assert client.post(f"/api/memberships/{membership.pk}/fee-override/", {"amount": 35000}).status_code == 400
    response = client.post(
        f"/api/memberships/{membership.pk}/fee-override/", {"amount": 35000, "reason": "創業3年以内の特例"}
    )
    assert response.json()["fee_override_amount"] == 35000


def test_only_the_administrator_edits_fee_tiers(api_client_for, users):
    body = {"name": "中小企業", "organization_kind": "firm", "capital_max": 9_999_999_999, "annual_fee": 70000}
    assert api_client_for("secretariat").post("/api/fee-tiers/", body, format="json").status_code == 403
    response = api_client_for("administrator").post("/api/fee-tiers/", body, format="json")
    assert response.status_code == 201
    tier_id = response.json()["id"]
    patched = api_client_for("administrator").patch(f"/api/fee-tiers/{tier_id}/", {"annual_fee": 75000}, format="json")
    assert patched.json()["annual_fee"] == 75000
    assert FeeTier.objects.get(pk=tier_id).history.count() == 2


def test_fee_tier_with_negative_fee_is_refused(api_client_for, users):
    body = {"name": "x", "organization_kind": "firm", "annual_fee": -1}
    assert api_client_for("administrator").post("/api/fee-tiers/", body, format="json").status_code == 400
    assert not FeeTier.objects.exists()


def test_organisation_shows_its_derived_tier(api_client_for, member_org):
    FeeTierFactory(name="中小企業", capital_max=9_999_999_999, annual_fee=70000)
    response = api_client_for("secretariat").get(f"/api/organizations/{member_org.pk}/")
    assert response.json()["fee_tier"]["name"] == "中小企業"


def test_member_manages_own_contacts_and_cannot_read_others(api_client_for, member_org, other_org):
    ContactFactory(organization=other_org)
    client = api_client_for("member")
    created = client.post(
        f"/api/organizations/{member_org.pk}/contacts/",
        {"name": "経理 花子", "email": "hanako@example.jp", "is_billing_contact": True},
        format="json",
    )
    assert created.status_code == 201
    assert client.get(f"/api/organizations/{other_org.pk}/contacts/").status_code == 404


def test_contact_export_and_erase(api_client_for, member_org):
    contact = ContactFactory(organization=member_org, email="taro@example.jp")
    client = api_client_for("secretariat")
    exported = client.get(f"/api/organizations/{member_org.pk}/contacts/{contact.pk}/export/").json()["data"]
    assert exported["email"] == "taro@example.jp"
    assert client.post(f"/api/organizations/{member_org.pk}/contacts/{contact.pk}/erase/").status_code == 204
    assert Contact.objects.get(pk=contact.pk).email == ""
    assert client.get(f"/api/organizations/{member_org.pk}/contacts/{contact.pk}/").status_code == 404


def test_token_login_with_username_or_email(users):
    user = users["secretariat"]
    client = APIClient()
    for login in (user.username, user.email):
        response = client.post("/api/auth/token/", {"username": login, "password": "pw"}, format="json")
        assert response.status_code == 200
        token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/me/").json()["role"] == "secretariat"


def test_repeated_failed_logins_lock_the_account(users):
    client = APIClient()
    for _ in range(2):
        assert client.post("/api/auth/token/", {"username": "staff", "password": "wrong"}).status_code == 400
    # The third failure (AXES_FAILURE_LIMIT in test settings) locks; then even the right password is refused.
    assert client.post("/api/auth/token/", {"username": "staff", "password": "wrong"}).status_code == 429
    locked = client.post("/api/auth/token/", {"username": "staff", "password": "pw"})
    assert locked.status_code == 429
    assert "locked" in locked.json()["detail"] or "ロック" in locked.json()["detail"]


def test_schema_is_valid_openapi(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/organizations/" in schema["paths"]


def test_open_membership_is_current_even_if_a_closed_one_is_dated_later(api_client_for, users):
    import datetime

    organization = OrganizationFactory(name="府中工業")
    MembershipFactory(organization=organization, status="active", applied_on=datetime.date(2020, 1, 1))
    MembershipFactory(organization=organization, status="rejected", applied_on=datetime.date(2024, 1, 1))
    response = api_client_for("secretariat").get(f"/api/organizations/{organization.pk}/")
    assert response.json()["membership_status"] == "active"
