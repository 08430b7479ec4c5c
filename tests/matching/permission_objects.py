"""Objects the permission matrix (tests/test_permissions.py) needs for the matching URLs: one function per
area, each returning the URL kwargs it names, merged into the matrix's `objects` fixture."""

from members.models import Organization
from tests.factories import OrganizationFactory
from tests.matching.factories import NeedFactory, SeedFactory


def entries_objects(other: Organization | None = None) -> dict[str, int]:
    """An active seed and an active need of `other` (an organisation that is neither the member's nor the
    bank user's), both visible to all members: member and bank users may read them, not edit them."""
    owner = other or OrganizationFactory(name="相模原電機株式会社", name_kana="サガミハラデンキ")
    return {
        "seed_id": SeedFactory(owner=owner).pk,
        "need_id": NeedFactory(owner=owner).pk,
    }


def cases_objects(other: Organization | None = None) -> dict[str, int]:
    """A matching case between `other` and a second organisation, neither the member's nor the bank user's."""
    from tests.matching.factories import MatchingCaseFactory

    case = MatchingCaseFactory()
    case.parties.create(organization=other or OrganizationFactory())
    case.parties.create(organization=OrganizationFactory())
    return {"case_id": case.pk}


def recommendations_objects() -> dict[str, int]:
    """A coordinators' synonym group."""
    from matching.models import SynonymGroup

    return {"synonym_group_id": SynonymGroup.objects.create(terms=["はがす", "剥離"]).pk}


def sessions_objects() -> dict[str, int]:
    """A matching session taking requests in which the member user's organisation participates (the bank
    user's does not: 404 for them), with a pending request from another participant to the member's
    organisation, and a session coordinator who is not the matrix's coordinator user (so that user sees the
    session but does not run it)."""
    from matching.models import SessionCoordinator
    from members.models import Role, User
    from tests.factories import UserFactory
    from tests.matching.factories import MatchingSessionFactory, MeetingRequestFactory, SessionParticipantFactory

    session = MatchingSessionFactory()
    # The matrix's users exist by now (its test asks for `users` before `objects`).
    member = User.objects.filter(role=Role.MEMBER).order_by("pk").first()
    own = SessionParticipantFactory(
        session=session, **({"organization": member.organization} if member and member.organization else {})
    )
    request = MeetingRequestFactory(session=session, requested=own)
    coordinator = SessionCoordinator.objects.create(
        session=session, user=UserFactory(role=Role.COORDINATOR, username="session-coordinator")
    )
    return {
        "matching_session_id": session.pk,
        "participant_id": own.pk,
        "request_id": request.pk,
        "coordinator_id": coordinator.pk,
    }


def outcomes_objects() -> dict[str, int | str]:
    """A meeting in the sessions' matrix session (call after `sessions_objects`) between the member user's
    organisation's participant and another participant, in the first slot at table 1; the timetable kwargs
    name that participant's timetable (its own for the member user; 404 for the bank user)."""
    from matching.models import RequestStatus, SessionParticipant
    from members.models import Role, User
    from tests.matching.factories import MeetingFactory, MeetingRequestFactory, SessionParticipantFactory

    member = User.objects.filter(role=Role.MEMBER).order_by("pk").first()
    own = SessionParticipant.objects.filter(organization_id=member.organization_id if member else None).last()
    if own is None:  # run alone: a session of its own
        own = SessionParticipantFactory()
    request = MeetingRequestFactory(
        session=own.session,
        requester=own,
        requested=SessionParticipantFactory(session=own.session),
        status=RequestStatus.ACCEPTED,
    )
    return {"meeting_id": MeetingFactory(request=request).pk, "audience": "participant", "target_id": own.pk}


def scheduling_objects() -> dict[str, int]:
    """A finished preview run of the sessions' matrix session (call after `sessions_objects`)."""
    from matching.models import MatchingSession, ScheduleRun, ScheduleRunStatus
    from members.models import Role, User

    session = MatchingSession.objects.order_by("pk").last()
    staff = User.objects.filter(role=Role.SECRETARIAT).order_by("pk").first()
    if session is None or staff is None:  # run alone
        from tests.factories import UserFactory
        from tests.matching.factories import MatchingSessionFactory

        session, staff = session or MatchingSessionFactory(), staff or UserFactory(role=Role.SECRETARIAT)
    run = ScheduleRun.objects.create(
        session=session, exact=False, status=ScheduleRunStatus.DONE, min_meetings=1, created_by=staff, weight=0
    )
    return {"schedule_run_id": run.pk}
