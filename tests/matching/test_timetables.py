"""Timetables: what each participant, table and coordinator sees, who may see which, and the Japanese PDF."""

import io
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from matching.models import MatchingSession, MatchingSessionStatus, Meeting, RequestStatus, SessionCoordinator
from matching.models import SessionParticipant as Participant
from matching.selectors.timetables import session_timetables, timetable_build
from members.models import Role
from tests.factories import ContactFactory, OrganizationFactory, UserFactory
from tests.matching.factories import (
    MatchingSessionFactory,
    MeetingFactory,
    MeetingRequestFactory,
    SessionParticipantFactory,
)

pytestmark = pytest.mark.django_db


@dataclass
class Built:
    session: MatchingSession
    a: Participant  # the member user's organisation
    b: Participant
    c: Participant  # its attendee has no email address
    coordinator: object
    ab: Meeting
    ac: Meeting
    bc: Meeting


def meeting(session, requester, requested, *, slot, table, coordinator=None, **kwargs):
    request = MeetingRequestFactory(
        session=session, requester=requester, requested=requested, status=RequestStatus.ACCEPTED, **kwargs
    )
    return MeetingFactory(
        request=request, session=session, slot=session.slots.get(index=slot), table=table, coordinator=coordinator
    )


def build_session(member_org, other_org, *, status=MatchingSessionStatus.SCHEDULING) -> Built:
    """Three participants and three meetings in four slots: A–B (slot 1, table 1, with the coordinator),
    B–C (slot 2, table 1), C–A (slot 3, table 2)."""
    session = MatchingSessionFactory(status=status, event__title="多摩ものづくりマッチング会")
    a = SessionParticipantFactory(
        session=session,
        organization=member_org,
        contact=ContactFactory(organization=member_org, name="山田 花子", email="hanako@tama.example.jp"),
    )
    b = SessionParticipantFactory(session=session, organization=other_org)
    third = OrganizationFactory(name="東京光学株式会社", name_kana="トウキョウコウガク")
    c = SessionParticipantFactory(
        session=session, organization=third, contact=ContactFactory(organization=third, email="")
    )
    coordinator = UserFactory(role=Role.COORDINATOR, last_name="佐藤", first_name="一郎", email="sato@example.jp")
    SessionCoordinator.objects.create(session=session, user=coordinator)
    ab = meeting(session, a, b, slot=0, table=1, coordinator=coordinator, purpose="樹脂部品の軽量化について")
    bc = meeting(session, b, c, slot=1, table=1)
    ac = meeting(session, c, a, slot=2, table=2)
    return Built(session, a, b, c, coordinator, ab, ac, bc)


@pytest.fixture
def built(member_org, other_org):
    return build_session(member_org, other_org)


def _filled(timetable):
    return [(row.slot, row.table, row.parties, row.coordinator) for row in timetable.rows if row.meeting_id]


def test_a_participant_timetable_lists_its_meetings_with_the_other_party_in_every_slot(built):
    timetable = timetable_build(session=built.session, audience="participant", target_id=built.a.pk)
    assert timetable.title == "株式会社多摩精密"
    assert timetable.person == "山田 花子"
    assert [row.slot for row in timetable.rows] == [0, 1, 2, 3]  # free slots are rows too
    assert _filled(timetable) == [
        (0, 1, ("相模原電機株式会社",), "佐藤 一郎"),
        (2, 2, ("東京光学株式会社",), ""),
    ]


def test_a_table_timetable_shows_who_sits_there_slot_by_slot(built):
    timetable = timetable_build(session=built.session, audience="table", target_id=2)
    assert _filled(timetable) == [(2, 2, ("東京光学株式会社", "株式会社多摩精密"), "")]
    table_1 = timetable_build(session=built.session, audience="table", target_id=1)
    assert _filled(table_1) == [
        (0, 1, ("株式会社多摩精密", "相模原電機株式会社"), "佐藤 一郎"),
        (1, 1, ("相模原電機株式会社", "東京光学株式会社"), ""),
    ]
    assert timetable_build(session=built.session, audience="table", target_id=9) is None  # 8 tables


def test_a_coordinator_timetable_holds_only_their_meetings(built):
    timetable = timetable_build(session=built.session, audience="coordinator", target_id=built.coordinator.pk)
    assert timetable.meeting_count == 1
    assert _filled(timetable) == [(0, 1, ("株式会社多摩精密", "相模原電機株式会社"), "佐藤 一郎")]


def test_the_index_has_one_timetable_per_participant_table_and_coordinator(built):
    every = session_timetables(session=built.session)
    assert {t.target_id for t in every.participants} == {built.a.pk, built.b.pk, built.c.pk}
    assert len(every.tables) == 8
    assert [t.target_id for t in every.coordinators] == [built.coordinator.pk]


