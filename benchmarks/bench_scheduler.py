"""The matching-session scheduler on the instances of shared/data/scheduling (no database).

For small, medium and large (see that folder's README): the exact solver's weight, bound, gap and seconds
(time limit 20 s for small and medium, 60 s for large), the greedy preview's weight and seconds, and on
medium the exact solver with every participant guaranteed one meeting (min_meetings=1). Every schedule is
checked against the rules before its figures count. `scale` is not used: the instances are fixed.

Runnable through benchmarks/run.py (`--only scheduler`) or alone: `python benchmarks/bench_scheduler.py`.
"""

import json
import os
import sys
from pathlib import Path

DATA = Path(os.environ.get("SCHEDULING_DATA", "/work/shared/data/scheduling"))
LIMITS = {"small": 20.0, "medium": 20.0, "large": 60.0}


def _figures(name: str, min_meetings: int = 0) -> list[tuple[str, float, str]]:
    from matching.scheduling.solver import greedy, instance_from_json, solve, validate

    instance = instance_from_json(json.loads((DATA / f"{name}.json").read_text(encoding="utf-8")))
    label = f"{name}, min {min_meetings}" if min_meetings else name
    fast = greedy(instance, min_meetings=min_meetings)
    best = solve(instance, seconds=LIMITS[name], min_meetings=min_meetings)
    for result in (fast, best):
        errors = validate(instance, result.placements)
        if errors:
            raise AssertionError(f"{label} {result.method}: {errors[:5]}")
    figures = [
        (f"scheduler {label}: exact weight", best.weight, ""),
        (f"scheduler {label}: exact bound", best.bound, ""),
        (f"scheduler {label}: exact gap", best.gap * 100, "%"),
        (f"scheduler {label}: exact seconds", best.seconds, "s"),
        (f"scheduler {label}: exact placed", best.placed, "meetings"),
        (f"scheduler {label}: greedy weight", fast.weight, ""),
        (f"scheduler {label}: greedy seconds", fast.seconds, "s"),
    ]
    if min_meetings:
        figures += [
            (
                f"scheduler {label}: exact fairness sum",
                best.fairness,
                f"of {best.fairness_target}",
            ),
            (
                f"scheduler {label}: greedy fairness sum",
                fast.fairness,
                f"of {fast.fairness_target}",
            ),
        ]
    return figures


def run(scale: int) -> list[tuple[str, float, str]]:
    return [
        *_figures("small"),
        *_figures("medium"),
        *_figures("medium", min_meetings=1),
        *_figures("large"),
    ]


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    for figure, value, unit in run(0):
        print(f"{figure:60} {value:>10g} {unit}")
