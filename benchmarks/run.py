"""The one benchmark command: prints the figures that docs/benchmarks.md records.

    .venv/bin/python benchmarks/run.py [--scale 10000] [--only NAME] [--markdown] [--database NAME]

It drops and recreates the PostgreSQL database `clusternet_bench` (or --database NAME, so that two runs at
once each have their own) on 127.0.0.1:5432 (user postgres),
migrates it with the test settings, then runs every `benchmarks/bench_*.py` module in name order.
Each module defines

    def run(scale: int) -> list[tuple[str, float, str]]    # (figure name, value, unit)

and starts from an empty, migrated database (the runner flushes it between modules), so a module
loads its own data at the given scale. A module that fails prints its traceback and the others
still run; the command then exits with status 1.

--only NAME    run one module: `organization_list` or `bench_organization_list` (repeatable)
--markdown     also print the figures as a markdown table, ready for docs/benchmarks.md
"""

import argparse
import importlib
import logging
import os
import sys
import time
import traceback
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "benchmarks"
DEFAULT_DATABASE = "clusternet_bench"
SERVER_URL = "postgres://postgres@127.0.0.1:5432"

Figure = tuple[str, float, str]


def recreate_database(database: str) -> None:
    """A fresh database each run, so figures never depend on what a previous run left behind."""
    import psycopg
    from psycopg import sql

    # DROP/CREATE DATABASE cannot run inside a transaction, hence autocommit.
    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as connection:
        name = sql.Identifier(database)
        # FORCE: a previous run killed half-way may still hold a connection.
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(name))


def setup_django(database: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "clusternet.settings.test"
    # Must be set before django.setup(): the test settings read DATABASE_URL once, at import.
    os.environ["DATABASE_URL"] = f"{SERVER_URL}/{database}"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    # Django's test Client sends Host: testserver; the test runner would allow it, we run without one.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # Keep the output to the figures: axes logs every force_login, whitenoise warns of no collectstatic.
    logging.getLogger("axes").setLevel(logging.WARNING)
    warnings.filterwarnings("ignore", message="No directory at", module="whitenoise")


def empty_database() -> None:
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)


def discover(only: list[str]) -> list[str]:
    names = sorted(path.stem for path in BENCH_DIR.glob("bench_*.py"))
    if not only:
        return names
    wanted = {name if name.startswith("bench_") else f"bench_{name}" for name in only}
    unknown = wanted - set(names)
    if unknown:
        raise SystemExit(f"no such benchmark: {', '.join(sorted(unknown))} (have: {', '.join(names)})")
    return [name for name in names if name in wanted]


def format_value(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}" if abs(value) >= 100 else f"{value:,.2f}"


def print_table(figures: list[Figure]) -> None:
    width = max((len(name) for name, _value, _unit in figures), default=10)
    values = [format_value(value) for _name, value, _unit in figures]
    value_width = max((len(v) for v in values), default=5)
    for (name, _value, unit), value in zip(figures, values, strict=True):
        print(f"{name:<{width}}  {value:>{value_width}}  {unit}")


def print_markdown(figures: list[Figure]) -> None:
    print("| Figure | Value | Unit |")
    print("|---|---:|---|")
    for name, value, unit in figures:
        print(f"| {name} | {format_value(value)} | {unit} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=10_000, help="organisations (or rows) to load (default 10000)")
    parser.add_argument("--only", action="append", default=[], metavar="NAME", help="run only this module")
    parser.add_argument("--markdown", action="store_true", help="also print a markdown table")
    parser.add_argument("--database", default=DEFAULT_DATABASE, help=f"scratch database (default {DEFAULT_DATABASE})")
    args = parser.parse_args(argv)

    names = discover(args.only)
    recreate_database(args.database)
    setup_django(args.database)
    load_before = os.getloadavg()[0]

    figures: list[Figure] = []
    failed: list[str] = []
    for name in names:
        print(f"== {name} (scale {args.scale:,})", file=sys.stderr, flush=True)
        started = time.perf_counter()
        try:
            empty_database()
            module = importlib.import_module(f"benchmarks.{name}")
            results = list(module.run(args.scale))
        except Exception:
            # One broken benchmark must not cost the figures of the others.
            traceback.print_exc()
            failed.append(name)
            print(f"!! {name} failed", file=sys.stderr, flush=True)
            continue
        figures.extend(results)
        print(f"   done in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)

    # Timings are only comparable on an otherwise idle machine: say how busy it was.
    machine = (
        f"{os.cpu_count()} CPUs; 1-minute load average {load_before:.2f} at start, {os.getloadavg()[0]:.2f} at end"
    )
    print()
    print(f"# scale {args.scale:,}; {machine}")
    print_table(figures)
    if args.markdown:
        print()
        print(f"Scale {args.scale:,}; {machine}.")
        print()
        print_markdown(figures)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
