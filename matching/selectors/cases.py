"""Reads of matching cases: the list with its filters, one case with its history, and the pipeline.

Cases are the coordinators' working files (who is talking to whom, why a case was dropped): a viewer who may
not coordinate gets an empty queryset here whatever the view asks, so no page or API can leak one.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.utils.translation import gettext_lazy

from billing.fiscal import fiscal_year_bounds
from clusternet.core.text import search_key
from matching.models import CaseParty, CaseStage, CaseStageMove, MatchingCase, TechField
from matching.permissions import can_coordinate
from members.models import STAFF_ROLES, Role, User

Viewer = User | AnonymousUser
INTERNAL_ONLY_MESSAGE = gettext_lazy("Matching cases are for the association's staff and coordinators only.")
# Cards shown per pipeline column; the column's count still says how many there are.
PIPELINE_CARDS = 30
COORDINATOR_NAME = ["coordinator", "coordinator__last_name", "coordinator__first_name", "coordinator__username"]


@dataclass(frozen=True)
class CaseFilters:
    stage: str | None = None
    coordinator_id: int | None = None
    field: str | None = None
    fiscal_year: int | None = None
    text: str = ""
    organization_id: int | None = None


def _parties() -> Prefetch:
    return Prefetch(
        "parties", queryset=CaseParty.objects.select_related("organization").order_by("organization__name_kana", "pk")
    )


def case_list(*, viewer: Viewer, filters: CaseFilters | None = None) -> QuerySet[MatchingCase]:
    """Newest introduction first, with coordinator, seed, need and parties in a fixed number of queries."""
    if not can_coordinate(viewer):
        return MatchingCase.objects.none()
    cases = MatchingCase.objects.select_related("coordinator", "seed", "need").prefetch_related(_parties())
    filters = filters or CaseFilters()
    if filters.stage:
        cases = cases.filter(stage=filters.stage)
    if filters.coordinator_id:
        cases = cases.filter(coordinator_id=filters.coordinator_id)
    if filters.field:
        cases = cases.filter(field=filters.field)
    if filters.fiscal_year:
        first, last = fiscal_year_bounds(filters.fiscal_year)
        cases = cases.filter(opened_on__gte=first, opened_on__lte=last)
    if filters.organization_id:
        cases = cases.filter(
            Exists(CaseParty.objects.filter(case=OuterRef("pk"), organization_id=filters.organization_id))
        )
    if text := filters.text.strip():
        # A party's name or kana (folded like the register's search), or words of the title or note.
        party = Exists(
            CaseParty.objects.filter(case=OuterRef("pk"), organization__search_key__contains=search_key(text))
        )
        cases = cases.filter(party | Q(title__icontains=text) | Q(note__icontains=text))
    return cases.order_by("-opened_on", "-pk")


def case_get(*, viewer: Viewer, pk: int) -> MatchingCase:
    """One case with its moves (oldest first, with who moved) and parties."""
    moves = CaseStageMove.objects.select_related("moved_by").order_by("moved_on", "pk")
    case = case_list(viewer=viewer).prefetch_related(Prefetch("moves", queryset=moves)).filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


def coordinators() -> QuerySet[User]:
    """The users a case can be given to: active staff and coordinators."""
    return User.objects.filter(role__in=[*STAFF_ROLES, Role.COORDINATOR], is_active=True).order_by(
        "last_name", "first_name", "username"
    )


@dataclass
class PipelineColumn:
    stage: str
    label: str
    count: int = 0
    cases: list[MatchingCase] = field(default_factory=list)


@dataclass
class PipelineGroup:
    """One row of the counts by coordinator or by field: how many cases sit at each stage."""

    key: str
    label: str
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass
class Pipeline:
    columns: list[PipelineColumn]
    groups: list[PipelineGroup]


def pipeline(*, viewer: Viewer, filters: CaseFilters | None = None, group_by: str = "coordinator") -> Pipeline:
    """The cases by current stage (dropped last), at most PIPELINE_CARDS per column, latest moved first; and the
    counts per stage grouped by coordinator or by field. Four queries however many cases."""
    filters = filters or CaseFilters()
    cases = case_list(viewer=viewer, filters=CaseFilters(**{**filters.__dict__, "stage": None}))
    columns = {stage.value: PipelineColumn(stage=stage.value, label=str(stage.label)) for stage in CaseStage}
    for row in cases.order_by().values("stage").annotate(count=Count("pk")):
        columns[row["stage"]].count = row["count"]
    cards = (
        cases.annotate(
            position=Window(RowNumber(), partition_by=[F("stage")], order_by=[F("updated_at").desc(), F("pk").desc()])
        )
        .filter(position__lte=PIPELINE_CARDS)
        .order_by("stage", "position")
    )
    for case in cards:
        columns[case.stage].cases.append(case)

    stages = [stage.value for stage in CaseStage]
    groups: dict[str, PipelineGroup] = {}
    if group_by == "field":
        labels = dict(TechField.choices)
        for row in cases.order_by().values("field", "stage").annotate(count=Count("pk")):
            group = groups.setdefault(
                row["field"], PipelineGroup(key=row["field"], label=str(labels[row["field"]]), counts=[0] * len(stages))
            )
            group.counts[stages.index(row["stage"])] = row["count"]
        ordered = [groups[value] for value in TechField.values if value in groups]
    else:
        rows = (
            cases.order_by()
            .values(
                "coordinator", "coordinator__last_name", "coordinator__first_name", "coordinator__username", "stage"
            )
            .annotate(count=Count("pk"))
        )
        for row in rows:
            name = f"{row['coordinator__last_name']} {row['coordinator__first_name']}".strip()
            group = groups.setdefault(
                str(row["coordinator"]),
                PipelineGroup(
                    key=str(row["coordinator"]), label=name or row["coordinator__username"], counts=[0] * len(stages)
                ),
            )
            group.counts[stages.index(row["stage"])] += row["count"]
        ordered = sorted(groups.values(), key=lambda g: g.label)
    return Pipeline(columns=list(columns.values()), groups=ordered)
