"""Writes to matching cases (連携案件): opening a case, moving it along the pipeline, its amounts, and the case
a matching-session meeting with a follow-up turns into.

Moves: a case moves forward only, and may skip stages (a firm that goes straight from the meeting to a
prototype skips joint development). A move back is refused: the funnel counts the furthest stage reached, so
an earlier stage would say nothing new. Dropping needs a reason and keeps the furthest stage, so a dropped case
still counts at the stage where it stopped. A dropped or first-sales case is finished: no more moves.
Each move is a dated, attributed `CaseStageMove`; the date is neither in the future nor before the case opened,
nor before the previous move.
"""

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from clusternet.core.exceptions import ApplicationError
from matching.models import (
    CaseParty,
    CaseStage,
    CaseStageMove,
    MatchingCase,
    Meeting,
    MeetingOutcome,
    Need,
    Seed,
    SessionCoordinator,
    TechField,
)
from members.models import Organization, User

FINISHED_STAGES = {CaseStage.DROPPED, CaseStage.FIRST_SALES}
FOLLOW_UP_OUTCOMES = {MeetingOutcome.CONTINUING, MeetingOutcome.NEGOTIATING, MeetingOutcome.DEAL}
UPDATE_FIELDS = ["title", "field", "note", "coordinator", "opened_on"]


def _record_move(
    *, actor: User, case: MatchingCase, from_stage: str, to_stage: str, moved_on: datetime.date, note: str = ""
) -> CaseStageMove:
    return CaseStageMove.objects.create(
        case=case, from_stage=from_stage, to_stage=to_stage, moved_on=moved_on, moved_by=actor, note=note
    )


def _set_parties(case: MatchingCase, organization_ids: Sequence[int]) -> None:
    """Adds the missing parties; a party once linked stays (the case's history names it)."""
    existing = set(case.parties.values_list("organization_id", flat=True))
    CaseParty.objects.bulk_create(
        [CaseParty(case=case, organization_id=pk) for pk in dict.fromkeys(organization_ids) if pk not in existing]
    )


def _meeting_coordinator(*, actor: User, meeting: Meeting) -> User | None:
    if meeting.coordinator_id is not None:
        return meeting.coordinator
    if actor is not None and actor.is_authenticated and actor.is_internal:
        return actor
    first = (
        SessionCoordinator.objects.filter(session_id=meeting.session_id).select_related("user").order_by("pk").first()
    )
    if first is not None:
        return first.user
    # A session without coordinators: the staff member who published its schedule follows the case.
    return meeting.session.published_by


def _meeting_title(*, seed: Seed | None, need: Need | None, organizations: Sequence[Organization]) -> str:
    if seed is not None and need is not None:
        title = f"{seed.title} × {need.title}"
    elif seed is not None or need is not None:
        title = (seed or need).title  # type: ignore[union-attr]
    else:
        title = " × ".join(o.name for o in organizations)
    return title[:200]


def _open_case_for(*, organization_ids: Sequence[int], seed_id: int | None, need_id: int | None) -> MatchingCase | None:
    """An open (not dropped) case between these two organisations about the same seed and need."""
    same_entries: dict[str, Any] = {"seed_id": seed_id, "need_id": need_id}
    cases = MatchingCase.objects.exclude(stage=CaseStage.DROPPED).filter(**same_entries)
    for pk in organization_ids:
        cases = cases.filter(Exists(CaseParty.objects.filter(case=OuterRef("pk"), organization_id=pk)))
    return cases.select_for_update().order_by("pk").first()


