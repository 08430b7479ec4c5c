"""The study group pages, in Japanese: list, group, roster with htmx search, meetings, attendance, the fee."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from billing.models import Invoice
from events.models import CheckIn, Event, EventKind, StudyGroup, StudyGroupMember, StudyGroupRole
from events.services import study_groups as services
from tests.events.factories import EventFactory, StudyGroupFactory
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def staff(client_for):
    return client_for("secretariat")


def messages_of(response):
    return [str(message) for message in response.context["messages"]] if response.context else []


def meeting_of(group, days_ago=7):
    start = timezone.localtime().replace(hour=14, minute=0, second=0, microsecond=0) - datetime.timedelta(days=days_ago)
    return services.study_group_meeting_create(
        actor=None, group=group, title="第3回 研究会",
        session={"starts_at": start, "ends_at": start + datetime.timedelta(hours=2), "venue": "会議室"},
    )  # fmt: skip


def test_staff_create_a_study_group_with_a_fee(staff):
    response = staff.post(
        "/study-groups/new/",
        {"name": "航空機部品研究会", "description": "年5回", "participation_fee": "30000", "is_active": "on"},
    )
    group = StudyGroup.objects.get()
    assert response["Location"] == f"/study-groups/{group.pk}/"
    assert group.participation_fee == 30000
    page = staff.get(f"/study-groups/{group.pk}/")
    assert "航空機部品研究会" in page.text and "参加費" in page.text and "¥30,000" in page.text


def test_a_second_group_with_the_same_name_is_refused_on_the_form(staff):
    StudyGroupFactory(name="航空機部品研究会")
    response = staff.post("/study-groups/new/", {"name": "航空機部品研究会", "participation_fee": "0"})
    assert response.status_code == 200 and response.context["form"].errors
    assert StudyGroup.objects.count() == 1


def test_coordinators_read_study_groups_but_do_not_manage_them(client_for):
    group = StudyGroupFactory(name="医療機器研究会")
    coordinator = client_for("coordinator")
    listing = coordinator.get("/study-groups/")
    assert "医療機器研究会" in listing.text and "/study-groups/new/" not in listing.text
    page = coordinator.get(f"/study-groups/{group.pk}/")
    assert page.status_code == 200 and f"/study-groups/{group.pk}/roster/add/" not in page.text


def test_the_event_list_links_study_groups_for_internal_users_only(client_for):
    assert "/study-groups/" in client_for("coordinator").get("/events/").text


def test_the_event_list_hides_study_groups_from_members(client_for):
    assert "/study-groups/" not in client_for("member").get("/events/").text


def test_roster_search_answers_organisations_then_their_contacts_with_htmx(staff, member_org):
    group = StudyGroupFactory()
    ContactFactory(organization=member_org, name="多摩 花子")
    url = f"/study-groups/{group.pk}/roster/add/"
    choices = staff.get(url, {"q": "ﾀﾏｾｲ"}, **HTMX)
    assert "株式会社多摩精密" in choices.text and "<html" not in choices.text
    contacts = staff.get(url, {"organization": member_org.pk}, **HTMX)
    assert "多摩 花子" in contacts.text and "座長" in contacts.text and "<html" not in contacts.text


def test_roster_search_works_without_javascript(staff, member_org):
    group = StudyGroupFactory()
    ContactFactory(organization=member_org, name="多摩 花子")
    url = f"/study-groups/{group.pk}/roster/add/"
    assert "株式会社多摩精密" in staff.get(url, {"q": "たませいみつ"}).text
    assert "多摩 花子" in staff.get(url, {"organization": member_org.pk}).text


def test_adding_a_person_to_the_roster(staff, member_org):
    group = StudyGroupFactory()
    contact = ContactFactory(organization=member_org, name="多摩 花子")
    response = staff.post(
        f"/study-groups/{group.pk}/roster/add/",
        {"organization": member_org.pk, "contact": contact.pk, "role": StudyGroupRole.COMMITTEE},
    )
    assert response.status_code == 302
    assert StudyGroupMember.objects.get().contact == contact
    page = staff.get(f"/study-groups/{group.pk}/")
    assert "多摩 花子" in page.text and "委員" in page.text


@pytest.mark.parametrize(
    ("omit", "message"), [("contact", "名簿の人を選んでください"), ("role", "役割を選んでください")]
)
def test_a_roster_entry_without_a_person_or_role_says_so(staff, member_org, omit, message):
    group = StudyGroupFactory()
    contact = ContactFactory(organization=member_org)
    data = {"organization": member_org.pk, "contact": contact.pk, "role": StudyGroupRole.CHAIR}
    del data[omit]
    response = staff.post(f"/study-groups/{group.pk}/roster/add/", data)
    assert response.status_code == 200 and message in response.text
    assert not StudyGroupMember.objects.exists()


def test_a_duplicate_roster_entry_says_who_is_already_there(staff, member_org):
    group = StudyGroupFactory()
    contact = ContactFactory(organization=member_org, name="多摩 花子")
    StudyGroupMember.objects.create(study_group=group, contact=contact, role=StudyGroupRole.CHAIR)
    response = staff.post(
        f"/study-groups/{group.pk}/roster/add/",
        {"organization": member_org.pk, "contact": contact.pk, "role": StudyGroupRole.OBSERVER},
    )
    assert response.status_code == 200 and "多摩 花子さんは既にこの研究会の名簿にあります" in response.text
    assert StudyGroupMember.objects.get().role == StudyGroupRole.CHAIR


def test_marking_someone_as_left(staff):
    group = StudyGroupFactory()
    seat = StudyGroupMember.objects.create(study_group=group, contact=ContactFactory(), role=StudyGroupRole.OBSERVER)
    staff.post(f"/study-groups/{group.pk}/roster/{seat.pk}/leave/", {"left_on": "2026-03-31"})
    seat.refresh_from_db()
    assert seat.left_on == datetime.date(2026, 3, 31)


def test_adding_a_meeting_from_the_group_page_lists_it_there(staff):
    group = StudyGroupFactory()
    response = staff.post(
        f"/study-groups/{group.pk}/meetings/new/",
        {"title": "第1回 航空機部品研究会", "starts_at": "2027-05-20T15:00", "ends_at": "2027-05-20T17:00",
         "venue": "立川市 産業支援センター"},
    )  # fmt: skip
    meeting = Event.objects.get()
    assert response["Location"] == f"/events/{meeting.pk}/"
    assert meeting.kind == EventKind.STUDY_GROUP and meeting.study_group == group and not meeting.is_public
    assert "第1回 航空機部品研究会" in staff.get(f"/study-groups/{group.pk}/").text
    assert f"/events/{meeting.pk}/attendance/" in staff.get(f"/events/{meeting.pk}/").text


def test_a_meeting_without_a_venue_is_refused_on_the_form(staff):
    group = StudyGroupFactory()
    response = staff.post(
        f"/study-groups/{group.pk}/meetings/new/",
        {"title": "第1回", "starts_at": "2027-05-20T15:00", "ends_at": "2027-05-20T17:00"},
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert not Event.objects.exists()


def test_attendance_page_ticks_the_roster_and_the_matrix_shows_it(staff):
    group = StudyGroupFactory()
    here = StudyGroupMember.objects.create(
        study_group=group, contact=ContactFactory(name="出席 太郎"), role=StudyGroupRole.CHAIR
    )
    StudyGroupMember.objects.create(study_group=group, contact=ContactFactory(name="欠席 次郎"), role="committee")
    meeting = meeting_of(group)
    page = staff.get(f"/events/{meeting.pk}/attendance/")
    assert "出席 太郎" in page.text and "欠席 次郎" in page.text
    response = staff.post(f"/events/{meeting.pk}/attendance/", {"present": [here.pk]})
    assert response["Location"] == f"/study-groups/{group.pk}/"
    assert CheckIn.objects.get().registration.contact == here.contact
    assert f'value="{here.pk}" id="present-{here.pk}" checked' in staff.get(f"/events/{meeting.pk}/attendance/").text
    matrix = staff.get(f"/study-groups/{group.pk}/")
    assert "✓" in matrix.text and "100%" in matrix.text and "0%" in matrix.text


def test_attendance_for_an_event_that_is_not_a_study_group_meeting_says_so(staff):
    seminar = EventFactory()
    response = staff.get(f"/events/{seminar.pk}/attendance/", follow=True)
    assert "研究会の会合" in " ".join(messages_of(response))
    assert not CheckIn.objects.exists()


def test_invoicing_the_fee_from_the_group_page_twice_bills_once(staff, member_org):
    group = StudyGroupFactory(participation_fee=20000)
    StudyGroupMember.objects.create(
        study_group=group, contact=ContactFactory(organization=member_org), role=StudyGroupRole.COMMITTEE
    )
    first = staff.post(f"/study-groups/{group.pk}/invoice/", {"fiscal_year": "2026"}, follow=True)
    assert "1 件の組織に参加費を請求しました" in " ".join(messages_of(first))
    second = staff.post(f"/study-groups/{group.pk}/invoice/", {"fiscal_year": "2026"}, follow=True)
    assert "既に請求済み" in " ".join(messages_of(second))
    assert Invoice.objects.get().organization == member_org


def test_a_group_without_a_fee_offers_no_invoicing_and_refuses_it(staff):
    group = StudyGroupFactory(participation_fee=0)
    assert f"/study-groups/{group.pk}/invoice/" not in staff.get(f"/study-groups/{group.pk}/").text
    response = staff.post(f"/study-groups/{group.pk}/invoice/", {"fiscal_year": "2026"}, follow=True)
    assert "参加費がありません" in " ".join(messages_of(response))
    assert not Invoice.objects.exists()


def test_saving_attendance_with_nobody_ticked_removes_the_check_ins(staff):
    group = StudyGroupFactory()
    here = StudyGroupMember.objects.create(study_group=group, contact=ContactFactory(), role=StudyGroupRole.CHAIR)
    meeting = meeting_of(group)
    services.study_group_attendance_record(actor=None, meeting=meeting, present=[here])
    response = staff.post(f"/events/{meeting.pk}/attendance/", {})
    assert response.status_code == 302 and not CheckIn.objects.exists()


def _group_with_meetings(count):
    group = StudyGroupFactory()
    seats = [
        StudyGroupMember.objects.create(study_group=group, contact=ContactFactory(), role=StudyGroupRole.COMMITTEE)
        for _ in range(5)
    ]
    for n in range(count):
        services.study_group_attendance_record(actor=None, meeting=meeting_of(group, days_ago=n + 1), present=seats[:n])
    return group


def test_the_group_page_costs_the_same_queries_for_3_and_12_meetings(staff):
    small, large = _group_with_meetings(3), _group_with_meetings(12)
    staff.get(f"/study-groups/{small.pk}/")  # the session and user are loaded once either way
    with CaptureQueriesContext(connection) as few:
        assert staff.get(f"/study-groups/{small.pk}/").status_code == 200
    with CaptureQueriesContext(connection) as many:
        page = staff.get(f"/study-groups/{large.pk}/")
    assert page.text.count("✓") == sum(min(n, 5) for n in range(12)) + 1  # the legend has one
    assert len(few) == len(many)
