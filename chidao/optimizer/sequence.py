"""The order a personnel office can carry a plan out in: chains, swaps and single moves.

Each arrival into a post takes either one of its vacant seats or the seat of one of its holders who moves away.
Per post, arrivals (by official id) take the vacant seats first, then the departing holders' seats (holders by id):
a chain then ends wherever nobody needs a seat, and a swap is only reported when it is forced. Every official has
at most one predecessor (the holder whose seat they take) and at most one follower (who takes theirs), so the moves
form paths and cycles:

* a path of one move into a vacancy is a "single";
* a longer path is a "chain", carried out from the one moving into a vacancy, then the one taking that person's
  seat, and so on;
* a cycle is a "swap" (two or more officials, done at once), listed from its smallest id, each official followed
  by the one taking their seat.

Groups are ordered by the id of their first official.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chidao.optimizer.instance import Instance, IntArray


def _successors(inst: Instance, chosen: IntArray) -> tuple[dict[int, int], set[int]]:
    """follower[x] = the official taking x's seat; the set of officials moving into a vacant seat."""
    dest = {int(o): int(p) for o, p in zip(inst.cand_official[chosen], inst.cand_position[chosen], strict=True)}
    arrivals: dict[int, list[int]] = {}
    for o in sorted(dest):
        arrivals.setdefault(dest[o], []).append(o)
    departing: dict[int, list[int]] = {}
    for o in sorted(dest):
        held = int(inst.official_holds[o])
        if held >= 0:
            departing.setdefault(held, []).append(o)
    follower: dict[int, int] = {}
    into_vacancy: set[int] = set()
    for p, movers in arrivals.items():
        seats = int(inst.position_seats[p])
        into_vacancy.update(movers[:seats])
        leavers = departing.get(p, [])
        rest = movers[seats:]
        if len(rest) > len(leavers):
            raise ValueError(f"position {inst.position_ids[p]!r} gets more arrivals than it has seats")
        for leaver, mover in zip(leavers, rest, strict=False):
            follower[leaver] = mover
    return follower, into_vacancy


def sequence(inst: Instance, chosen: IntArray) -> list[dict[str, Any]]:
    """The plan's moves as groups {"kind": "chain" | "swap" | "single", "officials": [ids in execution order]}."""
    follower, into_vacancy = _successors(inst, chosen)
    ids = inst.official_ids
    groups: list[dict[str, Any]] = []
    seen: set[int] = set()
    for start in sorted(into_vacancy):
        path = [start]
        while path[-1] in follower:
            path.append(follower[path[-1]])
        seen.update(path)
        groups.append({"kind": "single" if len(path) == 1 else "chain", "officials": [ids[o] for o in path]})
    for start in sorted(int(o) for o in np.unique(inst.cand_official[chosen])):
        if start in seen:
            continue
        cycle = [start]
        while follower[cycle[-1]] != start:
            cycle.append(follower[cycle[-1]])
        seen.update(cycle)
        groups.append({"kind": "swap", "officials": [ids[o] for o in cycle]})
    groups.sort(key=lambda g: g["officials"][0])
    return groups
