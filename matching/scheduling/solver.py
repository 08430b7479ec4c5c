"""Place accepted meeting requests into (slot, table, coordinator) so that the total weight is as large as possible.

The exact model (HiGHS) decides only WHEN each request meets: x[r, s] = 1 if request r is held in slot s, with a
variable only where both parties and, if needed, a free coordinator are available. Tables are interchangeable and
so are coordinators within one slot (availability is per slot), so per-slot counts are enough:
  sum_r x[r, s] <= free tables in s;  sum_{r needs a coordinator} x[r, s] <= free coordinators in s;
  sum_{r involves p} x[r, s] <= 1 (a clique: all of p's requests in s);  sum_s x[r, s] <= 1.
Tables and coordinators are handed out afterwards in each slot, which the counts make always possible.

Fairness (`min_meetings=K`) is lexicographic: phase 1 maximises sum_p min(K, meetings_p) over every participant
with a request, phase 2 keeps that value and maximises the weight.
"""

import math
import os
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import highspy
import numpy as np

WEIGHT = {1: 3, 2: 2, 3: 1}


class InstanceError(ValueError):
    """The instance is not well formed; the message says what is wrong."""


@dataclass(frozen=True)
class Request:
    id: str
    a: str
    b: str
    priority: int
    needs_coordinator: bool = False

    @property
    def weight(self) -> int:
        return WEIGHT[self.priority]


@dataclass(frozen=True)
class Placement:
    request: Request
    slot: int
    table: int  # from 0 here; the UI and Meeting.table count from 1
    coordinator: str | None = None


@dataclass
class Instance:
    slots: int
    tables: int
    participants: dict[str, frozenset[int]]  # id -> unavailable slots
    coordinators: dict[str, frozenset[int]]
    requests: list[Request]
    # Locked or already held meetings: kept exactly as they are.
    fixed: list[Placement] = field(default_factory=list)
    # Slots no longer schedulable (already started on the day).
    closed_slots: frozenset[int] = frozenset()


@dataclass
class Result:
    placements: list[Placement]  # the fixed ones included
    weight: int
    bound: float  # an upper bound on the weight (the MIP dual bound; the greedy's is the sum of placeable weights)
    gap: float  # (bound - weight) / weight, 0 when proven optimal
    seconds: float
    status: str  # "optimal", "time_limit", "greedy", ...
    method: str = "exact"
    min_meetings: int = 0
    # sum over participants with a request of min(K, meetings): what the fairness phase reached.
    fairness: int = 0
    fairness_target: int = 0

    @property
    def placed(self) -> int:
        return len(self.placements)


# -- JSON edge ------------------------------------------------------------------------------------------------


def _slot_set(raw: Any, slots: int, whose: str) -> frozenset[int]:
    if not isinstance(raw, list):
        raise InstanceError(f"{whose}: unavailable_slots must be a list")
    for s in raw:
        if not isinstance(s, int) or isinstance(s, bool) or not 0 <= s < slots:
            raise InstanceError(f"{whose}: unknown slot {s!r} (slots are 0 to {slots - 1})")
    return frozenset(raw)


