"""The solver against exhaustive search and CP-SAT, and its reasons, caps, conflicts and determinism."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from ortools.sat.python import cp_model

from chidao.optimizer import solve
from chidao.optimizer.solver import REASON_CONFLICT, REASON_FULL, REASON_NO_CANDIDATE, REASON_TAKEN

from .helpers import check_plan, random_instance


def brute_force(instance: dict[str, Any]) -> tuple[int, int]:
    """Best (placed, -cost) over every plan, by depth-first enumeration."""
    unit_of = {p["id"]: p["unit"] for p in instance["positions"]}
    cap = {u["id"]: u.get("cap") for u in instance["units"]}
    options: dict[str, list[tuple[str, int]]] = {o["id"]: [] for o in instance["officials"]}
    for c in instance["candidates"]:
        options[c["official"]].append((c["position"], c["cost"]))
    partners: dict[str, set[str]] = {}
    for c in instance["conflicts"]:
        a, b = c["officials"]
        partners.setdefault(a, set()).add(b)
        partners.setdefault(b, set()).add(a)
    officials = list(options)
    best = (0, 0)
    used: set[str] = set()
    count: dict[str, int] = {}
    where: dict[str, str] = {}

    def go(i: int, placed: int, cost: int) -> None:
        nonlocal best
        if i == len(officials):
            best = max(best, (placed, -cost))
            return
        o = officials[i]
        go(i + 1, placed, cost)
        for p, c in options[o]:
            u = unit_of[p]
            if p in used or (cap[u] is not None and count.get(u, 0) >= cap[u]):
                continue
            if any(where.get(x) == u for x in partners.get(o, ())):
                continue
            used.add(p)
            count[u] = count.get(u, 0) + 1
            where[o] = u
            go(i + 1, placed + 1, cost + c)
            used.discard(p)
            count[u] -= 1
            del where[o]

    go(0, 0, 0)
    return best[0], -best[1]


def cp_sat(instance: dict[str, Any]) -> tuple[int, int]:
    """The same problem as a CP-SAT model with a lexicographic objective (a placement outweighs any total cost)."""
    unit_of = {p["id"]: p["unit"] for p in instance["positions"]}
    model = cp_model.CpModel()
    x = {(c["official"], c["position"]): model.new_bool_var("") for c in instance["candidates"]}
    cost = {(c["official"], c["position"]): c["cost"] for c in instance["candidates"]}
    by: dict[tuple[str, str], list[Any]] = {}
    for (o, p), var in x.items():
        for key in (("o", o), ("p", p), ("u", unit_of[p]), (o, unit_of[p])):
            by.setdefault(key, []).append(var)
    for o in instance["officials"]:
        model.add_at_most_one(by.get(("o", o["id"]), []))
    for p in instance["positions"]:
        model.add_at_most_one(by.get(("p", p["id"]), []))
    for u in instance["units"]:
        if u.get("cap") is not None:
            model.add(sum(by.get(("u", u["id"]), [])) <= u["cap"])
    for c in instance["conflicts"]:
        a, b = c["officials"]
        for u in instance["units"]:
            both = by.get((a, u["id"]), []) + by.get((b, u["id"]), [])
            if by.get((a, u["id"])) and by.get((b, u["id"])):
                model.add(sum(both) <= 1)
    big = sum(cost.values()) + 1
    model.minimize(sum((cost[k] - big) * v for k, v in x.items()))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.random_seed = 1
    assert solver.solve(model) == cp_model.OPTIMAL
    chosen = [k for k, v in x.items() if solver.value(v)]
    return len(chosen), sum(cost[k] for k in chosen)


def test_matches_exhaustive_search_on_200_small_random_instances():
    rng = random.Random(20240601)
    for _ in range(200):
        n = rng.randint(1, 6)
        instance = random_instance(rng, n, rng.randint(1, 6), rng.randint(2, 3), per_official=4,
                                   n_conflicts=rng.randint(0, min(4, n * (n - 1) // 2)))
        plan = solve(instance)
        check_plan(instance, plan)
        assert plan["status"] == "optimal"
        assert (plan["placed"], plan["objective"]) == brute_force(instance), instance
        assert plan["lower_bound"] == plan["objective"]


def test_matches_cp_sat_on_10_medium_instances_with_caps_and_30_conflicts():
    for seed in range(10):
        rng = random.Random(seed)
        # half with random pairs, half with pairs aiming at the same unit, so that they bite
        instance = random_instance(rng, 200, 220, 8, per_official=30, n_conflicts=30, max_cost=100,
                                   biting=seed % 2 == 1)
        for u in instance["units"]:
            u["cap"] = rng.randint(5, 12)  # tight caps: about half the officials fit
        plan = solve(instance)
        check_plan(instance, plan)
        assert plan["status"] == "optimal"
        assert (plan["placed"], plan["objective"]) == cp_sat(instance)
        assert plan["lower_bound"] == plan["objective"]


def _instance(**extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "officials": [{"id": "a"}, {"id": "b"}, {"id": "c"}],
        "units": [{"id": "U1"}, {"id": "U2"}],
        "positions": [{"id": "p1", "unit": "U1"}, {"id": "p2", "unit": "U1"}, {"id": "p3", "unit": "U2"}],
        "candidates": [],
        "conflicts": [],
    }
    base.update(extra)
    return base


def _cands(*triples: tuple[str, str, int]) -> list[dict[str, Any]]:
    return [{"official": o, "position": p, "cost": c} for o, p, c in triples]


def test_a_conflict_pair_is_split_even_at_a_higher_cost():
    instance = _instance(candidates=_cands(("a", "p1", 0), ("b", "p2", 0), ("b", "p3", 7)),
                         conflicts=[{"officials": ["b", "a"], "reason": "anh em ruột"}])
    plan = solve(instance)
    assert plan["assignments"] == [{"official": "a", "position": "p1", "cost": 0},
                                   {"official": "b", "position": "p3", "cost": 7}]
    assert (plan["status"], plan["placed"], plan["objective"], plan["lower_bound"]) == ("optimal", 2, 7, 7)


def test_a_unit_cap_is_honoured_and_placing_more_beats_a_lower_cost():
    instance = _instance(units=[{"id": "U1", "cap": 1}, {"id": "U2"}],
                         candidates=_cands(("a", "p1", 0), ("a", "p3", 50), ("b", "p2", 0), ("c", "p2", 3)))
    plan = solve(instance)
    check_plan(instance, plan)
    assert plan["assignments"] == [{"official": "a", "position": "p3", "cost": 50},
                                   {"official": "b", "position": "p2", "cost": 0}]
    assert plan["unplaced"] == [{"official": "c", "reason": REASON_TAKEN}]
    assert (plan["status"], plan["placed"], plan["objective"], plan["lower_bound"]) == ("optimal", 2, 50, 50)


def test_everyone_left_out_is_named_with_the_exact_reason():
    instance = {
        "officials": [{"id": x} for x in ("a", "b", "c", "d", "e")],
        "units": [{"id": "U1", "cap": 1}, {"id": "U2"}],
        "positions": [{"id": "p1", "unit": "U1"}, {"id": "p2", "unit": "U1"}, {"id": "p3", "unit": "U2"},
                      {"id": "p4", "unit": "U2"}],
        "candidates": _cands(("a", "p1", 0), ("b", "p2", 5), ("c", "p3", 0), ("d", "p3", 4), ("d", "p4", 9)),
        "conflicts": [{"officials": ["c", "d"], "reason": "vợ chồng"}],
    }
    plan = solve(instance)
    check_plan(instance, plan)
    assert plan["assignments"] == [{"official": "a", "position": "p1", "cost": 0},
                                   {"official": "c", "position": "p3", "cost": 0}]
    assert plan["unplaced"] == [
        {"official": "b", "reason": REASON_FULL},  # p2 is free but U1 already has its one
        {"official": "d", "reason": REASON_CONFLICT.format("c")},  # p4 is free, U2 has room: only c blocks
        {"official": "e", "reason": REASON_NO_CANDIDATE},
    ]
    assert REASON_CONFLICT.format("c") == "xung đột lợi ích với c"


def _shuffled(instance: dict[str, Any], seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    out = {k: list(v) for k, v in instance.items()}
    for v in out.values():
        rng.shuffle(v)
    out["conflicts"] = [{**c, "officials": c["officials"][::-1]} for c in out["conflicts"]]
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_same_plan_every_time_and_whatever_the_list_order(seed):
    rng = random.Random(seed)
    instance = random_instance(rng, 60, 50, 5, per_official=10, n_conflicts=25, max_cost=5)  # many ties
    first = solve(instance)
    first.pop("seconds")
    for again in (instance, _shuffled(instance, seed), _shuffled(instance, seed + 100)):
        plan = solve(again)
        plan.pop("seconds")
        assert json.dumps(plan, ensure_ascii=False) == json.dumps(first, ensure_ascii=False)


def test_a_time_limit_gives_a_feasible_plan_with_a_valid_bound():
    rng = random.Random(7)
    instance = random_instance(rng, 200, 220, 8, per_official=30, n_conflicts=30, max_cost=100)
    for u in instance["units"]:
        u["cap"] = rng.randint(5, 12)
    plan = solve(instance, time_limit=0.0)
    check_plan(instance, plan)
    best = solve(instance)
    assert plan["status"] in ("feasible", "optimal")
    assert plan["placed"] <= best["placed"]
    if plan["placed"] == best["placed"]:
        assert plan["lower_bound"] <= best["objective"] <= plan["objective"]


def test_empty_instance():
    plan = solve({"officials": [], "positions": [], "units": [], "candidates": []})
    plan.pop("seconds")
    assert plan == {"status": "optimal", "placed": 0, "objective": 0, "lower_bound": 0, "assignments": [],
                    "unplaced": [], "sequence": []}


def test_many_biting_pairs_are_proven_by_the_lp_bound_and_match_cp_sat():
    # given instances whose relaxation breaks more conflict rows than the ban search takes
    from chidao.optimizer import validate
    from chidao.optimizer.solver import search

    for seed in (1, 2, 3, 4, 7):
        rng = random.Random(seed)
        instance = random_instance(rng, 200, 220, 8, per_official=30, n_conflicts=60, max_cost=100, biting=True)
        for u in instance["units"]:
            u["cap"] = rng.randint(5, 12)
        # when solved
        outcome = search(validate(instance), None)
        plan = solve(instance)
        # then the LP bound was used, and the plan is the proven optimum
        assert outcome.stats["lp_solves"] >= 1
        assert outcome.stats["lp_bound"] <= plan["objective"]
        check_plan(instance, plan)
        assert plan["status"] == "optimal"
        assert (plan["placed"], plan["objective"]) == cp_sat(instance)
        assert plan["lower_bound"] == plan["objective"]
