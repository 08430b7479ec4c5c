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
