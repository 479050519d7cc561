"""One Schemathesis sweep for both runs (in-process and against a running server): every operation of a schema,
with valid and invalid data, derandomized and bounded; the failures in words."""

from collections.abc import Callable, Sequence
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.core.result import Ok

MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)


def _run(operation: Any, strategy: Any, headers: dict[str, str], examples: int, checks: Sequence[Any],
         **call: Any) -> str | None:
    """Drive one operation with `examples` cases; the first failure, in words, or None."""

    @given(case=strategy)
    @settings(max_examples=examples, deadline=None, derandomize=True, database=None, print_blob=False,
              suppress_health_check=list(HealthCheck))
    def check(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=list(checks), **call)

    try:
        check()
    except (Exception, BaseExceptionGroup) as exc:  # one operation's failure must not hide another's
        return f"{operation.label}: {exc}"[:3000]
    return None


def sweep(schema: Any, *, headers: dict[str, str], examples: int, checks: Sequence[Any],
          real_ids: Callable[[set[str]], dict[str, int]] | None = None, **call: Any) -> tuple[int, list[str]]:
    """(operations swept, failures). An operation without input is called once; the others with valid and invalid
    data, and, given `real_ids`, again with the path ids of real objects."""
    operations = [result.ok() for result in schema.get_all_operations() if isinstance(result, Ok)]
    failures: list[str] = []
    for operation in operations:
        if not (list(operation.iter_parameters()) or operation.body):
            failures += [f for f in [_run(operation, operation.as_strategy(), headers, 1, checks, **call)] if f]
            continue
        strategies = [operation.as_strategy(mode) for mode in MODES]
        names = {p.name for p in operation.path_parameters}
        if names and real_ids is not None:
            strategies.append(operation.as_strategy(path_parameters=real_ids(names)))
        failures += [f for s in strategies if (f := _run(operation, s, headers, examples, checks, **call))]
    return len(operations), failures
