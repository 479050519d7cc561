"""Splitting an instance into independent parts, solved one by one.

Two officials interact only through a post both may take (or one holds), a capped unit both may enter, or a conflict
pair whose two officials may both land in one unit. A city-wide periodic change round is mostly made inside each
agency, so its instance falls apart into one part per agency: each part is a small flow solved at once, where the
whole needed a long search (the city's 21,399 due people: 42 s whole, 0.3 s in 136 parts). The parts' plans
together are the plan of the whole, optimal when every part is, and the bounds add up.

`split(inst)` returns the parts (`Part`: the sub-instance, its officials' and candidates' indices in the whole); ids
keep their sorted order, so each part is a checked `Instance` the search takes as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from chidao.optimizer.instance import Instance, IntArray


@dataclass(frozen=True)
class Part:
    inst: Instance
    officials: IntArray  # indices in the whole
    candidates: IntArray  # indices in the whole, in the part's candidate order


def _labels(inst: Instance) -> IntArray:
    """A component label per official (union-find over officials, posts and capped units)."""
    n, n_pos = len(inst.official_ids), len(inst.position_ids)
    parent = list(range(n + n_pos + len(inst.unit_ids)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for o, p in zip(inst.cand_official.tolist(), inst.cand_position.tolist(), strict=True):
        union(o, n + p)
    for o, p in enumerate(inst.official_holds.tolist()):
        if p >= 0:
            union(o, n + p)
    capped = inst.unit_cap >= 0
    for p, u in enumerate(inst.position_unit.tolist()):
        if capped[u]:
            union(n + p, n + n_pos + u)
    # A conflict pair matters only where both may land in one unit.
    cand_unit = inst.position_unit[inst.cand_position]
    starts = np.searchsorted(inst.cand_official, np.arange(n + 1))
    for a, b in zip(inst.conflict_a.tolist(), inst.conflict_b.tolist(), strict=True):
        units_a = set(cand_unit[starts[a]:starts[a + 1]].tolist())
        if not units_a.isdisjoint(cand_unit[starts[b]:starts[b + 1]].tolist()):
            union(a, b)
    return np.array([find(o) for o in range(n)], dtype=np.int64)


def split(inst: Instance) -> list[Part]:
    """The independent parts of an instance, largest first (one part when nothing splits)."""
    n = len(inst.official_ids)
    if n == 0:
        return []
    labels = _labels(inst)
    roots, sizes = np.unique(labels, return_counts=True)
    if roots.size == 1:
        return [Part(inst, np.arange(n, dtype=np.int64), np.arange(inst.n_candidates, dtype=np.int64))]
    parts = []
    for root in roots[np.argsort(-sizes, kind="stable")].tolist():
        officials = np.flatnonzero(labels == root)
        parts.append(_part(inst, officials))
    return parts


def _part(inst: Instance, officials: IntArray) -> Part:
    in_part = np.zeros(len(inst.official_ids), bool)
    in_part[officials] = True
    cands = np.flatnonzero(in_part[inst.cand_official])
    holds = inst.official_holds[officials]
    positions = np.unique(np.concatenate([inst.cand_position[cands], holds[holds >= 0]]))
    units = np.unique(inst.position_unit[positions])
    off_map = np.full(len(inst.official_ids), -1, np.int64)
    off_map[officials] = np.arange(officials.size)
    pos_map = np.full(len(inst.position_ids), -1, np.int64)
    pos_map[positions] = np.arange(positions.size)
    unit_map = np.full(len(inst.unit_ids), -1, np.int64)
    unit_map[units] = np.arange(units.size)
    keep = in_part[inst.conflict_a] & in_part[inst.conflict_b]  # a pair split across parts can never meet
    sub = Instance(
        official_ids=[inst.official_ids[o] for o in officials.tolist()],
        position_ids=[inst.position_ids[p] for p in positions.tolist()],
        unit_ids=[inst.unit_ids[u] for u in units.tolist()],
        position_unit=unit_map[inst.position_unit[positions]],
        position_seats=inst.position_seats[positions],
        official_holds=np.where(holds >= 0, pos_map[np.maximum(holds, 0)], -1).astype(np.int64),
        unit_cap=inst.unit_cap[units],
        cand_official=off_map[inst.cand_official[cands]],
        cand_position=pos_map[inst.cand_position[cands]],
        cand_cost=inst.cand_cost[cands],
        conflict_a=off_map[inst.conflict_a[keep]],
        conflict_b=off_map[inst.conflict_b[keep]],
    )
    return Part(sub, officials, cands)