@transaction.atomic
def case_from_meeting(*, actor: User, meeting: Meeting) -> MatchingCase:
    """The case a meeting with a follow-up (continuing, negotiating, deal) becomes, or the one it updates.

    Uses `meeting.case` if set, else an open case between the same two organisations about the same seed and
    need, else opens one on the meeting's day, followed by the meeting's coordinator, else the actor when
    internal, else the session's first coordinator, else whoever published the schedule. Both organisations
    become parties; the stage is at least "meeting held" (a dropped or finished case is left where it is); the
    deal value is at least the sum of the deals recorded at the case's meetings. Sets `meeting.case`. Calling
    it again changes nothing more.
    Call it after the outcome is saved: the meeting is read back from the database.
    """
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related(
            "request__requester__organization",
            "request__requested__organization",
            "request__seed",
            "request__need",
            "slot",
            "coordinator",
        )
        .get(pk=meeting.pk)
    )
    if meeting.outcome not in FOLLOW_UP_OUTCOMES:
        raise ApplicationError(
            _("Only a meeting that continues, is negotiating or made a deal becomes a matching case."),
            extra={"field": "outcome"},
        )
    request = meeting.request
    organizations = [request.requester.organization, request.requested.organization]
    organization_ids = [o.pk for o in organizations]
    held_on = min(timezone.localdate(meeting.slot.starts_at), timezone.localdate())

    changed = False
    case: MatchingCase | None = None
    if meeting.case_id is not None:
        case = MatchingCase.objects.select_for_update().get(pk=meeting.case_id)
    else:
        case = _open_case_for(organization_ids=organization_ids, seed_id=request.seed_id, need_id=request.need_id)

    if case is None:
        coordinator = _meeting_coordinator(actor=actor, meeting=meeting)
        if coordinator is None:
            raise ApplicationError(
                _("The meeting has no coordinator: give the session a coordinator first."),
                extra={"field": "coordinator"},
            )
        entry = request.seed or request.need
        case = MatchingCase(
            title=_meeting_title(seed=request.seed, need=request.need, organizations=organizations),
            # A meeting about no entry has no field of its own; manufacturing is the association's main one.
            field=entry.field if entry is not None else TechField.MANUFACTURING,
            seed=request.seed,
            need=request.need,
            coordinator=coordinator,
            opened_on=held_on,
            stage=CaseStage.MEETING_HELD,
            furthest_stage=CaseStage.MEETING_HELD,
        )
        case._history_user = actor  # type: ignore[attr-defined]
        case.save()
        _record_move(
            actor=actor, case=case, from_stage="", to_stage=CaseStage.MEETING_HELD, moved_on=held_on,
            note=str(meeting.session),
        )  # fmt: skip
    elif case.stage not in FINISHED_STAGES and CaseStage.rank(case.stage) < CaseStage.rank(CaseStage.MEETING_HELD):
        moved_on = max(held_on, case.opened_on)
        _record_move(
            actor=actor, case=case, from_stage=case.stage, to_stage=CaseStage.MEETING_HELD, moved_on=moved_on,
            note=str(meeting.session),
        )  # fmt: skip
        case.stage = CaseStage.MEETING_HELD
        case.furthest_stage = CaseStage.MEETING_HELD
        changed = True

    _set_parties(case, organization_ids)
    if meeting.case_id != case.pk:
        meeting.case = case
        meeting._history_user = actor  # type: ignore[attr-defined]
        meeting.save(update_fields=["case", "updated_at"])

    deals = Meeting.objects.filter(case=case, outcome=MeetingOutcome.DEAL).aggregate(total=Sum("deal_amount"))
    if deals["total"] and (case.deal_value or 0) < deals["total"]:
        case.deal_value = deals["total"]
        changed = True
    if changed:
        case._history_user = actor  # type: ignore[attr-defined]
        case.save()
    return case


def _validate_case(case: MatchingCase, organizations: Sequence[Organization]) -> None:
    case.title = (case.title or "").strip()
    if not case.title:
        raise ApplicationError(_("Give the case a title."), extra={"field": "title"})
    if case.field not in TechField.values:
        raise ApplicationError(_("Choose the field of the case."), extra={"field": "field"})
    if case.coordinator_id is None:
        raise ApplicationError(_("Choose the coordinator of the case."), extra={"field": "coordinator"})
    if not case.coordinator.is_internal or not case.coordinator.is_active:
        raise ApplicationError(
            _("The coordinator of a case must be an active staff member or coordinator."),
            extra={"field": "coordinator"},
        )
    if case.opened_on is None:
        raise ApplicationError(_("Give the date the parties were introduced."), extra={"field": "opened_on"})
    if case.opened_on > timezone.localdate():
        raise ApplicationError(_("The introduction cannot be dated in the future."), extra={"field": "opened_on"})
    party_ids = {o.pk for o in organizations}
    # A case links the parties a match brought together: one organisation alone is no case.
    if len(party_ids) < 2:
        raise ApplicationError(_("A case links at least two organisations."), extra={"field": "organizations"})
    for entry, field in ((case.seed, "seed"), (case.need, "need")):
        if entry is not None and entry.owner_id not in party_ids:
            raise ApplicationError(
                _("The organisation of the %(entry)s must be one of the parties.")
                % {"entry": entry._meta.verbose_name},
                extra={"field": field},
            )
    case.full_clean(exclude=["seed", "need", "coordinator"])


@transaction.atomic
def case_create(
    *,
    actor: User,
    title: str,
    field: str,
    organizations: Sequence[Organization],
    coordinator: User | None,
    opened_on: datetime.date | None,
    seed: Seed | None = None,
    need: Need | None = None,
    note: str = "",
) -> MatchingCase:
    """Opens a case at "introduced" on the day the parties were introduced, with its first move."""
    if opened_on is None:
        raise ApplicationError(_("Give the date the parties were introduced."), extra={"field": "opened_on"})
    case = MatchingCase(
        title=title, field=field, coordinator=coordinator, opened_on=opened_on, seed=seed, need=need,
        note=(note or "").strip(), stage=CaseStage.INTRODUCED, furthest_stage=CaseStage.INTRODUCED,
    )  # fmt: skip
    _validate_case(case, organizations)
    case._history_user = actor  # type: ignore[attr-defined]
    case.save()
    _set_parties(case, [o.pk for o in organizations])
    _record_move(actor=actor, case=case, from_stage="", to_stage=CaseStage.INTRODUCED, moved_on=case.opened_on)
    return case


