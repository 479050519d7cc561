"""`python -m chidao.optimizer solve INSTANCE.json [-o PLAN.json] [--time-limit S]`: a plan as JSON.

The search always has a time limit (DEFAULT_TIME_LIMIT seconds unless given, the app's default too), so the command
never runs for ever: when it is cut the plan is lawful and marked "feasible" with its lower bound.

Exit status 0 with the plan, 2 with the message on a malformed instance (or unreadable JSON).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from chidao.optimizer.instance import InstanceError
from chidao.optimizer.solver import solve

# The same default as the app's settings.CHIDAO_ROTATION["solver_seconds"] (the optimizer reads no settings).
DEFAULT_TIME_LIMIT = 60.0


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0 seconds: {text!r}")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chidao.optimizer")
    commands = parser.add_subparsers(dest="command", required=True)
    cmd = commands.add_parser("solve", help="solve an instance and write the plan")
    cmd.add_argument("instance", type=Path)
    cmd.add_argument("-o", "--output", type=Path, help="plan file (default: standard output)")
    cmd.add_argument("--time-limit", type=_seconds, default=DEFAULT_TIME_LIMIT,
                     help=f"seconds (default {DEFAULT_TIME_LIMIT:g}); the plan is then 'feasible' if cut")
    args = parser.parse_args(argv)
    try:
        with args.instance.open("rb") as fh:
            instance = json.load(fh)
    except (OSError, ValueError) as exc:
        print(f"{args.instance}: {exc}", file=sys.stderr)
        return 2
    try:
        plan = solve(instance, time_limit=args.time_limit)
    except InstanceError as exc:
        print(f"{args.instance}: {exc}", file=sys.stderr)
        return 2
    text = json.dumps(plan, ensure_ascii=False, indent=1)
    if args.output is None:
        sys.stdout.write(text + "\n")
    else:
        args.output.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
