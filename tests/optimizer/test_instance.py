"""Malformed instances are refused with the path of the first bad field."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from chidao.optimizer import InstanceError, solve, validate

GOOD: dict[str, Any] = {
    "officials": [{"id": "a"}, {"id": "b"}],
    "units": [{"id": "U1", "cap": 1}, {"id": "U2"}],
    "positions": [{"id": "p1", "unit": "U1"}, {"id": "p2", "unit": "U2"}],
    "candidates": [{"official": "a", "position": "p1", "cost": 3}, {"official": "b", "position": "p1", "cost": 0},
                   {"official": "b", "position": "p2", "cost": 1}],
    "conflicts": [{"officials": ["a", "b"], "reason": "vợ chồng"}],
}


def _with(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    instance = copy.deepcopy(GOOD)
    target: Any = instance
    for step in path[:-1]:
        target = target[step]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return instance


CASES = [
    (_with(("candidates", 1, "cost"), -1), "candidates[1].cost: must be an integer ≥ 0"),
    (_with(("candidates", 2, "cost"), 1.5), "candidates[2].cost: must be an integer ≥ 0"),
    (_with(("candidates", 2, "cost"), True), "candidates[2].cost: must be an integer ≥ 0"),
    (_with(("candidates", 0, "cost"), KeyError), "candidates[0].cost: required"),
    (_with(("candidates", 1, "official"), "z"), "candidates[1].official: unknown official 'z'"),
    (_with(("candidates", 1, "position"), 7), "candidates[1].position: must be a non-empty string"),
    (_with(("candidates", 2, "costs"), 1), "candidates[2].costs: unknown field"),
    (_with(("candidates", 2), {"official": "b", "position": "p1", "cost": 9}),
     "candidates[2]: duplicate of candidates[1] (same official and position)"),
    (_with(("officials", 1, "id"), "a"), "officials[1].id: duplicate id 'a'"),
    (_with(("officials", 0, "id"), ""), "officials[0].id: must be a non-empty string"),
    (_with(("officials", 0), "a"), "officials[0]: must be an object"),
    (_with(("units", 0, "cap"), -2), "units[0].cap: must be an integer ≥ 0"),
    (_with(("units", 1, "capacity"), 3), "units[1].capacity: unknown field"),
    (_with(("positions", 1, "unit"), "U9"), "positions[1].unit: unknown unit 'U9'"),
    (_with(("positions", 0, "unit"), KeyError), "positions[0].unit: required"),
    (_with(("conflicts", 0, "officials"), ["a", "a"]), "conflicts[0].officials: must name two different officials"),
    (_with(("conflicts", 0, "officials"), ["a"]), "conflicts[0].officials: must be a list of two official ids"),
    (_with(("conflicts", 0, "officials"), ["a", "x"]), "conflicts[0].officials[1]: unknown official 'x'"),
    (_with(("conflicts", 0, "reason"), 5), "conflicts[0].reason: must be a string"),
    (_with(("candidates",), {}), "candidates: must be a list"),
    (_with(("officials",), KeyError), "officials: required"),
    (_with(("extra",), 1), "extra: unknown field"),
    ([], "instance: must be an object"),
]


@pytest.mark.parametrize(("instance", "message"), CASES, ids=[m for _i, m in CASES])
def test_a_malformed_instance_is_refused_naming_the_first_bad_field(instance, message):
    with pytest.raises(InstanceError) as excinfo:
        solve(instance)
    assert str(excinfo.value) == message


def test_the_first_bad_field_wins():
    instance = _with(("candidates", 2, "cost"), -5)
    instance["candidates"][1]["official"] = "nobody"
    with pytest.raises(InstanceError, match=r"^candidates\[1\]\.official: unknown official 'nobody'$"):
        validate(instance)


def test_a_good_instance_is_kept_with_sorted_ids_and_optional_parts():
    inst = validate({**GOOD, "units": [{"id": "U2", "cap": None}, {"id": "U1", "cap": 1}], "conflicts": []})
    assert inst.unit_ids == ["U1", "U2"] and inst.unit_cap.tolist() == [1, -1]
    assert validate({k: v for k, v in GOOD.items() if k != "conflicts"}).conflict_a.size == 0
