"""Random instances and a plan checker shared by the optimizer tests."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any


def random_instance(rng: random.Random, n: int, n_pos: int, n_units: int, *, per_official: int,
                    n_conflicts: int, max_cost: int = 20, biting: bool = False) -> dict[str, Any]:
    """Seeded random instance; `biting` draws conflict pairs among officials whose cheapest move is to one unit."""
    units = [{"id": f"U{u}", "cap": rng.randint(1, 3)} if rng.random() < 0.8 else {"id": f"U{u}"}
             for u in range(n_units)]
    positions = [{"id": f"P{p}", "unit": f"U{rng.randrange(n_units)}"} for p in range(n_pos)]
    candidates = [{"official": f"O{o}", "position": f"P{p}", "cost": rng.randint(0, max_cost)}
                  for o in range(n) for p in rng.sample(range(n_pos), min(n_pos, rng.randint(0, per_official)))]
    cheapest: dict[str, tuple[int, str]] = {}
    for c in candidates:
        unit = positions[int(c["position"][1:])]["unit"]
        cheapest[c["official"]] = min(cheapest.get(c["official"], (c["cost"], unit)), (c["cost"], unit))
    groups: dict[str, list[int]] = {}
    for o in range(n):
        if f"O{o}" in cheapest:
            groups.setdefault(cheapest[f"O{o}"][1], []).append(o)
    pools = [g for g in groups.values() if len(g) >= 2] if biting else [list(range(n))]
    pairs: set[tuple[int, int]] = set()
    while n >= 2 and pools and len(pairs) < n_conflicts:
        a, b = rng.sample(rng.choice(pools), 2)
        pairs.add((a, b))
    return {
        "officials": [{"id": f"O{o}"} for o in range(n)],
        "positions": positions,
        "units": units,
        "candidates": candidates,
        "conflicts": [{"officials": [f"O{a}", f"O{b}"], "reason": "vợ chồng"} for a, b in sorted(pairs)],
    }


def with_holders(rng: random.Random, instance: dict[str, Any], *, share: float = 0.5,
                 max_seats: int = 1) -> dict[str, Any]:
    """The same instance where about `share` of the officials hold a post (never one they are a candidate for) and
    posts have 0..max_seats vacant seats."""
    out = dict(instance)
    wanted: dict[str, set[str]] = {}
    for c in instance["candidates"]:
        wanted.setdefault(c["official"], set()).add(c["position"])
    positions = [p["id"] for p in instance["positions"]]
    officials = []
    for o in instance["officials"]:
        free = [p for p in positions if p not in wanted.get(o["id"], set())]
        officials.append({**o, "holds": rng.choice(free)} if free and rng.random() < share else dict(o))
    out["officials"] = officials
    out["positions"] = [{**p, "seats": rng.randint(0, max_seats)} for p in instance["positions"]]
    return out


def check_plan(instance: dict[str, Any], plan: dict[str, Any]) -> None:
    """Every constraint of the problem, and the plan's own bookkeeping."""
    unit_of = {p["id"]: p["unit"] for p in instance["positions"]}
    seats = {p["id"]: p.get("seats", 1) for p in instance["positions"]}
    holds = {o["id"]: o["holds"] for o in instance["officials"] if "holds" in o}
    cap = {u["id"]: u.get("cap") for u in instance["units"]}
    cost = {(c["official"], c["position"]): c["cost"] for c in instance["candidates"]}
    assigned = plan["assignments"]
    for a in assigned:
        assert cost[(a["official"], a["position"])] == a["cost"]
    officials = [a["official"] for a in assigned]
    assert officials == sorted(officials) and len(set(officials)) == len(officials)
    positions = [a["position"] for a in assigned]
    departures = Counter(holds[o] for o in officials if o in holds)
    for position, count in Counter(positions).items():
        assert count <= seats[position] + departures[position], position
    per_unit = Counter(unit_of[p] for p in positions)
    for unit, count in per_unit.items():
        assert cap[unit] is None or count <= cap[unit]
    where = {a["official"]: unit_of[a["position"]] for a in assigned}
    for conflict in instance.get("conflicts", []):
        a, b = conflict["officials"]
        assert not (a in where and b in where and where[a] == where[b]), (a, b)
    assert plan["placed"] == len(assigned)
    assert plan["objective"] == sum(a["cost"] for a in assigned)
    assert plan["lower_bound"] <= plan["objective"]
    unplaced = [u["official"] for u in plan["unplaced"]]
    assert unplaced == sorted(unplaced)
    assert sorted(unplaced + officials) == sorted(o["id"] for o in instance["officials"])
    in_groups = [o for g in plan["sequence"] for o in g["officials"]]
    assert sorted(in_groups) == officials
