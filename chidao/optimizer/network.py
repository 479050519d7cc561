"""The flow relaxation: the problem without conflicts (and without the caps of units whose posts have holders).

Two shapes, both solved by OR-Tools' `SimpleMinCostFlow` (arcs added as numpy arrays in one call):

* No holders (the original contract): source → official (1) → position (1, the candidate's cost) → unit (seats)
  → sink (the unit's cap), solved by `solve_max_flow_with_min_cost` (maximum flow first, then least cost among
  maximum flows: the lexicographic objective).
* Holders: a circulation. source → official (1) → official' (1) → position (candidate arc, cost c − BIG) → sink
  (vacant seats), position → holder (1, cost 0): the flow through a holder is the seat it frees, and it must flow on,
  so the holder is placed (a departure). A sink → source arc closes the circulation; BIG is larger than any plan's
  total cost, so the least-cost circulation places as many as possible, then pays least. Chains run
  source → o1 → p1 → o2 → p2 → sink; swaps are cycles p1 → o1 → p2 → o2 → p1 and need no source at all.
  A unit's cap stays in the network (position → unit → sink) when none of its posts has a holder; otherwise arrivals
  can leave the post through a holder, so the cap is a side constraint of the relaxation.

`penalty` adds an amount to each candidate arc's cost (the Lagrangian multipliers of the side constraints) and
`closed` shuts candidate arcs; `potentials` gives node prices of an optimal flow, from which every candidate arc's
reduced cost follows (used to prove arcs out of every better plan).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from chidao.optimizer.instance import Instance, IntArray

COST_LIMIT = 2**62  # OR-Tools scales costs by the number of nodes; stay clear of int64 overflow


@dataclass(frozen=True)
class Relaxation:
    """An optimal flow: the plan it carries (candidate indices, ascending), its placements and true cost."""

    placed: int
    cost: int  # with the instance's costs
    value: int  # with the penalized costs (what the flow minimized among maximum placements)
    chosen: IntArray
    flows: IntArray  # flow on every arc, for potentials

    @property
    def key(self) -> tuple[int, int]:
        return (-self.placed, self.cost)


class Network:
    """The relaxation's graph, built once as arrays; each solve makes a fresh flow object (costs cannot be reset)."""

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        n, n_pos, n_units, m = len(inst.official_ids), len(inst.position_ids), len(inst.unit_ids), inst.n_candidates
        self.n = n
        self.circulation = inst.has_holders
        holders = np.flatnonzero(inst.official_holds >= 0)
        held_unit = np.zeros(n_units, bool)
        held_unit[inst.position_unit[inst.official_holds[holders]]] = True
        self.side_cap_units: IntArray = np.flatnonzero(held_unit & (inst.unit_cap >= 0))  # caps not in the network
        seats_in_unit = np.bincount(inst.position_unit, weights=inst.position_seats, minlength=n_units).astype(np.int64)
        unit_cap = np.where(inst.unit_cap >= 0, np.minimum(inst.unit_cap, seats_in_unit), seats_in_unit)
        source, sink = 0, 1
        if not self.circulation:
            first_off, first_pos = 2, 2 + n
            first_unit = first_pos + n_pos
            tails = [np.zeros(n, np.int64), first_off + inst.cand_official, first_pos + np.arange(n_pos),
                     first_unit + np.arange(n_units)]
            heads = [first_off + np.arange(n), first_pos + inst.cand_position, first_unit + inst.position_unit,
                     np.full(n_units, sink)]
            caps = [np.ones(n + m, np.int64), inst.position_seats, unit_cap]
            self.cand_arc0 = n
        else:
            # source, sink, official in, official out, positions, units (only those with the cap in the network)
            first_in, first_out = 2, 2 + n
            first_pos = first_out + n
            first_unit = first_pos + n_pos
            pos_unit = inst.position_unit
            via_unit = ~held_unit[pos_unit]
            pos_to = np.where(via_unit, first_unit + pos_unit, sink)
            tails = [np.zeros(n, np.int64), first_in + np.arange(n), first_out + inst.cand_official,
                     first_pos + np.arange(n_pos), first_pos + inst.official_holds[holders],
                     first_unit + np.arange(n_units), np.array([sink])]
            heads = [first_in + np.arange(n), first_out + np.arange(n), first_pos + inst.cand_position, pos_to,
                     first_in + holders, np.full(n_units, sink), np.array([source])]
            caps = [np.ones(2 * n + m, np.int64), inst.position_seats, np.ones(holders.size, np.int64),
                    np.where(held_unit, 0, unit_cap), np.array([n])]
            self.cand_arc0 = 2 * n
        self.tails = np.concatenate(tails).astype(np.int64)
        self.heads = np.concatenate(heads).astype(np.int64)
        self.caps = np.concatenate(caps).astype(np.int64)
        self.n_nodes = int(max(self.tails.max(initial=1), self.heads.max(initial=1))) + 1
        self.cand_arcs = self.cand_arc0 + np.arange(m)
        self.solves = 0

    def big(self, costs: IntArray) -> int:
        """A placement's weight in the circulation: more than any plan's total cost."""
        return int(costs.max(initial=0)) * max(self.n, 1) + 1

    def relax(self, penalty: IntArray | None = None, closed: IntArray | None = None) -> Relaxation:
        """Max placements, then least (penalized) cost, without the side constraints and without `closed` arcs."""
        inst = self.inst
        self.solves += 1
        costs = inst.cand_cost if penalty is None else inst.cand_cost + penalty
        if inst.n_candidates == 0:
            return Relaxation(0, 0, 0, np.zeros(0, np.int64), np.zeros(self.tails.size, np.int64))
        caps = self.caps
        if closed is not None and closed.size:
            caps = caps.copy()
            caps[self.cand_arc0 + closed] = 0
        arc_cost = np.zeros(self.tails.size, np.int64)
        flow = min_cost_flow.SimpleMinCostFlow()
        if self.circulation:
            big = self.big(costs)
            if big * self.n_nodes * 4 >= COST_LIMIT:
                raise OverflowError("costs too large for the circulation")
            arc_cost[self.cand_arcs] = costs - big
        else:
            arc_cost[self.cand_arcs] = costs
        flow.add_arcs_with_capacity_and_unit_cost(self.tails.astype(np.int32), self.heads.astype(np.int32), caps,
                                                  arc_cost)
        if self.circulation:
            status = flow.solve()
        else:
            flow.set_node_supply(0, self.n)
            flow.set_node_supply(1, -self.n)
            status = flow.solve_max_flow_with_min_cost()
        if status != min_cost_flow.SimpleMinCostFlow.OPTIMAL:
            raise RuntimeError(f"min-cost flow failed: {status}")
        flows = np.asarray(flow.flows(np.arange(self.tails.size, dtype=np.int32)), np.int64)
        chosen = np.flatnonzero(flows[self.cand_arcs] > 0).astype(np.int64)
        return Relaxation(int(chosen.size), int(inst.cand_cost[chosen].sum()), int(costs[chosen].sum()), chosen, flows)

    def reduced_costs(self, relaxation: Relaxation, penalty: IntArray | None = None) -> IntArray:
        """Reduced cost of each candidate arc at an optimal flow (0 on arcs that carry flow and are not forced).

        For any plan of the relaxation, (its penalized cost) ≥ (the flow's) + the reduced costs of the unused arcs
        it takes, among plans with as many placements; so an arc whose reduced cost exceeds the gap to the best
        plan known is in no better plan. Potentials are shortest distances in the residual graph (Bellman-Ford from
        every node at 0, vectorized; an optimal flow has no negative residual cycle). In the maximum-flow shape the
        bound holds among plans with as many placements as the flow, which is the only way it is used.
        """
        inst = self.inst
        costs = inst.cand_cost if penalty is None else inst.cand_cost + penalty
        arc_cost = np.zeros(self.tails.size, np.int64)
        arc_cost[self.cand_arcs] = costs - (self.big(costs) if self.circulation else 0)
        f = relaxation.flows
        fwd = f < self.caps
        bwd = f > 0
        r_tail = np.concatenate([self.tails[fwd], self.heads[bwd]])
        r_head = np.concatenate([self.heads[fwd], self.tails[bwd]])
        r_cost = np.concatenate([arc_cost[fwd], -arc_cost[bwd]])
        dist = np.zeros(self.n_nodes, np.int64)
        active = np.ones(self.n_nodes, bool)
        for _ in range(self.n_nodes + 1):
            use = active[r_tail]
            if not use.any():
                break
            cand = dist[r_tail[use]] + r_cost[use]
            heads = r_head[use]
            better = cand < dist[heads]
            if not better.any():
                break
            new = dist.copy()
            np.minimum.at(new, heads[better], cand[better])
            active = new < dist
            dist = new
        tails, heads = self.tails[self.cand_arcs], self.heads[self.cand_arcs]
        return arc_cost[self.cand_arcs] + dist[tails] - dist[heads]
