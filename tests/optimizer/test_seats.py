"""Seats and holders: chains, swaps, vacancies, an unplaced holder keeping their seat; caps and conflicts on chains."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from typing import Any

import pytest

from chidao.optimizer import InstanceError, solve, validate
from chidao.optimizer.solver import REASON_NO_CANDIDATE, REASON_SEAT_NOT_FREED

from .helpers import check_plan, random_instance, with_holders


def _plan(instance: dict[str, Any]) -> dict[str, Any]:
    plan = solve(instance)
    check_plan(instance, plan)
    plan.pop("seconds")
    return plan


def _cands(*triples: tuple[str, str, int]) -> list[dict[str, Any]]:
    return [{"official": o, "position": p, "cost": c} for o, p, c in triples]


def _moves(plan: dict[str, Any]) -> dict[str, str]:
    return {a["official"]: a["position"] for a in plan["assignments"]}


def test_a_two_swap_places_both_holders_into_each_others_post():
    # Given two posts without a vacant seat, each held by one official who is a candidate for the other's
    instance = {
        "officials": [{"id": "A", "holds": "p1"}, {"id": "B", "holds": "p2"}],
        "units": [{"id": "U1"}, {"id": "U2"}],
        "positions": [{"id": "p1", "unit": "U1", "seats": 0}, {"id": "p2", "unit": "U2", "seats": 0}],
        "candidates": _cands(("A", "p2", 3), ("B", "p1", 4)),
    }
    plan = _plan(instance)
    assert (plan["status"], plan["placed"], plan["objective"], plan["lower_bound"]) == ("optimal", 2, 7, 7)
    assert _moves(plan) == {"A": "p2", "B": "p1"}
    assert plan["sequence"] == [{"kind": "swap", "officials": ["A", "B"]}]


def test_a_three_cycle_is_one_swap_in_the_order_seats_pass():
    instance = {
        "officials": [{"id": "A", "holds": "p1"}, {"id": "B", "holds": "p2"}, {"id": "C", "holds": "p3"}],
        "units": [{"id": "U"}],
        "positions": [{"id": p, "unit": "U", "seats": 0} for p in ("p1", "p2", "p3")],
        "candidates": _cands(("A", "p2", 1), ("B", "p3", 1), ("C", "p1", 1)),
    }
    plan = _plan(instance)
    assert (plan["status"], plan["placed"], plan["objective"]) == ("optimal", 3, 3)
    assert _moves(plan) == {"A": "p2", "B": "p3", "C": "p1"}
    # C takes A's seat, B takes C's seat
    assert plan["sequence"] == [{"kind": "swap", "officials": ["A", "C", "B"]}]


def test_a_chain_starts_with_the_move_into_the_vacancy():
    # Given one vacancy p0; X holds p1, Y holds p2, Z holds nothing; p1 and p2 have no vacant seat
    instance = {
        "officials": [{"id": "X", "holds": "p1"}, {"id": "Y", "holds": "p2"}, {"id": "Z"}],
        "units": [{"id": "U"}],
        "positions": [{"id": "p0", "unit": "U"}, {"id": "p1", "unit": "U", "seats": 0},
                      {"id": "p2", "unit": "U", "seats": 0}],
        "candidates": _cands(("X", "p0", 2), ("Y", "p1", 2), ("Z", "p2", 2), ("Z", "p0", 9)),
    }
    plan = _plan(instance)
    assert (plan["status"], plan["placed"], plan["objective"]) == ("optimal", 3, 6)
    assert _moves(plan) == {"X": "p0", "Y": "p1", "Z": "p2"}
    assert plan["sequence"] == [{"kind": "chain", "officials": ["X", "Y", "Z"]}]


def test_an_unplaced_holder_keeps_their_seat_so_nobody_can_take_it():
    # Given A holds p1 and has nowhere to go, B wants only p1
    instance = {
        "officials": [{"id": "A", "holds": "p1"}, {"id": "B"}],
        "units": [{"id": "U"}],
        "positions": [{"id": "p1", "unit": "U", "seats": 0}],
        "candidates": _cands(("B", "p1", 0)),
    }
    plan = _plan(instance)
    assert (plan["status"], plan["placed"], plan["assignments"], plan["sequence"]) == ("optimal", 0, [], [])
    assert plan["unplaced"] == [{"official": "A", "reason": REASON_NO_CANDIDATE},
                                {"official": "B", "reason": REASON_SEAT_NOT_FREED}]
    assert REASON_SEAT_NOT_FREED == "các vị trí phù hợp chưa có chỗ trống (người đang giữ không chuyển đi)"


@pytest.mark.parametrize(("seats", "placed", "moves"), [(0, 0, {}), (1, 1, {"b": "p"}), (2, 2, {"b": "p", "c": "p"})])
def test_a_post_takes_as_many_as_its_vacant_seats(seats, placed, moves):
    instance = {
        "officials": [{"id": "a"}, {"id": "b"}, {"id": "c"}],
        "units": [{"id": "U"}],
        "positions": [{"id": "p", "unit": "U", "seats": seats}],
        "candidates": _cands(("a", "p", 5), ("b", "p", 1), ("c", "p", 2)),
    }
    plan = _plan(instance)
    assert (plan["status"], plan["placed"], _moves(plan)) == ("optimal", placed, moves)
    assert plan["sequence"] == [{"kind": "single", "officials": [o]} for o in sorted(moves)]


def _chain_instance(**extra: Any) -> dict[str, Any]:
    # X holds p1 (U1); p0 in U1 is vacant; Y wants X's seat p1; X can go to p0 (free) or to p3 in U2 (cost 5)
    base: dict[str, Any] = {
        "officials": [{"id": "X", "holds": "p1"}, {"id": "Y"}],
        "units": [{"id": "U1"}, {"id": "U2"}],
        "positions": [{"id": "p0", "unit": "U1"}, {"id": "p1", "unit": "U1", "seats": 0},
                      {"id": "p3", "unit": "U2"}],
        "candidates": _cands(("X", "p0", 0), ("X", "p3", 5), ("Y", "p1", 0)),
    }
    base.update(extra)
    return base


def test_a_cap_counts_every_arrival_of_a_chain():
    free = _plan(_chain_instance())
    assert (_moves(free), free["objective"]) == ({"X": "p0", "Y": "p1"}, 0)
    capped = _plan(_chain_instance(units=[{"id": "U1", "cap": 1}, {"id": "U2"}]))
    assert (capped["status"], capped["placed"], capped["objective"]) == ("optimal", 2, 5)
    assert _moves(capped) == {"X": "p3", "Y": "p1"}
    assert capped["sequence"] == [{"kind": "chain", "officials": ["X", "Y"]}]


def test_a_conflict_pair_is_kept_apart_along_a_chain():
    plan = _plan(_chain_instance(conflicts=[{"officials": ["Y", "X"], "reason": "vợ chồng"}]))
    assert (plan["status"], plan["placed"], plan["objective"], plan["lower_bound"]) == ("optimal", 2, 5, 5)
    assert _moves(plan) == {"X": "p3", "Y": "p1"}


def test_explicit_default_seats_mean_the_old_contract():
    base = {
        "officials": [{"id": "a"}, {"id": "b"}, {"id": "c"}],
        "units": [{"id": "U1", "cap": 1}, {"id": "U2"}],
        "positions": [{"id": "p1", "unit": "U1"}, {"id": "p2", "unit": "U1"}, {"id": "p3", "unit": "U2"}],
        "candidates": _cands(("a", "p1", 0), ("a", "p3", 50), ("b", "p2", 0), ("c", "p2", 3)),
    }
    old = _plan(base)
    explicit = _plan({**base, "positions": [{**p, "seats": 1} for p in base["positions"]]})
    assert old == explicit
    assert _moves(old) == {"a": "p3", "b": "p2"} and old["objective"] == 50


REFUSALS = [
    ({"officials": [{"id": "a", "holds": "zz"}]}, "officials[0].holds: unknown position 'zz'"),
    ({"officials": [{"id": "a", "holds": 3}]}, "officials[0].holds: must be a non-empty string"),
    ({"positions": [{"id": "p1", "unit": "U", "seats": -1}]},
     "positions[0].seats: must be an integer from 0 to 1000000"),
    ({"positions": [{"id": "p1", "unit": "U", "seats": True}]},
     "positions[0].seats: must be an integer from 0 to 1000000"),
    ({"officials": [{"id": "a", "holds": "p1"}]}, "candidates[0].position: 'p1' is the post official 'a' holds now"),
]


@pytest.mark.parametrize(("change", "message"), REFUSALS, ids=[m for _c, m in REFUSALS])
def test_bad_seats_and_holds_are_refused_naming_the_field(change, message):
    instance = {"officials": [{"id": "a"}], "units": [{"id": "U"}], "positions": [{"id": "p1", "unit": "U"}],
                "candidates": _cands(("a", "p1", 1))}
    instance.update(change)
    with pytest.raises(InstanceError) as excinfo:
        validate(instance)
    assert str(excinfo.value) == message


def brute_force(instance: dict[str, Any]) -> tuple[int, int]:
    """Best (placed, cost) over every choice of one candidate or none per official."""
    unit_of = {p["id"]: p["unit"] for p in instance["positions"]}
    seats = {p["id"]: p.get("seats", 1) for p in instance["positions"]}
    cap = {u["id"]: u.get("cap") for u in instance["units"]}
    holds = {o["id"]: o.get("holds") for o in instance["officials"]}
    options: dict[str, list[tuple[str, int] | None]] = {o["id"]: [None] for o in instance["officials"]}
    for c in instance["candidates"]:
        options[c["official"]].append((c["position"], c["cost"]))
    pairs = [tuple(c["officials"]) for c in instance.get("conflicts", [])]
    best = (0, 0)
    for choice in itertools.product(*options.values()):
        where = {o: ch[0] for o, ch in zip(options, choice, strict=True) if ch is not None}
        arrivals = Counter(where.values())
        departures = Counter(holds[o] for o in where if holds[o])
        if any(arrivals[p] > seats[p] + departures[p] for p in arrivals):
            continue
        per_unit = Counter(unit_of[p] for p in where.values())
        if any(cap[u] is not None and k > cap[u] for u, k in per_unit.items()):
            continue
        if any(a in where and b in where and unit_of[where[a]] == unit_of[where[b]] for a, b in pairs):
            continue
        cost = sum(ch[1] for ch in choice if ch is not None)
        best = max(best, (len(where), -cost))
    return best[0], -best[1]


def test_matches_exhaustive_search_on_150_small_instances_with_holders():
    rng = random.Random(99)
    for _ in range(150):
        n = rng.randint(2, 6)
        base = random_instance(rng, n, rng.randint(2, 5), rng.randint(1, 3), per_official=3,
                               n_conflicts=rng.randint(0, min(3, n * (n - 1) // 2)))
        instance = with_holders(rng, base, share=0.7, max_seats=1)
        plan = solve(instance)
        check_plan(instance, plan)
        assert plan["status"] == "optimal"
        assert (plan["placed"], plan["objective"]) == brute_force(instance), instance
        assert plan["lower_bound"] == plan["objective"]