def instance_from_json(data: Any) -> Instance:
    """Read the instance format of shared/data/scheduling; any fault raises InstanceError saying what and where."""
    if not isinstance(data, dict):
        raise InstanceError("the instance must be a JSON object")
    for key in ("slots", "tables", "participants", "requests"):
        if key not in data:
            raise InstanceError(f"missing field {key!r}")
    slots, tables = data["slots"], data["tables"]
    for name, value in (("slots", slots), ("tables", tables)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise InstanceError(f"{name} must be a whole number of at least 1, not {value!r}")
    participants: dict[str, frozenset[int]] = {}
    for p in data["participants"]:
        pid = p.get("id") if isinstance(p, dict) else None
        if not isinstance(pid, str) or not pid:
            raise InstanceError(f"participant without an id: {p!r}")
        if pid in participants:
            raise InstanceError(f"participant {pid} is listed twice")
        participants[pid] = _slot_set(p.get("unavailable_slots", []), slots, f"participant {pid}")
    coordinators: dict[str, frozenset[int]] = {}
    for c in data.get("coordinators", []):
        cid = c.get("id") if isinstance(c, dict) else None
        if not isinstance(cid, str) or not cid:
            raise InstanceError(f"coordinator without an id: {c!r}")
        if cid in coordinators:
            raise InstanceError(f"coordinator {cid} is listed twice")
        coordinators[cid] = _slot_set(c.get("unavailable_slots", []), slots, f"coordinator {cid}")
    requests: list[Request] = []
    ids: set[str] = set()
    pairs: dict[tuple[str, str], str] = {}
    for r in data["requests"]:
        rid = r.get("id") if isinstance(r, dict) else None
        if not isinstance(rid, str) or not rid:
            raise InstanceError(f"request without an id: {r!r}")
        if rid in ids:
            raise InstanceError(f"request {rid} is listed twice")
        ids.add(rid)
        a, b = str(r.get("from")), str(r.get("to"))
        for who, raw in ((a, r.get("from")), (b, r.get("to"))):
            if not isinstance(raw, str) or who not in participants:
                raise InstanceError(f"request {rid} names an unknown participant {raw!r}")
        if a == b:
            raise InstanceError(f"request {rid} asks {a} to meet themselves")
        pair = (min(a, b), max(a, b))
        if pair in pairs:
            raise InstanceError(f"request {rid} repeats the pair {a}–{b} of request {pairs[pair]}")
        pairs[pair] = rid
        priority = r.get("priority")
        if priority not in WEIGHT or isinstance(priority, bool):
            raise InstanceError(f"request {rid}: priority must be 1, 2 or 3, not {priority!r}")
        needs = r.get("needs_coordinator", False)
        if not isinstance(needs, bool):
            raise InstanceError(f"request {rid}: needs_coordinator must be true or false")
        requests.append(Request(rid, a, b, priority, needs))
    if any(r.needs_coordinator for r in requests) and not coordinators:
        raise InstanceError("some requests need a coordinator but the instance has none")
    return Instance(slots, tables, participants, coordinators, requests)


def result_to_json(result: Result) -> dict[str, list[dict[str, Any]]]:
    meetings = sorted(result.placements, key=lambda p: (p.slot, p.table))
    return {
        "meetings": [
            {"request": p.request.id, "slot": p.slot, "table": p.table, "coordinator": p.coordinator} for p in meetings
        ]
    }


# -- the rules ------------------------------------------------------------------------------------------------


def validate(instance: Instance, placements: Iterable[Placement]) -> list[str]:
    """Every broken rule (the rules of shared/data/scheduling/check.py, plus fixed kept and closed slots unused)."""
    errors: list[str] = []
    known = {r.id for r in instance.requests} | {p.request.id for p in instance.fixed}
    placements = list(placements)
    seen: set[str] = set()
    busy: set[tuple[str, Any, int]] = set()
    fixed = set(instance.fixed)
    for f in instance.fixed:
        if f not in placements:
            errors.append(f"{f.request.id}: a fixed meeting was moved or dropped")
    for p in placements:
        r, s = p.request, p.slot
        if r.id not in known:
            errors.append(f"{r.id}: no such request")
        if r.id in seen:
            errors.append(f"{r.id}: scheduled twice")
        seen.add(r.id)
        if not 0 <= s < instance.slots:
            errors.append(f"{r.id}: slot {s} out of range")
        if not 0 <= p.table < instance.tables:
            errors.append(f"{r.id}: table {p.table} out of range")
        if s in instance.closed_slots and p not in fixed:
            errors.append(f"{r.id}: slot {s} is closed")
        for who in (r.a, r.b):
            if s in instance.participants.get(who, frozenset()):
                errors.append(f"{r.id}: {who} is unavailable in slot {s}")
            if ("p", who, s) in busy:
                errors.append(f"{r.id}: {who} has two meetings in slot {s}")
            busy.add(("p", who, s))
        if ("t", p.table, s) in busy:
            errors.append(f"{r.id}: table {p.table} used twice in slot {s}")
        busy.add(("t", p.table, s))
        if r.needs_coordinator and not p.coordinator:
            errors.append(f"{r.id}: needs a coordinator")
        if p.coordinator:
            if p.coordinator not in instance.coordinators:
                errors.append(f"{r.id}: no such coordinator {p.coordinator}")
            elif s in instance.coordinators[p.coordinator]:
                errors.append(f"{r.id}: coordinator {p.coordinator} is unavailable in slot {s}")
            if ("c", p.coordinator, s) in busy:
                errors.append(f"{r.id}: coordinator {p.coordinator} has two meetings in slot {s}")
            busy.add(("c", p.coordinator, s))
    return errors


# -- what is left to schedule once the fixed meetings are in ---------------------------------------------------


class _Free:
    """Capacities left by the fixed meetings, and the slots each open request could use."""

    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        fixed_ids = {f.request.id for f in instance.fixed}
        self.requests = [r for r in instance.requests if r.id not in fixed_ids]
        busy: set[tuple[str, int]] = set()
        used_tables: dict[int, set[int]] = defaultdict(set)
        used_coords: dict[int, set[str]] = defaultdict(set)
        self.fixed_count: dict[str, int] = defaultdict(int)
        for f in instance.fixed:
            busy.update({(f.request.a, f.slot), (f.request.b, f.slot)})
            used_tables[f.slot].add(f.table)
            if f.coordinator:
                used_coords[f.slot].add(f.coordinator)
            self.fixed_count[f.request.a] += 1
            self.fixed_count[f.request.b] += 1
        open_slots = [s for s in range(instance.slots) if s not in instance.closed_slots]
        self.tables = {s: [t for t in range(instance.tables) if t not in used_tables[s]] for s in open_slots}
        self.coordinators = {
            s: sorted(c for c, away in instance.coordinators.items() if s not in away and c not in used_coords[s])
            for s in open_slots
        }
        self.slots: dict[str, list[int]] = {}
        for r in self.requests:
            away_a, away_b = instance.participants[r.a], instance.participants[r.b]
            self.slots[r.id] = [
                s
                for s in open_slots
                if self.tables[s]
                and s not in away_a
                and s not in away_b
                and (r.a, s) not in busy
                and (r.b, s) not in busy
                and (not r.needs_coordinator or self.coordinators[s])
            ]
        self.busy = busy
        # Everyone with a request counts for fairness, held or not.
        self.people = sorted({p for r in instance.requests for p in (r.a, r.b)})

    def place(self, chosen: list[tuple[Request, int]]) -> list[Placement]:
        """Hand out tables and coordinators slot by slot; the per-slot counts guarantee there are enough."""
        by_slot: dict[int, list[Request]] = defaultdict(list)
        for r, s in chosen:
            by_slot[s].append(r)
        out = list(self.instance.fixed)
        for s, reqs in by_slot.items():
            tables, coords = iter(self.tables[s]), iter(self.coordinators[s])
            for r in sorted(reqs, key=lambda r: r.id):
                out.append(Placement(r, s, next(tables), next(coords) if r.needs_coordinator else None))
        return out

    def fairness(self, placements: list[Placement], k: int) -> int:
        count: dict[str, int] = defaultdict(int)
        for p in placements:
            count[p.request.a] += 1
            count[p.request.b] += 1
        return sum(min(k, count[p]) for p in self.people)

    def placeable_weight(self) -> int:
        fixed = sum(f.request.weight for f in self.instance.fixed)
        return fixed + sum(r.weight for r in self.requests if self.slots[r.id])


def _result(
    free: _Free, placements: list[Placement], *, bound: float, seconds: float, status: str, method: str, k: int
) -> Result:
    weight = sum(p.request.weight for p in placements)
    bound = max(bound, weight)
    return Result(
        placements=placements,
        weight=weight,
        bound=bound,
        gap=0.0 if bound - weight < 1 else (bound - weight) / max(weight, 1),
        seconds=round(seconds, 3),
        status=status,
        method=method,
        min_meetings=k,
        fairness=free.fairness(placements, k) if k else 0,
        fairness_target=len(free.people) * k,
    )


# -- greedy ---------------------------------------------------------------------------------------------------


def _greedy_choice(free: _Free, min_meetings: int) -> list[tuple[Request, int]]:
    busy = set(free.busy)
    tables_left = {s: len(t) for s, t in free.tables.items()}
    coords_left = {s: len(c) for s, c in free.coordinators.items()}
    count: dict[str, int] = defaultdict(int, free.fixed_count)
    chosen: list[tuple[Request, int]] = []
    done: set[str] = set()

    def try_place(r: Request) -> bool:
        best = None
        for s in free.slots[r.id]:
            if (r.a, s) in busy or (r.b, s) in busy or not tables_left[s]:
                continue
            if r.needs_coordinator and not coords_left[s]:
                continue
            # Keep coordinators for the requests that need them; otherwise spread over the emptiest slot.
            key = (tables_left[s] - (0 if r.needs_coordinator else coords_left[s] * 0.5), -s)
            if best is None or key > best[0]:
                best = (key, s)
        if best is None:
            return False
        s = best[1]
        busy.update({(r.a, s), (r.b, s)})
        tables_left[s] -= 1
        if r.needs_coordinator:
            coords_left[s] -= 1
        count[r.a] += 1
        count[r.b] += 1
        chosen.append((r, s))
        done.add(r.id)
        return True

    by_person: dict[str, list[Request]] = defaultdict(list)
    for r in free.requests:
        by_person[r.a].append(r)
        by_person[r.b].append(r)
    # Fairness first: round by round, the participants with the fewest options get a meeting.
    for k in range(1, min_meetings + 1):
        for person in sorted(free.people, key=lambda p: (len(by_person[p]), p)):
            if count[person] >= k:
                continue
            # Prefer partners that also still lack meetings, then the heavier request.
            for r in sorted(
                by_person[person],
                key=lambda r: (count[r.b if r.a == person else r.a] >= k, -r.weight, len(free.slots[r.id])),
            ):
                if r.id not in done and try_place(r):
                    break
    for r in sorted(free.requests, key=lambda r: (-r.weight, len(free.slots[r.id]), r.id)):
        if r.id not in done:
            try_place(r)
    return chosen


def greedy(instance: Instance, *, min_meetings: int = 0) -> Result:
    """Priority first, each request into the emptiest slot both sides can make: instant, a preview."""
    started = time.perf_counter()
    free = _Free(instance)
    placements = free.place(_greedy_choice(free, min_meetings))
    return _result(
        free,
        placements,
        bound=float(free.placeable_weight()),
        seconds=time.perf_counter() - started,
        status="greedy",
        method="greedy",
        k=min_meetings,
    )


# -- exact: HiGHS ---------------------------------------------------------------------------------------------

_Row = tuple[float, float, list[int], list[float]]


def _highs(upper: list[float], integer: int, rows: list[_Row]) -> highspy.Highs:
    """A maximisation model: columns 0..integer-1 binary, the rest continuous in [0, upper]."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", bool(os.environ.get("SCHEDULER_HIGHS_LOG")))
    h.setOptionValue("random_seed", 1)
    # The weight is whole: a gap below 1 proves optimality.
    h.setOptionValue("mip_abs_gap", 0.999)
    h.setOptionValue("mip_rel_gap", 0.0)
    n = len(upper)
    h.addVars(n, np.zeros(n), np.array(upper, dtype=float))
    if integer:
        kinds = np.full(integer, highspy.HighsVarType.kInteger)
        h.changeColsIntegrality(integer, np.arange(integer, dtype=np.int32), kinds)
    for lower, up, js, vs in rows:
        h.addRow(lower, up, len(js), np.array(js, dtype=np.int32), np.array(vs, dtype=float))
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    return h


def _set_costs(h: highspy.Highs, costs: list[float]) -> None:
    h.changeColsCost(len(costs), np.arange(len(costs), dtype=np.int32), np.array(costs, dtype=float))


def _run(h: highspy.Highs, seconds: float, start: list[float] | None = None) -> tuple[list[float], float, str]:
    """Solve within `seconds`: the values, the dual bound and the status name."""
    if start is not None:
        solution = highspy.HighsSolution()
        solution.col_value = start
        solution.value_valid = True
        h.setSolution(solution)
    h.setOptionValue("time_limit", max(seconds, 0.05))
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    bound = info.mip_dual_bound if math.isfinite(info.mip_dual_bound) else math.inf
    name = {
        highspy.HighsModelStatus.kOptimal: "optimal",
        highspy.HighsModelStatus.kTimeLimit: "time_limit",
        highspy.HighsModelStatus.kInfeasible: "infeasible",
    }.get(status, h.modelStatusToString(status).lower().replace(" ", "_"))
    feasible = info.primal_solution_status == int(highspy.kSolutionStatusFeasible)
    values = list(h.getSolution().col_value) if feasible else []
    return values, bound, name


def _fairness_rows(
    free: _Free, k: int, first_y: int, columns_of: dict[str, list[int]]
) -> tuple[list[str], list[float], list[_Row]]:
    """y_p <= meetings p still gets, y_p <= K - p's fixed meetings: sum y_p + fixed part = sum_p min(K, meetings_p)."""
    people = [p for p in free.people if free.fixed_count[p] < k] if k else []
    upper = [float(k - free.fixed_count[p]) for p in people]
    rows: list[_Row] = [
        (-math.inf, 0.0, [first_y + i, *columns_of[p]], [1.0] + [-1.0] * len(columns_of[p]))
        for i, p in enumerate(people)
    ]
    return people, upper, rows


def _lexicographic(
    h: highspy.Highs, n: int, n_fair: int, weights: list[float], k: int, deadline: float, start: list[float] | None
) -> tuple[list[float], float, str]:
    """Phase 1 maximises the fairness sum (columns n..), phase 2 keeps it and maximises the weight (columns 0..n-1)."""
    status_prefix = ""
    if n_fair:
        _set_costs(h, [0.0] * n + [1.0] * n_fair)
        values, _bound, status = _run(h, (deadline - time.perf_counter()) / 2, start)
        if values:
            start = values
        reached = math.floor(sum(start[n:]) + 1e-6) if start else 0
        if status != "optimal":
            status_prefix = f"fairness_{status}+"
        ys = list(range(n, n + n_fair))
        h.addRow(reached - 1e-6, math.inf, len(ys), np.array(ys, dtype=np.int32), np.ones(n_fair))
    _set_costs(h, weights + [0.0] * n_fair)
    values, bound, status = _run(h, deadline - time.perf_counter(), start)
    return values or (start or []), bound, status_prefix + status


def _aggregate(free: _Free, k: int) -> tuple[highspy.Highs, list[Request], int]:
    """The relaxation without slots: pick requests so nobody has more meetings than free slots, nor the session
    more than its free tables (and coordinators). Small and fast; its optimum bounds the real one."""
    reqs = [r for r in free.requests if free.slots[r.id]]
    n = len(reqs)
    columns_of: dict[str, list[int]] = defaultdict(list)
    slots_of: dict[str, set[int]] = defaultdict(set)
    for j, r in enumerate(reqs):
        for p in (r.a, r.b):
            columns_of[p].append(j)
            slots_of[p].update(free.slots[r.id])
    rows: list[_Row] = [(-math.inf, float(len(slots_of[p])), js, [1.0] * len(js)) for p, js in columns_of.items()]
    rows.append((-math.inf, float(sum(len(t) for t in free.tables.values())), list(range(n)), [1.0] * n))
    coordinated = [j for j, r in enumerate(reqs) if r.needs_coordinator]
    coordinator_seats = sum(min(len(free.tables[s]), len(c)) for s, c in free.coordinators.items())
    rows.append((-math.inf, float(coordinator_seats), coordinated, [1.0] * len(coordinated)))
    people, upper, fair_rows = _fairness_rows(free, k, n, columns_of)
    return _highs([1.0] * n + upper, n, rows + fair_rows), reqs, len(people)


def _slot_model(free: _Free, requests: list[Request], k: int, every: bool) -> tuple[highspy.Highs, list, int]:
    """x[r, s] for the slots r can use; every=True asks that each request be placed (a pure colouring problem)."""
    cols = [(r, s) for r in requests for s in free.slots[r.id]]
    n = len(cols)
    per_request: dict[str, list[int]] = defaultdict(list)
    per_slot: dict[int, list[int]] = defaultdict(list)
    per_slot_coord: dict[int, list[int]] = defaultdict(list)
    per_person_slot: dict[tuple[str, int], list[int]] = defaultdict(list)
    columns_of: dict[str, list[int]] = defaultdict(list)
    for j, (r, s) in enumerate(cols):
        per_request[r.id].append(j)
        per_slot[s].append(j)
        if r.needs_coordinator:
            per_slot_coord[s].append(j)
        for p in (r.a, r.b):
            per_person_slot[(p, s)].append(j)
            columns_of[p].append(j)
    rows: list[_Row] = [(1.0 if every else -math.inf, 1.0, js, [1.0] * len(js)) for js in per_request.values()]
    rows += [
        (-math.inf, float(len(free.tables[s])), js, [1.0] * len(js))
        for s, js in per_slot.items()
        if len(js) > len(free.tables[s])
    ]
    rows += [
        (-math.inf, float(len(free.coordinators[s])), js, [1.0] * len(js))
        for s, js in per_slot_coord.items()
        if len(js) > len(free.coordinators[s])
    ]
    rows += [(-math.inf, 1.0, js, [1.0] * len(js)) for js in per_person_slot.values() if len(js) > 1]
    people, upper, fair_rows = _fairness_rows(free, k, n, columns_of)
    return _highs([1.0] * n + upper, n, rows + fair_rows), cols, len(people)


def _start_values(cols: list, chosen: list[tuple[Request, int]], free: _Free, k: int) -> list[float]:
    """A warm start for the slot model from a list of (request, slot)."""
    picked = {(r.id, s) for r, s in chosen}
    values = [1.0 if (r.id, s) in picked else 0.0 for r, s in cols]
    count: dict[str, int] = defaultdict(int)
    for r, _s in chosen:
        count[r.a] += 1
        count[r.b] += 1
    if k:
        values += [float(min(count[p], k - free.fixed_count[p])) for p in free.people if free.fixed_count[p] < k]
    return values


def solve(instance: Instance, *, seconds: float = 20.0, min_meetings: int = 0, exact: bool = True) -> Result:
    """The best schedule found within `seconds`, with an upper bound and the gap; exact=False is the greedy.

    1. The aggregated relaxation (which requests, not when) gives the bound and a selection.
    2. A colouring model places exactly that selection into slots: if it can, the selection is optimal.
    3. Otherwise the slot model itself (x[r, s]) runs for the time left, warm-started from the greedy.
    """
    if not exact:
        return greedy(instance, min_meetings=min_meetings)
    k = min_meetings
    started = time.perf_counter()
    deadline = started + seconds
    free = _Free(instance)
    best = _greedy_choice(free, k)
    fixed_weight = sum(f.request.weight for f in instance.fixed)

    def finish(chosen: list[tuple[Request, int]], bound: float, status: str) -> Result:
        return _result(
            free,
            free.place(chosen),
            bound=math.floor(bound + 1e-6) + fixed_weight,
            seconds=time.perf_counter() - started,
            status=status,
            method="exact",
            k=k,
        )

    def better(a: list[tuple[Request, int]], b: list[tuple[Request, int]]) -> bool:
        fa, fb = free.fairness(free.place(a), k), free.fairness(free.place(b), k)
        return (fa, sum(r.weight for r, _ in a)) > (fb, sum(r.weight for r, _ in b))

    agg, reqs, n_fair = _aggregate(free, k)
    n = len(reqs)
    if not n:
        return finish([], 0.0, "optimal")
    values, bound, status = _lexicographic(
        agg, n, n_fair, [float(r.weight) for r in reqs], k, started + seconds / 2, None
    )
    if status == "optimal" and values:
        selected = [reqs[j] for j in range(n) if values[j] > 0.5]
        colour, cols, _ = _slot_model(free, selected, 0, every=True)
        # Half the time left at most, so the fallback below still has the rest.
        placed, _b, colour_status = _run(colour, (deadline - time.perf_counter()) / 2)
        if colour_status == "optimal" and placed:
            # The relaxation's optimum is realised: it is the optimum (fairness first, then weight).
            return finish([cols[j] for j in range(len(cols)) if placed[j] > 0.5], bound, "optimal")
    # The selection cannot be placed as it is: search the slot model itself, bounded by the relaxation.
    model, cols, n_fair = _slot_model(free, free.requests, k, every=False)
    values, model_bound, status = _lexicographic(
        model,
        len(cols),
        n_fair,
        [float(r.weight) for r, _s in cols],
        k,
        deadline,
        _start_values(cols, best, free, k),
    )
    chosen = [cols[j] for j in range(len(cols)) if values and values[j] > 0.5]
    if better(best, chosen):
        chosen = best  # the time ran out before HiGHS matched the warm start
    # With fairness the relaxation's weight bound assumed its fairness value, which the slots may not allow.
    if not math.isfinite(model_bound):  # no bound in time: the sum of what could be placed at all
        model_bound = float(free.placeable_weight() - fixed_weight)
    return finish(chosen, model_bound if k else min(bound, model_bound), status)
