"""Schedule a matching session from an instance JSON file, with the same solver as the schedule page."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from matching.scheduling.solver import InstanceError, instance_from_json, result_to_json, solve


class Command(BaseCommand):
    help = "Place the accepted requests of an instance (shared/data/scheduling format) into slots and tables."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--instance", required=True, type=Path, help="the instance JSON file")
        parser.add_argument("--output", required=True, type=Path, help="where to write the schedule JSON")
        parser.add_argument("--seconds", type=float, default=20.0, help="time limit of the optimiser")
        parser.add_argument("--min-meetings", type=int, default=0, help="meetings guaranteed to each participant")
        parser.add_argument("--greedy", action="store_true", help="the fast preview instead of the optimiser")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["instance"]
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from error
        except json.JSONDecodeError as error:
            raise CommandError(f"{path} is not valid JSON: {error}") from error
        if options["min_meetings"] < 0 or options["seconds"] <= 0:
            raise CommandError("--min-meetings must be 0 or more and --seconds more than 0")
        try:
            instance = instance_from_json(data)
        except InstanceError as error:
            raise CommandError(f"{path}: {error}") from error
        result = solve(
            instance, seconds=options["seconds"], min_meetings=options["min_meetings"], exact=not options["greedy"]
        )
        options["output"].write_text(json.dumps(result_to_json(result), ensure_ascii=False), encoding="utf-8")
        self.stdout.write(
            f"{result.status}: weight={result.weight} bound={result.bound:g} gap={result.gap:.2%} "
            f"seconds={result.seconds:.2f} placed={result.placed}/{len(instance.requests)}"
        )
