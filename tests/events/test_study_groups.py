"""Study groups: the roster, meetings as events, attendance by roster and the participation fee."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from billing.models import Invoice, InvoiceKind, TaxCategory
from clusternet.core.exceptions import ApplicationError
from events.models import (
    CheckIn,
    EventKind,
    EventStatus,
    Registration,
    RegistrationStatus,
    StudyGroup,
    StudyGroupMember,
    StudyGroupRole,
    person_key_for,
)
from events.selectors.study_groups import study_group_attendance
from events.services import study_groups as services
from tests.events.factories import EventFactory, RegistrationFactory, StudyGroupFactory
from tests.factories import ContactFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The rules are asserted on the English messages; the pages' tests check the Japanese ones."""
    with translation.override("en"):
        yield


def meeting_of(group, days_ago=10, **extra):
    """A meeting held `days_ago` (negative: in the future), through the service the page uses."""
    start = timezone.localtime().replace(hour=14, minute=0, second=0, microsecond=0) - datetime.timedelta(days=days_ago)
    return services.study_group_meeting_create(
        actor=None,
        group=group,
        title=extra.pop("title", "第1回 研究会"),
        session={"starts_at": start, "ends_at": start + datetime.timedelta(hours=2), "venue": "会議室B"},
    )


def seat(group, role=StudyGroupRole.COMMITTEE, **contact):
    return services.study_group_member_add(actor=None, group=group, contact=ContactFactory(**contact), role=role)


# -- roster ------------------------------------------------------------------------------------------------


def test_a_contact_joins_the_roster_with_a_role():
    group = StudyGroupFactory()
    contact = ContactFactory(name="山田 教授")
    services.study_group_member_add(actor=None, group=group, contact=contact, role=StudyGroupRole.CHAIR)
    assert StudyGroupMember.objects.get().role == StudyGroupRole.CHAIR


@pytest.mark.parametrize(
    ("contact", "role", "message"),
    [(None, StudyGroupRole.CHAIR, "Choose a person"), ("contact", "", "Choose a role"), ("contact", "boss", "role")],
)
def test_a_roster_entry_needs_a_contact_and_a_known_role(contact, role, message):
    group = StudyGroupFactory()
    with pytest.raises(ApplicationError, match=message):
        services.study_group_member_add(
            actor=None, group=group, contact=ContactFactory() if contact else None, role=role
        )
    assert not StudyGroupMember.objects.exists()


def test_the_same_person_is_not_on_a_roster_twice():
    group = StudyGroupFactory()
    contact = ContactFactory(name="鈴木 一郎")
    services.study_group_member_add(actor=None, group=group, contact=contact, role=StudyGroupRole.COMMITTEE)
    with pytest.raises(ApplicationError, match="鈴木 一郎 is already on the roster"):
        services.study_group_member_add(actor=None, group=group, contact=contact, role=StudyGroupRole.OBSERVER)
    assert StudyGroupMember.objects.get().role == StudyGroupRole.COMMITTEE


def test_someone_who_left_takes_their_seat_again_when_added_back():
    group = StudyGroupFactory()
    member = seat(group)
    services.study_group_member_leave(actor=None, seat=member, left_on=datetime.date(2026, 3, 31))
    again = services.study_group_member_add(
        actor=None, group=group, contact=member.contact, role=StudyGroupRole.OBSERVER
    )
    assert again.pk == member.pk and again.left_on is None and again.role == StudyGroupRole.OBSERVER


def test_leaving_twice_is_refused():
    member = seat(StudyGroupFactory())
    services.study_group_member_leave(actor=None, seat=member)
    assert StudyGroupMember.objects.get().left_on == timezone.localdate()
    with pytest.raises(ApplicationError, match="already left"):
        services.study_group_member_leave(actor=None, seat=member)


# -- meetings ----------------------------------------------------------------------------------------------


