"""Seeds and needs, the matching cases that follow a match, and matching sessions (マッチング会).

One module per area; everything is importable from `matching.models`.
"""

from matching.models.cases import CaseParty, CaseStage, CaseStageMove, MatchingCase
from matching.models.entries import (
    EntryStatus,
    Need,
    NeedTiming,
    PatentStatus,
    RecommendationFeedback,
    Seed,
    Stage,
    TechField,
    Visibility,
)
from matching.models.recommender import NeedIndex, SeedIndex, SynonymGroup
from matching.models.sessions import (
    MatchingSession,
    MatchingSessionStatus,
    Meeting,
    MeetingOutcome,
    MeetingRating,
    MeetingRatingChoice,
    MeetingRequest,
    MeetingStatus,
    ParticipantStatus,
    RequestStatus,
    ScheduleRun,
    ScheduleRunStatus,
    SessionCoordinator,
    SessionParticipant,
    SessionSlot,
    TimetableMail,
)

__all__ = [
    "CaseParty",
    "CaseStage",
    "CaseStageMove",
    "EntryStatus",
    "MatchingCase",
    "MatchingSession",
    "MatchingSessionStatus",
    "Meeting",
    "MeetingOutcome",
    "MeetingRating",
    "MeetingRatingChoice",
    "MeetingRequest",
    "MeetingStatus",
    "Need",
    "NeedIndex",
    "NeedTiming",
    "ParticipantStatus",
    "PatentStatus",
    "RecommendationFeedback",
    "RequestStatus",
    "ScheduleRun",
    "ScheduleRunStatus",
    "Seed",
    "SeedIndex",
    "SessionCoordinator",
    "SessionParticipant",
    "SessionSlot",
    "Stage",
    "SynonymGroup",
    "TechField",
    "TimetableMail",
    "Visibility",
]
