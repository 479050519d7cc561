"""Checking an instance and turning it into integer arrays the solver can use.

Ids are mapped to integers in sorted order, and candidates and conflicts are sorted, so the solver sees the same
arrays whatever order the lists came in: that is what makes the plan deterministic. The first bad field is named,
checking the lists in the order officials, units, positions, candidates, conflicts (positions name units, so units
come first), each list from index 0; an official's `holds` names a position, so it is looked up once the positions
are read (its type is checked with the officials). Unknown fields are refused: a misspelt `cap` would otherwise
silently mean "no cap".

Seats and holders (both optional, so an instance without them means what it always meant): `positions[i].seats`
is the number of vacant seats of that post (default 1), `officials[i].holds` the post the official holds now. A post
can take as many arrivals as its vacant seats plus the number of its holders who are placed elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]

MAX_COST = 1_000_000_000  # keeps every total well inside int64 for the flow solver
NO_CAP = -1
NO_HOLD = -1
MAX_SEATS = 1_000_000


class InstanceError(ValueError):
    """A malformed instance; the message starts with the path of the first bad field."""


@dataclass(frozen=True)
class Instance:
    """A checked instance: ids sorted, everything else as integer indices into them."""

    official_ids: list[str]
    position_ids: list[str]
    unit_ids: list[str]
    position_unit: IntArray  # unit index of each position
    position_seats: IntArray  # vacant seats of each position (1 when not given)
    official_holds: IntArray  # position index each official holds now, NO_HOLD (-1) when none
    unit_cap: IntArray  # NO_CAP (-1) when the unit has no cap
    cand_official: IntArray  # candidates sorted by (official, position)
    cand_position: IntArray
    cand_cost: IntArray
    conflict_a: IntArray  # conflicts sorted, a < b, duplicates merged
    conflict_b: IntArray

    @property
    def n_candidates(self) -> int:
        return int(self.cand_official.size)

    @property
    def has_holders(self) -> bool:
        return bool((self.official_holds >= 0).any())


def _is_int(value: object) -> bool:
    return type(value) is int  # bool is an int subclass and must not pass


def _fields(obj: object, where: str, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> Mapping[str, Any]:
    if not isinstance(obj, dict):
        raise InstanceError(f"{where}: must be an object")
    for key in required:
        if key not in obj:
            raise InstanceError(f"{where}.{key}: required")
    for key in obj:
        if key not in required and key not in optional:
            raise InstanceError(f"{where}.{key}: unknown field")
    return obj


def _list(instance: Mapping[str, Any], key: str, *, required: bool = True) -> list[Any]:
    if key not in instance:
        if required:
            raise InstanceError(f"{key}: required")
        return []
    value = instance[key]
    if not isinstance(value, list):
        raise InstanceError(f"{key}: must be a list")
    return value


def _ids(items: list[Any], name: str, optional: tuple[str, ...] = ()) -> list[str]:
    """The ids of a list of {id, ...} objects, refusing non-strings and duplicates."""
    seen: set[str] = set()
    out: list[str] = []
    for i, item in enumerate(items):
        obj = _fields(item, f"{name}[{i}]", ("id",), optional)
        value = obj["id"]
        if not isinstance(value, str) or not value:
            raise InstanceError(f"{name}[{i}].id: must be a non-empty string")
        if value in seen:
            raise InstanceError(f"{name}[{i}].id: duplicate id {value!r}")
        seen.add(value)
        out.append(value)
    return out


def _ref(value: object, where: str, index: Mapping[str, int], kind: str) -> int:
    if not isinstance(value, str) or not value:
        raise InstanceError(f"{where}: must be a non-empty string")
    if value not in index:
        raise InstanceError(f"{where}: unknown {kind} {value!r}")
    return index[value]


def _check_cost(value: object, where: str) -> int:
    if not _is_int(value) or value < 0:  # type: ignore[operator]
        raise InstanceError(f"{where}: must be an integer ≥ 0")
    if value > MAX_COST:  # type: ignore[operator]
        raise InstanceError(f"{where}: must be at most {MAX_COST}")
    return value  # type: ignore[return-value]


def _candidates(items: list[Any], off_index: dict[str, int], pos_index: dict[str, int]) -> tuple[IntArray, ...]:
    """Candidates as arrays; a fast path for the usual clean input, the careful loop to name the first bad field."""
    try:
        if set(map(type, items)) - {dict} or set(map(len, items)) - {3}:
            raise TypeError
        offs = np.fromiter((off_index[c["official"]] for c in items), np.int64, len(items))
        poss = np.fromiter((pos_index[c["position"]] for c in items), np.int64, len(items))
        raw = [c["cost"] for c in items]
        if set(map(type, raw)) - {int}:
            raise TypeError
        costs = np.array(raw, dtype=np.int64) if raw else np.zeros(0, np.int64)
        if costs.size and (costs.min() < 0 or costs.max() > MAX_COST):
            raise TypeError
    except (TypeError, KeyError, OverflowError):
        offs_l, poss_l, costs_l = [], [], []
        for i, item in enumerate(items):
            where = f"candidates[{i}]"
            obj = _fields(item, where, ("official", "position", "cost"))
            offs_l.append(_ref(obj["official"], f"{where}.official", off_index, "official"))
            poss_l.append(_ref(obj["position"], f"{where}.position", pos_index, "position"))
            costs_l.append(_check_cost(obj["cost"], f"{where}.cost"))
        offs, poss, costs = (np.array(v, dtype=np.int64) for v in (offs_l, poss_l, costs_l))
    key = offs * max(len(pos_index), 1) + poss
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    dup = np.flatnonzero(sorted_key[1:] == sorted_key[:-1]) + 1
    if dup.size:
        later = order[dup]
        j = int(later.min())
        first = int(order[np.searchsorted(sorted_key, key[j])])
        raise InstanceError(f"candidates[{j}]: duplicate of candidates[{first}] (same official and position)")
    return offs[order], poss[order], costs[order]


def _conflicts(items: list[Any], off_index: dict[str, int]) -> tuple[IntArray, IntArray]:
    pairs: set[tuple[int, int]] = set()
    for i, item in enumerate(items):
        where = f"conflicts[{i}]"
        obj = _fields(item, where, ("officials",), ("reason",))
        two = obj["officials"]
        if not isinstance(two, list) or len(two) != 2:
            raise InstanceError(f"{where}.officials: must be a list of two official ids")
        a = _ref(two[0], f"{where}.officials[0]", off_index, "official")
        b = _ref(two[1], f"{where}.officials[1]", off_index, "official")
        if a == b:
            raise InstanceError(f"{where}.officials: must name two different officials")
        if "reason" in obj and not isinstance(obj["reason"], str):
            raise InstanceError(f"{where}.reason: must be a string")
        pairs.add((min(a, b), max(a, b)))
    ordered = sorted(pairs)
    return (np.array([p[0] for p in ordered], dtype=np.int64), np.array([p[1] for p in ordered], dtype=np.int64))


def _refuse_own_seat(candidates: list[Any], holds: dict[str, str]) -> None:
    """Name the first candidate (in input order) that offers an official the post they already hold."""
    for i, c in enumerate(candidates):
        if holds.get(c["official"]) == c["position"]:
            raise InstanceError(f"candidates[{i}].position: {c['position']!r} is the post official "
                                f"{c['official']!r} holds now")


def validate(instance: object) -> Instance:
    """Check an instance (a parsed JSON object) and return it as sorted integer arrays; raise InstanceError."""
    if not isinstance(instance, dict):
        raise InstanceError("instance: must be an object")
    for key in instance:
        if key not in ("officials", "positions", "units", "candidates", "conflicts"):
            raise InstanceError(f"{key}: unknown field")
    officials = _list(instance, "officials")
    positions = _list(instance, "positions")
    units = _list(instance, "units")
    candidates = _list(instance, "candidates")
    conflicts = _list(instance, "conflicts", required=False)

    official_ids = _ids(officials, "officials", ("holds",))
    for i, official in enumerate(officials):
        if "holds" in official and (not isinstance(official["holds"], str) or not official["holds"]):
            raise InstanceError(f"officials[{i}].holds: must be a non-empty string")
    unit_list = _ids(units, "units", ("cap",))
    caps: dict[str, int] = {}
    for i, unit in enumerate(units):
        cap = unit.get("cap")
        if cap is None:
            continue
        if not _is_int(cap) or cap < 0:
            raise InstanceError(f"units[{i}].cap: must be an integer ≥ 0")
        caps[unit_list[i]] = cap
    unit_ids = sorted(unit_list)
    unit_index = {u: i for i, u in enumerate(unit_ids)}
    position_list = _ids(positions, "positions", ("unit", "seats"))
    position_unit_raw: dict[str, int] = {}
    seats_raw: dict[str, int] = {}
    for i, position in enumerate(positions):
        if "unit" not in position:
            raise InstanceError(f"positions[{i}].unit: required")
        position_unit_raw[position_list[i]] = _ref(position["unit"], f"positions[{i}].unit", unit_index, "unit")
        seats = position.get("seats", 1)
        if not _is_int(seats) or not 0 <= seats <= MAX_SEATS:
            raise InstanceError(f"positions[{i}].seats: must be an integer from 0 to {MAX_SEATS}")
        seats_raw[position_list[i]] = seats

    official_ids.sort()
    position_ids = sorted(position_list)
    off_index = {o: i for i, o in enumerate(official_ids)}
    pos_index = {p: i for i, p in enumerate(position_ids)}
    holds = np.full(len(official_ids), NO_HOLD, np.int64)
    for i, official in enumerate(officials):
        if "holds" in official:
            holds[off_index[official["id"]]] = _ref(official["holds"], f"officials[{i}].holds", pos_index, "position")
    c_off, c_pos, c_cost = _candidates(candidates, off_index, pos_index)
    own = np.flatnonzero(holds[c_off] == c_pos) if c_off.size else np.zeros(0, np.int64)
    if own.size:
        _refuse_own_seat(candidates, {o["id"]: o["holds"] for o in officials if "holds" in o})
    conflict_a, conflict_b = _conflicts(conflicts, off_index)
    return Instance(
        official_ids=official_ids,
        position_ids=position_ids,
        unit_ids=unit_ids,
        position_unit=np.array([position_unit_raw[p] for p in position_ids], dtype=np.int64),
        position_seats=np.array([seats_raw[p] for p in position_ids], dtype=np.int64),
        official_holds=holds,
        unit_cap=np.array([caps.get(u, NO_CAP) for u in unit_ids], dtype=np.int64),
        cand_official=c_off,
        cand_position=c_pos,
        cand_cost=c_cost,
        conflict_a=conflict_a,
        conflict_b=conflict_b,
    )