def test_a_meeting_is_a_free_published_study_group_event_not_listed_publicly():
    group = StudyGroupFactory()
    meeting = meeting_of(group, days_ago=-14)
    assert meeting.kind == EventKind.STUDY_GROUP and meeting.study_group == group
    assert meeting.status == EventStatus.PUBLISHED and not meeting.is_public
    assert (meeting.member_price, meeting.non_member_price) == (0, 0)
    assert meeting.sessions.count() == 1


def test_an_inactive_group_gets_no_new_meeting():
    group = StudyGroupFactory(is_active=False)
    with pytest.raises(ApplicationError, match="no longer active"):
        meeting_of(group)
    assert not group.meetings.exists()


# -- attendance --------------------------------------------------------------------------------------------


def test_attendance_registers_and_checks_in_those_present_from_the_register():
    group = StudyGroupFactory()
    present = seat(group, name="出席 太郎", email="Taro@Example.jp")
    seat(group, name="欠席 次郎")
    meeting = meeting_of(group)
    services.study_group_attendance_record(actor=None, meeting=meeting, present=[present])
    registration = Registration.objects.get()
    assert registration.status == RegistrationStatus.CONFIRMED and registration.price == 0
    assert registration.contact == present.contact and registration.organization == present.contact.organization
    assert registration.person_key == person_key_for("Taro@Example.jp", present.contact.pk) == "taro@example.jp"
    assert (registration.name, registration.organization_name) == ("出席 太郎", present.contact.organization.name)
    check_in = CheckIn.objects.get()
    assert check_in.registration == registration and check_in.method == CheckIn.Method.LIST


def test_attendance_reuses_a_live_registration_and_is_checked_in_at_every_session():
    group = StudyGroupFactory()
    member = seat(group, email="hanako@example.jp")
    meeting = meeting_of(group)
    services_events_session(meeting)
    own = RegistrationFactory(event=meeting, email="hanako@example.jp", person_key="hanako@example.jp")
    services.study_group_attendance_record(actor=None, meeting=meeting, present=[member])
    services.study_group_attendance_record(actor=None, meeting=meeting, present=[member])
    assert Registration.objects.get() == own
    assert CheckIn.objects.filter(registration=own).count() == 2


def services_events_session(meeting):
    from events.services.events import session_save

    start = meeting.starts_at + datetime.timedelta(hours=3)
    session_save(actor=None, event=meeting, data={"starts_at": start, "ends_at": start + datetime.timedelta(hours=1),
                                                 "venue": "懇親会場"})  # fmt: skip


def test_unticking_someone_removes_their_check_in_but_keeps_the_registration():
    group = StudyGroupFactory()
    member = seat(group)
    meeting = meeting_of(group)
    services.study_group_attendance_record(actor=None, meeting=meeting, present=[member])
    services.study_group_attendance_record(actor=None, meeting=meeting, present=[])
    assert not CheckIn.objects.exists()
    assert Registration.objects.get().status == RegistrationStatus.CONFIRMED


def test_attendance_is_taken_for_study_group_meetings_only():
    seminar = EventFactory()
    with pytest.raises(ApplicationError, match="study group meetings only"):
        services.study_group_attendance_record(actor=None, meeting=seminar, present=[])


def test_only_the_meetings_roster_can_be_marked_present():
    group = StudyGroupFactory()
    meeting = meeting_of(group)
    stranger = seat(StudyGroupFactory())
    with pytest.raises(ApplicationError, match="roster"):
        services.study_group_attendance_record(actor=None, meeting=meeting, present=[stranger])
    assert not Registration.objects.exists()


def test_the_matrix_marks_attendance_and_the_rate_over_meetings_held_while_on_the_roster():
    group = StudyGroupFactory()
    regular, former = seat(group, name="常連"), seat(group, name="退会者")
    first, second, future = meeting_of(group, 60), meeting_of(group, 30), meeting_of(group, -30)
    services.study_group_attendance_record(actor=None, meeting=first, present=[regular, former])
    services.study_group_attendance_record(actor=None, meeting=second, present=[])
    services.study_group_member_leave(actor=None, seat=former, left_on=timezone.localdate() - datetime.timedelta(40))
    matrix = study_group_attendance(group=group)
    assert [m.pk for m in matrix.meetings] == [first.pk, second.pk, future.pk]
    rows = {row.seat.contact.name: row for row in matrix.rows}
    assert rows["常連"].marks == [True, False, None] and rows["常連"].rate == 50
    assert rows["退会者"].marks == [True, None, None] and rows["退会者"].rate == 100


