"""The flow relaxation, branch-and-bound on conflicts, greedy repair and the reasons for the unplaced.

See the package docstring for the method. Everything here works on the integer arrays of `Instance`; string ids only
appear in `solve`, when the plan is written.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from ortools.graph.python import min_cost_flow

from chidao.optimizer.instance import Instance, IntArray, validate

Forbidden = frozenset[tuple[int, int]]  # (official, unit) pairs whose arcs are closed in a branch
Key = tuple[int, int]  # (-placed, cost): smaller is better, so heap order is the lexicographic objective

REASON_NO_CANDIDATE = "không có vị trí phù hợp"
REASON_TAKEN = "các vị trí phù hợp đã được bố trí cho người khác"
REASON_FULL = "đơn vị tiếp nhận đã đủ chỉ tiêu"
REASON_TAKEN_OR_FULL = "các vị trí phù hợp đã được bố trí cho người khác hoặc thuộc đơn vị tiếp nhận đã đủ chỉ tiêu"
REASON_CONFLICT = "xung đột lợi ích với {}"


@dataclass(frozen=True)
class Relaxation:
    """The optimum of the flow without conflicts (minus forbidden arcs): a bound, and a plan if nothing clashes."""

    placed: int
    cost: int
    chosen: IntArray  # candidate indices carrying flow, ascending

    @property
    def key(self) -> Key:
        return (-self.placed, self.cost)


class Network:
    """source → official (1) → position (1, cost) → unit (1) → sink (cap); built once, arcs closed per branch."""

    def __init__(self, inst: Instance) -> None:
        n, n_pos, n_units, m = len(inst.official_ids), len(inst.position_ids), len(inst.unit_ids), inst.n_candidates
        self.inst = inst
        self.n = n
        self.cand_unit: IntArray = inst.position_unit[inst.cand_position]
        self.starts: IntArray = np.searchsorted(inst.cand_official, np.arange(n + 1)).astype(np.int64)
        in_unit = np.bincount(inst.position_unit, minlength=n_units).astype(np.int64)
        unit_cap = np.where(inst.unit_cap >= 0, np.minimum(inst.unit_cap, in_unit), in_unit)
        first_official, first_position = 2, 2 + n
        first_unit = first_position + n_pos
        tails = np.concatenate([np.zeros(n, np.int64), first_official + inst.cand_official,
                                first_position + np.arange(n_pos), first_unit + np.arange(n_units)])
        heads = np.concatenate([first_official + np.arange(n), first_position + inst.cand_position,
                                first_unit + inst.position_unit, np.ones(n_units, np.int64)])
        capacities = np.concatenate([np.ones(n + m + n_pos, np.int64), unit_cap])
        costs = np.concatenate([np.zeros(n, np.int64), inst.cand_cost, np.zeros(n_pos + n_units, np.int64)])
        self.flow = min_cost_flow.SimpleMinCostFlow()
        self.flow.add_arcs_with_capacity_and_unit_cost(tails.astype(np.int32), heads.astype(np.int32),
                                                       capacities, costs)
        self.cand_arcs = (n + np.arange(m)).astype(np.int32)
        self.solves = 0
        self._memo: dict[Forbidden, Relaxation] = {}

    def arcs_of(self, official: int, unit: int) -> IntArray:
        """Candidate indices of `official` into positions of `unit`."""
        lo, hi = int(self.starts[official]), int(self.starts[official + 1])
        return lo + np.flatnonzero(self.cand_unit[lo:hi] == unit)

    def _closed(self, forbidden: Forbidden) -> IntArray:
        parts = [self.arcs_of(o, u) for o, u in sorted(forbidden)]
        return np.concatenate(parts) if parts else np.zeros(0, np.int64)

    def relax(self, forbidden: Forbidden = frozenset(), parent_placed: int | None = None) -> Relaxation:
        """Max placements, then min cost, without conflicts and without the forbidden (official, unit) arcs.

        Memoized: the dive and the search often reach the same set of bans, and a solve is the expensive step.
        `parent_placed` (a node's parent's placements) lets the solve try that flow value directly first.
        """
        if forbidden in self._memo:
            return self._memo[forbidden]
        self._memo[forbidden] = relaxation = self._relax(forbidden, parent_placed)
        return relaxation

    def _relax(self, forbidden: Forbidden, parent_placed: int | None) -> Relaxation:
        self.solves += 1
        if self.inst.n_candidates == 0:
            return Relaxation(0, 0, np.zeros(0, np.int64))
        closed = (self.n + self._closed(forbidden)).astype(np.int32)
        self.flow.set_arc_capacities(closed, np.zeros(closed.size, np.int64))
        status = None
        if parent_placed:
            # Banning arcs never raises the maximum flow, so if the parent's count is still reachable it is the
            # maximum, and a plain min-cost solve at that supply (about 20 % faster) gives the same answer.
            self.flow.set_node_supply(0, parent_placed)
            self.flow.set_node_supply(1, -parent_placed)
            status = self.flow.solve()
        if status != min_cost_flow.SimpleMinCostFlow.OPTIMAL:
            self.flow.set_node_supply(0, self.n)
            self.flow.set_node_supply(1, -self.n)
            status = self.flow.solve_max_flow_with_min_cost()
        self.flow.set_arc_capacities(closed, np.ones(closed.size, np.int64))
        if status != min_cost_flow.SimpleMinCostFlow.OPTIMAL:
            raise RuntimeError(f"min-cost flow failed: {status}")
        chosen = np.flatnonzero(np.asarray(self.flow.flows(self.cand_arcs)) > 0).astype(np.int64)
        return Relaxation(int(chosen.size), int(self.inst.cand_cost[chosen].sum()), chosen)

    def min_cost_at(self, placed: int) -> int:
        """Least cost of exactly `placed` placements without conflicts: bounds every plan placing at least that many.

        Costs are ≥ 0, so dropping placements from a larger flow never raises its cost.
        """
        if placed == 0:
            return 0
        self.flow.set_node_supply(0, placed)
        self.flow.set_node_supply(1, -placed)
        status = self.flow.solve()
        if status != min_cost_flow.SimpleMinCostFlow.OPTIMAL:
            return 0
        return int(self.flow.optimal_cost())


def official_units(inst: Instance, chosen: IntArray) -> IntArray:
    """Unit of each official in a plan, -1 when unplaced."""
    units = np.full(len(inst.official_ids), -1, np.int64)
    units[inst.cand_official[chosen]] = inst.position_unit[inst.cand_position[chosen]]
    return units


def violations(inst: Instance, chosen: IntArray) -> IntArray:
    """Indices of the conflict pairs placed in the same unit, in conflict order."""
    units = official_units(inst, chosen)
    ua, ub = units[inst.conflict_a], units[inst.conflict_b]
    return np.flatnonzero((ua >= 0) & (ua == ub))


@dataclass
class Search:
    """Outcome of branch-and-bound: the best conflict-free relaxation found, and what is left open."""

    best: Relaxation | None
    proven: bool
    open_keys: list[Key]  # keys of the nodes not yet explored (parents' keys for unsolved ones)
    open_best: Relaxation | None  # the most promising solved open node, a starting point for repair


def _dive(net: Network, root: Relaxation, deadline: float | None) -> Relaxation | None:
    """A first conflict-free plan to prune with: ban the second official of every clashing pair, solve, repeat."""
    inst, bans, node = net.inst, frozenset[tuple[int, int]](), root
    while deadline is None or time.monotonic() <= deadline:
        bad = violations(inst, node.chosen)
        if not bad.size:
            return node
        units = official_units(inst, node.chosen)
        bans = bans | {(int(inst.conflict_b[i]), int(units[inst.conflict_b[i]])) for i in bad.tolist()}
        node = net.relax(bans, node.placed)
    return None


def branch_and_bound(net: Network, deadline: float | None) -> Search:
    """Best-first search over (official, unit) bans; a node is solved only when popped (its parent's key bounds it).

    A violated pair (a, b) in unit u splits a node in two: a banned from u, or b banned from u. Every conflict-free
    plan of the node lies in one of them, so the first conflict-free relaxation popped is optimal.
    """
    inst = net.inst
    root = net.relax()
    if not violations(inst, root.chosen).size:
        return Search(root, True, [], None)
    best = _dive(net, root, deadline)
    seq = 0
    # (key, 0 = solved / 1 = parent's key only, seq, bans, relaxation or None)
    heap: list[tuple[Key, int, int, Forbidden, Relaxation | None]] = [(root.key, 0, 0, frozenset(), root)]
    seen: set[Forbidden] = {frozenset()}
    while heap:
        key, unsolved, _, bans, node = heap[0]
        if best is not None and key >= best.key:
            return Search(best, True, [], None)
        if deadline is not None and time.monotonic() > deadline:
            break
        heapq.heappop(heap)
        if node is None:
            node = net.relax(bans, -key[0])
            if best is None or node.key < best.key:
                if not violations(inst, node.chosen).size:
                    best = node
                seq += 1
                heapq.heappush(heap, (node.key, 0, seq, bans, node))
            continue
        bad = violations(inst, node.chosen)
        if not bad.size:
            best = node  # popped first among everything left, so optimal; the loop head confirms it
            continue
        i = int(bad[0])
        a, b = int(inst.conflict_a[i]), int(inst.conflict_b[i])
        unit = int(official_units(inst, node.chosen)[a])
        for official in (a, b):
            child = bans | {(official, unit)}
            if child not in seen:
                seen.add(child)
                seq += 1
                heapq.heappush(heap, (node.key, 1, seq, child, None))
    if best is not None and not heap:
        return Search(best, True, [], None)
    open_best = next((entry[4] for entry in sorted(heap) if entry[4] is not None), root)
    return Search(best, False, [entry[0] for entry in heap], open_best)


def lower_bound(net: Network, search: Search, placed: int, cost: int) -> int:
    """A proven bound on the cost of any plan placing at least `placed` (a plan of that size costs `cost`).

    Unexplored nodes at exactly `placed` are bounded by their relaxation cost, those above it by the cheapest flow of
    `placed` units; nodes pruned against the incumbent cannot place more than it at a lower cost.
    """
    bounds = [cost] + [c for p, c in search.open_keys if -p == placed]
    if any(-p > placed for p, _c in search.open_keys):
        bounds.append(net.min_cost_at(placed))
    return min(bounds)


def _partners(inst: Instance) -> dict[int, list[int]]:
    partners: dict[int, list[int]] = {}
    for a, b in zip(inst.conflict_a.tolist(), inst.conflict_b.tolist(), strict=True):
        partners.setdefault(a, []).append(b)
        partners.setdefault(b, []).append(a)
    return partners


def greedy(inst: Instance, chosen: IntArray | None = None) -> IntArray:
    """Make a plan conflict-free (dropping the second of each clashing pair), then add cheapest moves that still fit.

    Alone (no `chosen`) it is the cheapest-first baseline; after a time limit it repairs the best relaxation.
    """
    n_units = len(inst.unit_ids)
    kept = np.zeros(0, np.int64) if chosen is None else chosen.copy()
    while kept.size:
        bad = violations(inst, kept)
        if not bad.size:
            break
        drop = set(inst.conflict_b[bad].tolist())
        kept = kept[~np.isin(inst.cand_official[kept], list(drop))]
    in_unit = np.bincount(inst.position_unit, minlength=n_units)
    cap = np.where(inst.unit_cap >= 0, inst.unit_cap, in_unit)
    units = official_units(inst, kept)
    taken = np.zeros(len(inst.position_ids), bool)
    taken[inst.cand_position[kept]] = True
    count = np.bincount(units[units >= 0], minlength=n_units)
    cand_unit = inst.position_unit[inst.cand_position]
    open_arcs = np.flatnonzero((units[inst.cand_official] < 0) & ~taken[inst.cand_position]
                               & (count[cand_unit] < cap[cand_unit]))
    order = open_arcs[np.lexsort((inst.cand_position[open_arcs], inst.cand_official[open_arcs],
                                  inst.cand_cost[open_arcs]))]
    partners = _partners(inst)
    added: list[int] = []
    units_l, taken_l, count_l, cap_l = units.tolist(), taken.tolist(), count.tolist(), cap.tolist()
    offs, poss, cunits = inst.cand_official.tolist(), inst.cand_position.tolist(), cand_unit.tolist()
    for e in order.tolist():
        o, p, u = offs[e], poss[e], cunits[e]
        if units_l[o] >= 0 or taken_l[p] or count_l[u] >= cap_l[u]:
            continue
        if any(units_l[x] == u for x in partners.get(o, ())):
            continue
        units_l[o], taken_l[p] = u, True
        count_l[u] += 1
        added.append(e)
    return np.sort(np.concatenate([kept, np.array(added, np.int64)]))


def unplaced_reasons(inst: Instance, chosen: IntArray) -> dict[int, str]:
    """Why each unplaced official is out, read off the final plan: the most specific reason that holds.

    In order: no candidate at all; some candidate is free and has room but a conflict partner sits in its unit
    (named); every candidate position is taken; every candidate unit is full; else taken-or-full.
    """
    n, n_units = len(inst.official_ids), len(inst.unit_ids)
    units = official_units(inst, chosen)
    in_unit = np.bincount(inst.position_unit, minlength=n_units)
    cap = np.where(inst.unit_cap >= 0, inst.unit_cap, in_unit)
    count = np.bincount(units[units >= 0], minlength=n_units)
    taken = np.zeros(len(inst.position_ids), bool)
    taken[inst.cand_position[chosen]] = True
    cand_unit = inst.position_unit[inst.cand_position]
    arc_taken = taken[inst.cand_position]
    arc_full = count[cand_unit] >= cap[cand_unit]
    per_official = np.bincount(inst.cand_official, minlength=n)
    all_taken = np.bincount(inst.cand_official, weights=arc_taken, minlength=n) == per_official
    all_full = np.bincount(inst.cand_official, weights=arc_full, minlength=n) == per_official
    unplaced = units < 0
    open_arcs = np.flatnonzero(unplaced[inst.cand_official] & ~arc_taken & ~arc_full)
    partners = _partners(inst)
    blockers: dict[int, set[int]] = {}
    for e in open_arcs.tolist():
        o, u = int(inst.cand_official[e]), int(cand_unit[e])
        blockers.setdefault(o, set()).update(x for x in partners.get(o, ()) if units[x] == u)
    reasons: dict[int, str] = {}
    for o in np.flatnonzero(unplaced).tolist():
        if per_official[o] == 0:
            reasons[o] = REASON_NO_CANDIDATE
        elif blockers.get(o):
            reasons[o] = REASON_CONFLICT.format(", ".join(inst.official_ids[x] for x in sorted(blockers[o])))
        elif all_taken[o]:
            reasons[o] = REASON_TAKEN
        elif all_full[o]:
            reasons[o] = REASON_FULL
        else:
            reasons[o] = REASON_TAKEN_OR_FULL
    return reasons


def solve(instance: Mapping[str, Any] | Instance, *, time_limit: float | None = None) -> dict[str, Any]:
    """Solve an instance (dict as in the JSON, or an already validated `Instance`) and return the plan dict.

    `time_limit` (seconds) stops the search between flow solves; the plan is then "feasible" unless already proven.
    """
    started = time.monotonic()
    inst = instance if isinstance(instance, Instance) else validate(instance)
    deadline = None if time_limit is None else started + time_limit
    net = Network(inst)
    search = branch_and_bound(net, deadline)
    if search.proven and search.best is not None:
        chosen, status = search.best.chosen, "optimal"
        bound = search.best.cost
    else:
        start = search.best if search.best is not None else search.open_best
        chosen = greedy(inst, None if start is None else start.chosen)
        status = "feasible"
        bound = lower_bound(net, search, int(chosen.size), int(inst.cand_cost[chosen].sum()))
    reasons = unplaced_reasons(inst, chosen)
    ids = inst.official_ids
    return {
        "status": status,
        "placed": int(chosen.size),
        "objective": int(inst.cand_cost[chosen].sum()),
        "lower_bound": int(bound),
        "assignments": [
            {"official": ids[o], "position": inst.position_ids[p], "cost": c}
            for o, p, c in zip(inst.cand_official[chosen].tolist(), inst.cand_position[chosen].tolist(),
                               inst.cand_cost[chosen].tolist(), strict=True)
        ],
        "unplaced": [{"official": ids[o], "reason": r} for o, r in sorted(reasons.items())],
        "seconds": round(time.monotonic() - started, 3),
    }
