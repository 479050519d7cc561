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


def check_plan(instance: dict[str, Any], plan: dict[str, Any]) -> None:
    """Every constraint of the problem, and the plan's own bookkeeping."""
    unit_of = {p["id"]: p["unit"] for p in instance["positions"]}
    cap = {u["id"]: u.get("cap") for u in instance["units"]}
    cost = {(c["official"], c["position"]): c["cost"] for c in instance["candidates"]}
    assigned = plan["assignments"]
    for a in assigned:
        assert cost[(a["official"], a["position"])] == a["cost"]
    officials = [a["official"] for a in assigned]
    assert officials == sorted(officials) and len(set(officials)) == len(officials)
    positions = [a["position"] for a in assigned]
    assert len(set(positions)) == len(positions)
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