def _pdf_text(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def test_the_participant_pdf_is_one_a4_page_in_japanese(built, client_for):
    url = reverse("timetable-pdf", args=[built.session.pk, "participant", built.a.pk])
    response = client_for(Role.MEMBER).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == [595, 842]
    text = reader.pages[0].extract_text()
    for words in [
        "タイムテーブル",
        "株式会社多摩精密",
        "山田 花子",
        "相模原電機株式会社",
        "東京光学株式会社",
        "佐藤 一郎",
    ]:
        assert words in text
    fonts = reader.pages[0]["/Resources"]["/Font"].get_object()
    assert all("IPAexGothic" in font.get_object()["/BaseFont"] for font in fonts.values())


def test_format_pdf_on_the_page_url_answers_the_pdf(built, client_for):
    url = reverse("timetable", args=[built.session.pk, "participant", built.a.pk])
    response = client_for(Role.MEMBER).get(url + "?format=pdf")
    assert response["Content-Type"] == "application/pdf"


def test_print_all_gives_one_page_per_timetable_and_print_tables_one_per_table(built, client_for):
    client = client_for(Role.SECRETARIAT)
    url = reverse("timetable-index-pdf", args=[built.session.pk])
    pages = _pdf_text(client.get(url).content)
    assert len(pages) == 3 + 8 + 1
    tables = _pdf_text(client.get(url + "?audience=table").content)
    assert len(tables) == 8
    assert "テーブル別タイムテーブル" in tables[1] and "東京光学株式会社" in tables[1]
    assert "佐藤 一郎" in pages[-1]


def test_the_member_sees_its_own_timetable_in_japanese(built, client_for):
    response = client_for(Role.MEMBER).get(reverse("timetable", args=[built.session.pk, "participant", built.a.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "相模原電機株式会社" in page and "東京光学株式会社" in page
    assert "タイムテーブル" in page


@pytest.mark.parametrize(
    ("audience", "target"), [("participant", "b"), ("table", 1), ("coordinator", "coordinator"), ("nonsense", 1)]
)
def test_a_member_gets_404_for_any_other_timetable(built, client_for, audience, target):
    target_id = target if isinstance(target, int) else getattr(built, target).pk
    response = client_for(Role.MEMBER).get(reverse("timetable", args=[built.session.pk, audience, target_id]))
    assert response.status_code == 404


def test_a_member_of_another_organisation_gets_404_for_the_session(built, client_for):
    # The bank user's organisation does not take part.
    url = reverse("timetable", args=[built.session.pk, "participant", built.a.pk])
    assert client_for(Role.BANK).get(url).status_code == 404


def test_the_session_coordinator_sees_every_timetable_and_another_coordinator_only_their_own(built, client):
    client.force_login(built.coordinator, backend="members.backends.UsernameOrEmailBackend")
    for audience, target in [("participant", built.b.pk), ("table", 2), ("coordinator", built.coordinator.pk)]:
        assert client.get(reverse("timetable", args=[built.session.pk, audience, target])).status_code == 200
    assert client.get(reverse("timetable-index", args=[built.session.pk])).status_code == 200
    other = UserFactory(role=Role.COORDINATOR)
    client.force_login(other, backend="members.backends.UsernameOrEmailBackend")
    assert client.get(reverse("timetable", args=[built.session.pk, "table", 2])).status_code == 403
    assert client.get(reverse("timetable-index", args=[built.session.pk])).status_code == 403
    own = reverse("timetable", args=[built.session.pk, "coordinator", other.pk])
    assert client.get(own).status_code == 404  # not in this session: no timetable


def test_members_cannot_open_the_index(built, client_for):
    assert client_for(Role.MEMBER).get(reverse("timetable-index", args=[built.session.pk])).status_code == 403


def test_the_index_page_costs_the_same_queries_however_many_meetings(
    member_org, other_org, client_for, django_assert_max_num_queries
):
    built = build_session(member_org, other_org)
    client = client_for(Role.SECRETARIAT)
    url = reverse("timetable-index", args=[built.session.pk])
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for index in range(4):
        first, second = (
            SessionParticipantFactory(session=built.session),
            SessionParticipantFactory(session=built.session),
        )
        meeting(
            built.session, first, second, slot=index, table=3 + index, coordinator=UserFactory(role=Role.COORDINATOR)
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_session_page_links_staff_to_the_timetables_outcomes_and_report(built, client_for):
    page = client_for(Role.SECRETARIAT).get(reverse("session-detail", args=[built.session.pk])).content.decode()
    for name in ["timetable-index", "meeting-outcome", "session-report"]:
        assert reverse(name, args=[built.session.pk]) in page
