"""`python -m chidao.optimizer solve` writes the plan, or exits non-zero with the message."""

import json
import subprocess
import sys
from pathlib import Path

from .test_instance import GOOD

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "chidao.optimizer", *args], cwd=ROOT, capture_output=True, text=True)


def test_the_command_writes_the_plan_file(tmp_path):
    src, out = tmp_path / "in.json", tmp_path / "out.json"
    src.write_text(json.dumps(GOOD), encoding="utf-8")
    proc = run("solve", str(src), "-o", str(out))
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    plan = json.loads(out.read_text(encoding="utf-8"))
    plan.pop("seconds")
    assert plan == {
        "status": "optimal", "placed": 2, "objective": 4, "lower_bound": 4,
        "assignments": [{"official": "a", "position": "p1", "cost": 3}, {"official": "b", "position": "p2", "cost": 1}],
        "unplaced": [],
        "sequence": [{"kind": "single", "officials": ["a"]}, {"kind": "single", "officials": ["b"]}],
    }
    assert json.loads(run("solve", str(src)).stdout)["assignments"] == plan["assignments"]  # stdout without -o


def test_a_bad_instance_exits_non_zero_with_the_message(tmp_path):
    src, out = tmp_path / "in.json", tmp_path / "out.json"
    src.write_text(json.dumps({**GOOD, "units": [{"id": "U1", "cap": -1}, {"id": "U2"}]}), encoding="utf-8")
    proc = run("solve", str(src), "-o", str(out))
    assert proc.returncode == 2
    assert proc.stderr == f"{src}: units[0].cap: must be an integer ≥ 0\n"
    assert not out.exists()


def test_the_command_always_has_a_time_limit():
    # Given no --time-limit, Then the default applies; a limit that is not a positive number is refused
    from chidao.optimizer.__main__ import DEFAULT_TIME_LIMIT

    assert DEFAULT_TIME_LIMIT == 60.0
    assert "default 60" in run("solve", "--help").stdout
    for bad in ("0", "-5", "abc"):
        proc = run("solve", "x.json", "--time-limit", bad)
        assert proc.returncode == 2 and "--time-limit" in proc.stderr
