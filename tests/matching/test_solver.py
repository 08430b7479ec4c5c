"""The pure scheduler: known optima on tiny instances, the rules on the shared small instance, fairness,
fixed meetings, closed slots and the messages for bad instances."""

import importlib.util
import json
from pathlib import Path

import pytest

from matching.scheduling.solver import (
    Instance,
    InstanceError,
    Placement,
    Request,
    greedy,
    instance_from_json,
    result_to_json,
    solve,
    validate,
)

DATA = Path("/work/shared/data/scheduling")


def _shared_check():
    spec = importlib.util.spec_from_file_location("shared_check", DATA / "check.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.check


def _instance(slots: int, tables: int, people: str, requests: list[Request], **kwargs) -> Instance:
    return Instance(
        slots=slots,
        tables=tables,
        participants={p: frozenset() for p in people},
        coordinators=kwargs.pop("coordinators", {}),
        requests=requests,
        **kwargs,
    )


TRIANGLE = [Request("AB", "A", "B", 1), Request("AC", "A", "C", 1), Request("BC", "B", "C", 3)]


def test_a_triangle_in_two_slots_holds_two_meetings_and_in_three_all():
    two = solve(_instance(2, 5, "ABC", TRIANGLE), seconds=5)
    assert (two.weight, two.status, two.gap) == (6, "optimal", 0.0)
    assert {p.request.id for p in two.placements} == {"AB", "AC"}
    three = solve(_instance(3, 5, "ABC", TRIANGLE), seconds=5)
    assert three.weight == 7
    assert validate(_instance(3, 5, "ABC", TRIANGLE), three.placements) == []


def test_tables_and_coordinators_limit_each_slot():
    requests = [Request("AB", "A", "B", 3, True), Request("CD", "C", "D", 1, True), Request("EF", "E", "F", 2)]
    instance = _instance(1, 2, "ABCDEF", requests, coordinators={"X": frozenset()})
    result = solve(instance, seconds=5)
    # One coordinator: one of the coordinated requests, the heavier; two tables: one more.
    assert result.weight == 3 + 2
    assert {p.request.id: p.coordinator for p in result.placements} == {"CD": "X", "EF": None}
    assert validate(instance, result.placements) == []


def test_unavailable_slots_are_respected():
    instance = Instance(
        slots=2,
        tables=1,
        participants={"A": frozenset({0}), "B": frozenset(), "C": frozenset({1})},
        coordinators={},
        requests=[Request("AB", "A", "B", 1), Request("BC", "B", "C", 1), Request("AC", "A", "C", 1)],
    )
    for result in (solve(instance, seconds=5), greedy(instance)):
        assert {(p.request.id, p.slot) for p in result.placements} == {("AB", 1), ("BC", 0)}


FAIRNESS = [Request("AB", "A", "B", 1), Request("AC", "A", "C", 1), Request("DE", "D", "E", 3)]


def test_weight_alone_leaves_d_and_e_out_but_min_meetings_gives_everyone_one():
    instance = _instance(2, 1, "ABCDE", FAIRNESS)
    plain = solve(instance, seconds=5)
    assert plain.weight == 6
    assert "DE" not in {p.request.id for p in plain.placements}
    fair = solve(instance, seconds=5, min_meetings=1)
    met = {who for p in fair.placements for who in (p.request.a, p.request.b)}
    assert "D" in met and "E" in met
    # Fairness first (4 of the 5 can meet someone), then the weight: one of AB or AC with DE.
    assert (fair.fairness, fair.weight) == (4, 4)
    assert validate(instance, fair.placements) == []


def test_fixed_meetings_stay_and_closed_slots_stay_empty():
    fixed = Placement(Request("AB", "A", "B", 3), slot=1, table=2, coordinator=None)
    requests = [fixed.request, Request("AC", "A", "C", 1), Request("BD", "B", "D", 1), Request("CD", "C", "D", 2)]
    instance = _instance(3, 3, "ABCD", requests, fixed=[fixed], closed_slots=frozenset({0}))
    for result in (solve(instance, seconds=5), greedy(instance)):
        assert fixed in result.placements
        assert all(p.slot != 0 for p in result.placements)
        assert validate(instance, result.placements) == []
    best = solve(instance, seconds=5)
    # Slot 0 is closed and slot 1 is A's and B's (fixed): AC and BD go to slot 2, CD to slot 1.
    assert best.weight == 1 + 3 + 3 + 2
    assert {(p.request.id, p.slot) for p in best.placements} == {("AB", 1), ("CD", 1), ("AC", 2), ("BD", 2)}


@pytest.mark.parametrize("method", ["exact", "greedy"])
def test_small_instance_schedules_break_no_rule_of_the_shared_checker(method):
    data = json.loads((DATA / "small.json").read_text())
    instance = instance_from_json(data)
    result = solve(instance, seconds=20) if method == "exact" else greedy(instance)
    errors, weight, count = _shared_check()(data, result_to_json(result))
    assert errors == []
    assert (weight, count) == (result.weight, result.placed)
    assert validate(instance, result.placements) == []
    if method == "exact":
        assert (result.status, result.gap, result.bound) == ("optimal", 0.0, result.weight)
        assert result.weight >= greedy(instance).weight


def test_validate_finds_what_the_shared_checker_finds():
    data = json.loads((DATA / "small.json").read_text())
    instance = instance_from_json(data)
    result = greedy(instance)
    first, second = result.placements[0], result.placements[1]
    broken = [*result.placements, Placement(first.request, first.slot, second.table, None)]
    schedule = result_to_json(result)
    schedule["meetings"].append({"request": first.request.id, "slot": first.slot, "table": second.table})
    errors, _weight, _count = _shared_check()(data, schedule)
    mine = validate(instance, broken)
    assert errors and mine
    assert any("scheduled twice" in e for e in errors) and any("scheduled twice" in e for e in mine)


def _data(**changes):
    data = {
        "slots": 2,
        "tables": 1,
        "participants": [{"id": "A"}, {"id": "B"}],
        "coordinators": [],
        "requests": [{"id": "R1", "from": "A", "to": "B", "priority": 1, "needs_coordinator": False}],
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"requests": [{"id": "R1", "from": "A", "to": "Z", "priority": 1}]},
            "request R1 names an unknown participant 'Z'",
        ),
        ({"requests": [{"id": "R1", "from": "A", "to": "A", "priority": 1}]}, "request R1 asks A to meet themselves"),
        (
            {
                "requests": [
                    {"id": "R1", "from": "A", "to": "B", "priority": 1},
                    {"id": "R2", "from": "B", "to": "A", "priority": 2},
                ]
            },
            "request R2 repeats the pair B–A of request R1",
        ),
        (
            {"requests": [{"id": "R1", "from": "A", "to": "B", "priority": 4}]},
            "request R1: priority must be 1, 2 or 3, not 4",
        ),
        (
            {"participants": [{"id": "A", "unavailable_slots": [2]}, {"id": "B"}]},
            "participant A: unknown slot 2 (slots are 0 to 1)",
        ),
        ({"tables": 0}, "tables must be a whole number of at least 1, not 0"),
        (
            {"requests": [{"id": "R1", "from": "A", "to": "B", "priority": 1, "needs_coordinator": True}]},
            "some requests need a coordinator but the instance has none",
        ),
    ],
)
def test_a_bad_instance_is_refused_with_what_is_wrong(changes, message):
    with pytest.raises(InstanceError) as refused:
        instance_from_json(_data(**changes))
    assert str(refused.value) == message
