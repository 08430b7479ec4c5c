"""After a matching session: each side rates each of its meetings, and the outcome of a meeting is recorded.

Ratings (`meeting_rate`): one per meeting and side, changed by rating again. The participant's organisation
users rate for their side; staff and the session's coordinators may rate for either side (from a paper
form). A meeting can be rated once its slot has started, or at any time once the session is finished.
A rating decides whether the meeting was held: "did not take place" from either side marks it NOT_HELD
(one side not finding the other is enough to say the meeting did not happen); any other rating, with no
side saying so, marks it HELD.

Outcomes (`meeting_outcome_record`): by staff, the session's coordinators or either side's organisation
users, from the same moment. No follow-up / continuing / negotiating / deal; a deal carries its amount in
yen (0 or more), the others none. A meeting marked as not held has no follow-up to record beyond "no
follow-up". Continuing, negotiating and a deal become or update a matching case
(`matching.services.cases.case_from_meeting`); recording an outcome of a meeting nobody rated yet marks it
held.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusternet.core.exceptions import ApplicationError
from clusternet.core.permissions import require
from matching.models import (
    MatchingSessionStatus,
    Meeting,
    MeetingOutcome,
    MeetingRating,
    MeetingRatingChoice,
    MeetingStatus,
    SessionParticipant,
)
from matching.permissions import can_run_session
from matching.services.cases import FOLLOW_UP_OUTCOMES, case_from_meeting
from members.models import ORGANIZATION_ROLES, User


def _speaks_for(actor: User, participant: SessionParticipant) -> bool:
    return bool(
        actor.is_authenticated
        and actor.role in ORGANIZATION_ROLES
        and actor.organization_id
        and actor.organization_id == participant.organization_id
    )


def _sides(meeting: Meeting) -> list[SessionParticipant]:
    return [meeting.request.requester, meeting.request.requested]


def _check_started(meeting: Meeting) -> None:
    if meeting.session.status == MatchingSessionStatus.FINISHED:
        return
    if meeting.slot.starts_at > timezone.now():
        raise ApplicationError(
            _("The meeting has not started yet: it can be rated and its outcome recorded once it has."),
            extra={"field": "meeting"},
        )


def _locked_meeting(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("session", "slot", "request__requester", "request__requested")
        .get(pk=meeting.pk)
    )


def _held_status(meeting: Meeting) -> str:
    ratings = set(MeetingRating.objects.filter(meeting=meeting).values_list("rating", flat=True))
    if MeetingRatingChoice.NOT_HELD in ratings:
        return MeetingStatus.NOT_HELD
    return MeetingStatus.HELD if ratings else MeetingStatus.SCHEDULED


@transaction.atomic
def meeting_rate(
    *,
    actor: User,
    meeting: Meeting,
    participant: SessionParticipant,
    rating: str,
    comment: str = "",
) -> MeetingRating:
    """Rates a meeting for one side (or changes that side's rating); see the module docstring."""
    meeting = _locked_meeting(meeting)
    sides = _sides(meeting)
    if not (can_run_session(actor, meeting.session) or any(_speaks_for(actor, side) for side in sides)):
        require(False)
    if participant.pk not in {side.pk for side in sides}:
        raise ApplicationError(_("This participant did not take part in the meeting."), extra={"field": "participant"})
    participant = next(side for side in sides if side.pk == participant.pk)
    if not can_run_session(actor, meeting.session) and not _speaks_for(actor, participant):
        raise ApplicationError(
            _("You can rate a meeting only for your own organisation."), extra={"field": "participant"}
        )
    if rating not in MeetingRatingChoice.values:
        raise ApplicationError(_("Choose one of the ratings."), extra={"field": "rating"})
    if meeting.outcome in FOLLOW_UP_OUTCOMES and rating == MeetingRatingChoice.NOT_HELD:
        raise ApplicationError(
            _("The meeting has a follow-up recorded, so it took place: correct the outcome first."),
            extra={"field": "rating"},
        )
    _check_started(meeting)
    record, _created = MeetingRating.objects.update_or_create(
        meeting=meeting,
        participant=participant,
        defaults={"rating": rating, "comment": (comment or "").strip(), "rated_by": actor},
    )
    status = _held_status(meeting)
    if meeting.status != status:
        meeting.status = status
        meeting._history_user = actor  # type: ignore[attr-defined]
        meeting.save(update_fields=["status", "updated_at"])
    return record


@transaction.atomic
def meeting_outcome_record(*, actor: User, meeting: Meeting, outcome: str, deal_amount: int | None = None) -> Meeting:
    """Records what came of a meeting; continuing, negotiating and deals become or update a matching case."""
    meeting = _locked_meeting(meeting)
    if not (can_run_session(actor, meeting.session) or any(_speaks_for(actor, side) for side in _sides(meeting))):
        require(False)
    if outcome not in MeetingOutcome.values:
        raise ApplicationError(_("Choose one of the outcomes."), extra={"field": "outcome"})
    if outcome == MeetingOutcome.DEAL:
        if deal_amount is None:
            raise ApplicationError(_("Enter the amount of the deal in yen."), extra={"field": "deal_amount"})
        if isinstance(deal_amount, bool) or not isinstance(deal_amount, int) or deal_amount < 0:
            raise ApplicationError(
                _("The amount of a deal is a whole number of yen, 0 or more."), extra={"field": "deal_amount"}
            )
    elif deal_amount is not None:
        raise ApplicationError(_("Only a deal has an amount."), extra={"field": "deal_amount"})
    if outcome in FOLLOW_UP_OUTCOMES and meeting.status == MeetingStatus.NOT_HELD:
        raise ApplicationError(
            _("The meeting did not take place, so it has no follow-up: correct its rating first."),
            extra={"field": "outcome"},
        )
    _check_started(meeting)
    meeting.outcome = outcome
    meeting.deal_amount = deal_amount
    meeting.outcome_recorded_at = timezone.now()
    meeting.outcome_recorded_by = actor
    if meeting.status == MeetingStatus.SCHEDULED:
        meeting.status = MeetingStatus.HELD
    meeting._history_user = actor  # type: ignore[attr-defined]
    meeting.save(
        update_fields=["outcome", "deal_amount", "outcome_recorded_at", "outcome_recorded_by", "status", "updated_at"]
    )
    if outcome in FOLLOW_UP_OUTCOMES:
        case_from_meeting(actor=actor, meeting=meeting)
        meeting.refresh_from_db(fields=["case"])
    return meeting