@transaction.atomic
def case_update(
    *,
    actor: User,
    case: MatchingCase,
    data: dict[str, Any],
    organizations: Sequence[Organization] | None = None,
) -> MatchingCase:
    """Changes the title, field, note, coordinator, introduction date and parties; the stage moves through
    `case_move`. A new introduction date cannot fall after a later move; the opening move follows it."""
    case = MatchingCase.objects.select_for_update().get(pk=case.pk)
    unknown = set(data) - {*UPDATE_FIELDS, "seed", "need"}
    if unknown:
        raise ApplicationError(_("Unknown field: %(field)s") % {"field": ", ".join(sorted(unknown))})
    for name, value in data.items():
        setattr(case, name, value)
    if organizations is None:
        organizations = list(Organization.objects.filter(matching_case_parties__case=case))
    _validate_case(case, organizations)
    later = case.moves.exclude(from_stage="").order_by("moved_on").first()
    if later is not None and case.opened_on > later.moved_on:
        raise ApplicationError(
            _("The introduction cannot be dated after the case's first move (%(date)s).") % {"date": later.moved_on},
            extra={"field": "opened_on"},
        )
    case._history_user = actor  # type: ignore[attr-defined]
    case.save()
    case.moves.filter(from_stage="").update(moved_on=case.opened_on)
    party_ids = [o.pk for o in organizations]
    case.parties.exclude(organization_id__in=party_ids).delete()
    _set_parties(case, party_ids)
    return case


@transaction.atomic
def case_move(
    *,
    actor: User,
    case: MatchingCase,
    to_stage: str,
    moved_on: datetime.date | None,
    note: str = "",
    drop_reason: str = "",
) -> MatchingCase:
    """Moves the case forward (stages may be skipped) or drops it with a reason; see the module's rules."""
    case = MatchingCase.objects.select_for_update().get(pk=case.pk)
    if to_stage not in CaseStage.values:
        raise ApplicationError(_("Unknown stage."), extra={"field": "to_stage"})
    if case.stage in FINISHED_STAGES:
        raise ApplicationError(
            _("The case is %(stage)s: it moves no further.") % {"stage": case.get_stage_display()},
            extra={"field": "to_stage"},
        )
    if to_stage == CaseStage.DROPPED:
        drop_reason = (drop_reason or "").strip()
        if not drop_reason:
            raise ApplicationError(_("Say why the case is dropped."), extra={"field": "drop_reason"})
    elif CaseStage.rank(to_stage) <= CaseStage.rank(case.stage):
        raise ApplicationError(
            _("A case only moves forward: it is already at %(stage)s.") % {"stage": case.get_stage_display()},
            extra={"field": "to_stage"},
        )
    if moved_on is None:
        raise ApplicationError(_("Give the date of the move."), extra={"field": "moved_on"})
    if moved_on > timezone.localdate():
        raise ApplicationError(_("A move cannot be dated in the future."), extra={"field": "moved_on"})
    if moved_on < case.opened_on:
        raise ApplicationError(
            _("A move cannot be dated before the introduction (%(date)s).") % {"date": case.opened_on},
            extra={"field": "moved_on"},
        )
    last = case.moves.order_by("-moved_on").first()
    if last is not None and moved_on < last.moved_on:
        raise ApplicationError(
            _("A move cannot be dated before the previous move (%(date)s).") % {"date": last.moved_on},
            extra={"field": "moved_on"},
        )
    _record_move(
        actor=actor, case=case, from_stage=case.stage, to_stage=to_stage, moved_on=moved_on,
        note=(note or "").strip() if to_stage != CaseStage.DROPPED else drop_reason,
    )  # fmt: skip
    if to_stage == CaseStage.DROPPED:
        case.drop_reason = drop_reason
    else:
        case.furthest_stage = to_stage
    case.stage = to_stage
    case._history_user = actor  # type: ignore[attr-defined]
    case.save(update_fields=["stage", "furthest_stage", "drop_reason", "updated_at"])
    return case


@transaction.atomic
def case_update_amounts(
    *, actor: User, case: MatchingCase, deal_value: int | None, subsidy_amount: int | None
) -> MatchingCase:
    """The deal value and the subsidy obtained, whole yen; empty for not known."""
    case = MatchingCase.objects.select_for_update().get(pk=case.pk)
    for value, field in ((deal_value, "deal_value"), (subsidy_amount, "subsidy_amount")):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            raise ApplicationError(_("Give the amount in whole yen, not below zero."), extra={"field": field})
    case.deal_value = deal_value
    case.subsidy_amount = subsidy_amount
    case._history_user = actor  # type: ignore[attr-defined]
    case.save(update_fields=["deal_value", "subsidy_amount", "updated_at"])
    return case
