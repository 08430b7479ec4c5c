import importlib.util
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

DATA = Path("/work/shared/data/scheduling")


def _check(instance: dict, schedule: dict):
    spec = importlib.util.spec_from_file_location("shared_check", DATA / "check.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.check(instance, schedule)


def test_the_command_writes_a_schedule_that_breaks_no_rule(tmp_path, capsys):
    out = tmp_path / "schedule.json"
    call_command("schedule_session", "--instance", str(DATA / "small.json"), "--output", str(out), "--seconds", "10")
    errors, weight, _count = _check(json.loads((DATA / "small.json").read_text()), json.loads(out.read_text()))
    assert errors == []
    printed = capsys.readouterr().out
    assert f"weight={weight} bound={weight} gap=0.00%" in printed
    assert printed.startswith("optimal:")


def test_a_bad_instance_is_refused_and_nothing_is_written(tmp_path):
    data = json.loads((DATA / "small.json").read_text())
    data["requests"][3]["to"] = "NOBODY"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    out = tmp_path / "schedule.json"
    with pytest.raises(CommandError, match="names an unknown participant 'NOBODY'"):
        call_command("schedule_session", "--instance", str(bad), "--output", str(out))
    assert not out.exists()