def test_the_matrix_counts_a_check_in_registered_by_email_without_the_contact():
    group = StudyGroupFactory()
    member = seat(group, email="portal@example.jp")
    meeting = meeting_of(group)
    registration = RegistrationFactory(event=meeting, email="portal@example.jp", person_key="portal@example.jp")
    CheckIn.objects.create(registration=registration, session=meeting.sessions.get(), method=CheckIn.Method.QR)
    assert study_group_attendance(group=group).rows[0].marks == [True]
    assert member.contact.pk != registration.contact_id


def _group_with(meetings: int, people: int = 4) -> StudyGroup:
    group = StudyGroupFactory()
    members = [seat(group) for _ in range(people)]
    for n in range(meetings):
        meeting = meeting_of(group, days_ago=10 + n)
        services.study_group_attendance_record(actor=None, meeting=meeting, present=members[: n % people])
    return group


def test_the_matrix_costs_the_same_queries_for_3_and_12_meetings():
    small, large = _group_with(3), _group_with(12, people=8)
    with CaptureQueriesContext(connection) as few:
        matrix = study_group_attendance(group=small)
        [row.rate for row in matrix.rows]
    with CaptureQueriesContext(connection) as many:
        matrix = study_group_attendance(group=large)
        [row.rate for row in matrix.rows]
    assert len(few) == len(many) == 3


# -- participation fee -------------------------------------------------------------------------------------


def test_the_fee_is_invoiced_once_per_organisation_with_a_current_committee_member():
    group = StudyGroupFactory(participation_fee=30000, name="医工連携研究会")
    firm, other, observer_firm = OrganizationFactory(), OrganizationFactory(), OrganizationFactory()
    seat(group, organization=firm)
    seat(group, organization=firm)  # two committee members of one firm: one invoice
    seat(group, organization=other)
    seat(group, role=StudyGroupRole.OBSERVER, organization=observer_firm)
    gone = seat(group, organization=OrganizationFactory())
    services.study_group_member_leave(actor=None, seat=gone)

    result = services.study_group_fee_invoice(actor=None, group=group, fiscal_year=2026)
    assert sorted(i.organization_id for i in result.invoiced) == sorted([firm.pk, other.pk])
    invoice = Invoice.objects.get(organization=firm)
    assert invoice.reference == f"study-group:{group.pk}:2026:{firm.pk}"
    assert invoice.kind == InvoiceKind.SERVICE and (invoice.subtotal, invoice.tax_total) == (30000, 3000)
    line = invoice.lines.get()
    assert line.tax_category == TaxCategory.STANDARD and "医工連携研究会" in line.description

    again = services.study_group_fee_invoice(actor=None, group=group, fiscal_year=2026)
    assert again.invoiced == [] and len(again.already_invoiced) == 2
    assert Invoice.objects.count() == 2
    services.study_group_fee_invoice(actor=None, group=group, fiscal_year=2027)
    assert Invoice.objects.count() == 4


def test_a_group_without_a_fee_invoices_nobody():
    group = StudyGroupFactory(participation_fee=0)
    seat(group)
    with pytest.raises(ApplicationError, match="no participation fee"):
        services.study_group_fee_invoice(actor=None, group=group, fiscal_year=2026)
    assert not Invoice.objects.exists()


def test_a_fee_with_no_committee_member_is_refused_with_a_message():
    group = StudyGroupFactory(participation_fee=10000)
    seat(group, role=StudyGroupRole.CHAIR)
    with pytest.raises(ApplicationError, match="No organisation has a current committee member"):
        services.study_group_fee_invoice(actor=None, group=group, fiscal_year=2026)
