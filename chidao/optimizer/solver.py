"""The solve: flow relaxation, Lagrangian bound, reduced-cost fixing, a MIP on what is left; greedy and reasons.

See the package docstring for the method. Everything here works on the integer arrays of `Instance`; string ids only
appear in `solve`, when the plan is written.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from chidao.optimizer.bans import ban_search
from chidao.optimizer.components import split
from chidao.optimizer.instance import Instance, IntArray, validate
from chidao.optimizer.lp import solve_lp
from chidao.optimizer.mip import MipResult, solve_mip
from chidao.optimizer.network import Network, Relaxation
from chidao.optimizer.rows import Rows, is_lawful, official_units, room, side_rows, unit_arrivals, violations
from chidao.optimizer.sequence import sequence

REASON_NO_CANDIDATE = "không có vị trí phù hợp"
REASON_TAKEN = "các vị trí phù hợp đã được bố trí cho người khác"
REASON_FULL = "đơn vị tiếp nhận đã đủ chỉ tiêu"
REASON_TAKEN_OR_FULL = "các vị trí phù hợp đã được bố trí cho người khác hoặc thuộc đơn vị tiếp nhận đã đủ chỉ tiêu"
REASON_CONFLICT = "xung đột lợi ích với {}"
REASON_SEAT_NOT_FREED = "các vị trí phù hợp chưa có chỗ trống (người đang giữ không chuyển đi)"

SCALE = 8  # costs are multiplied by this inside the Lagrangian, so integer multipliers can be fine-grained
LAGRANGE_ROUNDS = 40  # at most; the ascent stops earlier once the bound stalls
STALL_ROUNDS = 6
CORE_START_DIVISOR = 2  # the first core: arcs with a reduced cost up to half the gap (measured: 4, 8 need two cores)
FEW_BROKEN_ROWS = 8  # up to this many clashing rows at the root, first try branching on bans
BAN_SOLVES = 24  # flow solves the ban search may spend before the Lagrangian method takes over
DIRECT_CORE_ARCS = 20_000  # skip the Lagrangian ascent when the root's reduced costs leave at most this many arcs
LP_START = 4  # the first LP holds the arcs whose root reduced cost is at most this (instance cost units)
LP_ROUNDS = 6  # at most this many LP solves, each adding the arcs the last one priced below 0
REPAIR_EVERY = 5  # rounds between greedy repairs of the relaxation (the best-bound one is repaired too)

__all__ = ["greedy", "solve", "unplaced_reasons", "violations"]


def _partners(inst: Instance) -> dict[int, list[int]]:
    partners: dict[int, list[int]] = {}
    for a, b in zip(inst.conflict_a.tolist(), inst.conflict_b.tolist(), strict=True):
        partners.setdefault(a, []).append(b)
        partners.setdefault(b, []).append(a)
    return partners


def _caps(inst: Instance) -> IntArray:
    big = len(inst.official_ids) + 1
    return np.where(inst.unit_cap >= 0, inst.unit_cap, big)


def _drop_excess(inst: Instance, kept: IntArray, over: IntArray, key: IntArray, excess: IntArray) -> IntArray:
    """Drop, in each group over its limit, its `excess` most expensive arcs (ties: the later official)."""
    arcs = kept[np.isin(key, over)]
    order = arcs[np.lexsort((-inst.cand_official[arcs], -inst.cand_cost[arcs]))]
    drop: list[int] = []
    left = dict(zip(over.tolist(), excess.tolist(), strict=True))
    group_of = dict(zip(arcs.tolist(), key[np.isin(key, over)].tolist(), strict=True))
    for e in order.tolist():
        g = group_of[e]
        if left[g] > 0:
            left[g] -= 1
            drop.append(e)
    return kept[~np.isin(kept, drop)]


def make_lawful(inst: Instance, chosen: IntArray) -> IntArray:
    """Drop moves until every constraint holds: the second of each clashing pair, then the dearest moves over a cap
    or over a post's seats (dropping a holder's move takes back the seat it freed, so repeat until stable)."""
    kept = np.sort(chosen)
    while True:
        bad = violations(inst, kept)
        if bad.size:
            kept = kept[~np.isin(inst.cand_official[kept], inst.conflict_b[bad])]
            continue
        arrivals = unit_arrivals(inst, kept)
        over = np.flatnonzero((inst.unit_cap >= 0) & (arrivals > inst.unit_cap))
        if over.size:
            units = inst.position_unit[inst.cand_position[kept]]
            kept = _drop_excess(inst, kept, over, units, (arrivals - inst.unit_cap)[over])
            continue
        left = room(inst, kept)
        full = np.flatnonzero(left < 0)
        if full.size:
            kept = _drop_excess(inst, kept, full, inst.cand_position[kept], -left[full])
            continue
        return kept


def greedy(inst: Instance, chosen: IntArray | None = None) -> IntArray:
    """Make a plan lawful (see `make_lawful`), then add cheapest moves that still fit, pass after pass (a holder's
    move frees a seat that an earlier, refused move may then take).

    Alone (no `chosen`) it is the cheapest-first baseline; otherwise it repairs a relaxation.
    """
    kept = np.zeros(0, np.int64) if chosen is None else make_lawful(inst, chosen)
    units = official_units(inst, kept)
    left = room(inst, kept)
    count = unit_arrivals(inst, kept)
    cap = _caps(inst)
    cand_unit = inst.position_unit[inst.cand_position]
    partners = _partners(inst)
    units_l, left_l, count_l, cap_l = units.tolist(), left.tolist(), count.tolist(), cap.tolist()
    offs, poss, cunits = inst.cand_official.tolist(), inst.cand_position.tolist(), cand_unit.tolist()
    holds = inst.official_holds.tolist()
    added: list[int] = []
    open_arcs = np.flatnonzero(units[inst.cand_official] < 0)
    order = open_arcs[np.lexsort((inst.cand_position[open_arcs], inst.cand_official[open_arcs],
                                  inst.cand_cost[open_arcs]))].tolist()
    while order:
        refused: list[int] = []
        freed = False
        for e in order:
            o, p, u = offs[e], poss[e], cunits[e]
            if units_l[o] >= 0:
                continue
            if left_l[p] <= 0 or count_l[u] >= cap_l[u] or any(units_l[x] == u for x in partners.get(o, ())):
                refused.append(e)
                continue
            units_l[o] = u
            left_l[p] -= 1
            count_l[u] += 1
            if holds[o] >= 0:
                left_l[holds[o]] += 1
                freed = True
            added.append(e)
        order = refused if freed else []
    return np.sort(np.concatenate([kept, np.array(added, np.int64)]))


def unplaced_reasons(inst: Instance, chosen: IntArray) -> dict[int, str]:
    """Why each unplaced official is out, read off the final plan: the most specific reason that holds.

    In order: no candidate at all; some candidate post has a seat and its unit room but a conflict partner sits in
    that unit (named); no candidate post has a seat, and none of them received anyone (their holders stay); no
    candidate post has a seat; every candidate unit is full; else no seat or full.
    """
    n, n_units = len(inst.official_ids), len(inst.unit_ids)
    units = official_units(inst, chosen)
    cap = _caps(inst)
    count = unit_arrivals(inst, chosen)
    no_seat = room(inst, chosen) <= 0
    received = np.bincount(inst.cand_position[chosen], minlength=len(inst.position_ids)) > 0
    cand_unit = inst.position_unit[inst.cand_position]
    arc_taken = no_seat[inst.cand_position]
    arc_received = received[inst.cand_position]
    arc_full = count[cand_unit] >= cap[cand_unit]
    per_official = np.bincount(inst.cand_official, minlength=n)
    all_taken = np.bincount(inst.cand_official, weights=arc_taken, minlength=n) == per_official
    none_received = np.bincount(inst.cand_official, weights=arc_received, minlength=n) == 0
    all_full = np.bincount(inst.cand_official, weights=arc_full, minlength=n) == per_official
    unplaced = units < 0
    open_arcs = np.flatnonzero(unplaced[inst.cand_official] & ~arc_taken & ~arc_full)
    partners = _partners(inst)
    blockers: dict[int, set[int]] = {}
    for e in open_arcs.tolist():
        o, u = int(inst.cand_official[e]), int(cand_unit[e])
        blockers.setdefault(o, set()).update(x for x in partners.get(o, ()) if units[x] == u)
    del n_units
    reasons: dict[int, str] = {}
    for o in np.flatnonzero(unplaced).tolist():
        if per_official[o] == 0:
            reasons[o] = REASON_NO_CANDIDATE
        elif blockers.get(o):
            reasons[o] = REASON_CONFLICT.format(", ".join(inst.official_ids[x] for x in sorted(blockers[o])))
        elif all_taken[o] and none_received[o]:
            reasons[o] = REASON_SEAT_NOT_FREED
        elif all_taken[o]:
            reasons[o] = REASON_TAKEN
        elif all_full[o]:
            reasons[o] = REASON_FULL
        else:
            reasons[o] = REASON_TAKEN_OR_FULL
    return reasons


@dataclass
class Outcome:
    """What the search proved: the plan, whether it is optimal, and a bound on the cost of any plan placing as many."""

    chosen: IntArray
    optimal: bool
    bound: int
    stats: dict[str, Any]


def _key(inst: Instance, chosen: IntArray) -> tuple[int, int, tuple[int, ...]]:
    """Plans compared by (placed desc, cost asc), then by their arcs, so the pick among equals is deterministic."""
    return (-int(chosen.size), int(inst.cand_cost[chosen].sum()), tuple(chosen.tolist()))


def _lagrange(net: Network, rows: Rows, root: Relaxation, incumbent: IntArray, deadline: float | None,
              stats: dict[str, Any]) -> tuple[int, Relaxation, IntArray, IntArray]:
    """Subgradient ascent on the multipliers of the side rows (costs scaled by SCALE, multipliers integers).

    Returns the best bound (scaled: any plan placing root.placed costs at least bound / SCALE), its relaxation and
    penalty, and the best plan repaired from the relaxations on the way.
    """
    inst = net.inst
    m = inst.n_candidates
    lam = np.zeros(rows.size, np.int64)
    scaled = inst.cand_cost * SCALE
    best_lb, best_relax, best_pen = root.cost * SCALE, root, np.zeros(m, np.int64)
    step_scale = 1.0
    stale = since_best = 0
    for round_ in range(LAGRANGE_ROUNDS):
        if deadline is not None and time.monotonic() > deadline:
            break
        ub = int(inst.cand_cost[incumbent].sum()) * SCALE if incumbent.size == root.placed else None
        if ub is not None and -(-best_lb // SCALE) >= ub // SCALE:
            break
        pen = rows.penalty(lam, m)
        relax = net.relax(penalty=scaled - inst.cand_cost + pen) if lam.any() else _scaled(net, root)
        if relax.placed != root.placed:
            raise RuntimeError("a penalized relaxation changed the number placed")
        lb = relax.value - int(lam @ rows.rhs)
        if lb > best_lb:
            best_lb, best_relax, best_pen, stale, since_best = lb, relax, pen, 0, 0
        else:
            stale += 1
            since_best += 1
            if stale >= 3:
                step_scale /= 2
                stale = 0
            if since_best >= STALL_ROUNDS:
                break
        x = np.zeros(m, np.int64)
        x[relax.chosen] = 1
        g = rows.activity(x) - rows.rhs
        if round_ % REPAIR_EVERY == REPAIR_EVERY - 1 or not (g > 0).any():
            plan = greedy(inst, relax.chosen)
            if _key(inst, plan) < _key(inst, incumbent):
                incumbent = plan
        g = np.where((lam == 0) & (g < 0), 0, g)
        norm = float(g @ g)
        if norm == 0:
            break
        target = ub if ub is not None else lb + max(abs(lb) // 50, SCALE)
        t = step_scale * max(target - lb, SCALE) / norm
        lam = np.maximum(0, lam + np.round(t * g).astype(np.int64))
        stats["lagrange_rounds"] = stats.get("lagrange_rounds", 0) + 1
    plan = greedy(inst, best_relax.chosen)
    if _key(inst, plan) < _key(inst, incumbent):
        incumbent = plan
    return best_lb, best_relax, best_pen, incumbent


def _scaled(net: Network, root: Relaxation) -> Relaxation:
    """The root relaxation seen with scaled costs (same optimum: scaling does not change the argmin)."""
    return Relaxation(root.placed, root.cost, root.cost * SCALE, root.chosen, root.flows)


def _core_loop(net: Network, rows: Rows, relax: Relaxation, pen: IntArray, best_lb: int, incumbent: IntArray,
               deadline: float | None, stats: dict[str, Any]) -> tuple[IntArray, MipResult]:
    """Solve the MIP on the arcs whose reduced cost is at most a threshold, growing it until it covers the gap.

    Any plan cheaper than the incumbent uses only arcs whose reduced cost is below the gap (incumbent − bound,
    scaled), so once the core holds every arc up to the gap left after its solve, the core's optimum is the optimum.
    A small first threshold keeps the first core small; its solution usually closes most of the gap.
    """
    inst = net.inst
    reduced = net.reduced_costs(relax, inst.cand_cost * (SCALE - 1) + pen)
    threshold = max(SCALE, (int(inst.cand_cost[incumbent].sum()) * SCALE - best_lb) // CORE_START_DIVISOR)
    cores = 0
    while True:
        keep = np.flatnonzero(reduced <= threshold)
        cores += 1
        stats.update(kept_arcs=int(keep.size), cores=cores)
        left = None if deadline is None else deadline - time.monotonic()
        result = solve_mip(inst, rows, keep, placed=relax.placed, hint=incumbent, time_limit=left)
        found = result.chosen
        if found is not None and is_lawful(inst, found) and _key(inst, found) < _key(inst, incumbent):
            incumbent = found
        gap = int(inst.cand_cost[incumbent].sum()) * SCALE - best_lb
        if not result.optimal or gap <= threshold:
            # cut by the time limit, or the core covers the gap: its bound is the bound of the whole problem
            # only in the second case, so the caller takes the Lagrangian bound when the core was not proven
            return incumbent, result if result.optimal else MipResult(result.chosen, False, -math.inf, 0)
        threshold = gap


def _direct_core_fits(net: Network, root: Relaxation, incumbent: IntArray) -> bool:
    inst = net.inst
    gap = (int(inst.cand_cost[incumbent].sum()) - root.cost) * SCALE
    reduced = net.reduced_costs(_scaled(net, root), inst.cand_cost * (SCALE - 1))
    return int((reduced <= gap).sum()) <= DIRECT_CORE_ARCS


def _lp_bound(net: Network, rows: Rows, root: Relaxation, deadline: float | None,
              stats: dict[str, Any]) -> tuple[float, np.ndarray, np.ndarray] | None:
    """The LP bound by column generation: start from the arcs of small root reduced cost, add those the duals price
    below 0, until none is left (then the bound is the LP optimum); the bound holds at every step (weak duality)."""
    inst = net.inst
    reduced = net.reduced_costs(_scaled(net, root), inst.cand_cost * (SCALE - 1))
    keep = np.flatnonzero(reduced <= LP_START * SCALE)
    best = None
    for _ in range(LP_ROUNDS):
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            break
        result = solve_lp(inst, rows, keep, placed=root.placed, time_limit=left)
        stats["lp_solves"] = stats.get("lp_solves", 0) + 1
        if result is None:
            break
        if best is None or result.bound > best[0]:
            best = (result.bound, result.reduced, result.x)
        outside = np.ones(inst.n_candidates, bool)
        outside[keep] = False
        add = np.flatnonzero(outside & (result.reduced < -1e-9))
        if not add.size:
            break
        keep = np.union1d(keep, add)
    return best


def _lp_core(net: Network, rows: Rows, root: Relaxation, incumbent: IntArray, deadline: float | None,
             stats: dict[str, Any]) -> tuple[IntArray, MipResult, int] | None:
    """LP bound, a repair of the LP's solution, then the MIP on the arcs whose LP reduced cost fits the gap.

    Any plan placing root.placed costs at least bound + (reduced cost of any arc it takes, when positive), so a
    plan cheaper than the incumbent (cost ≤ incumbent − 1) uses only arcs with reduced cost ≤ incumbent − 1 − bound.
    The core holds those and the incumbent's arcs, so its optimum is the optimum. Returns (plan, MIP result, bound).
    """
    inst = net.inst
    found = _lp_bound(net, rows, root, deadline, stats)
    if found is None:
        return None
    bound_f, reduced, x = found
    lb = math.ceil(bound_f - 1e-6)
    plan = greedy(inst, np.flatnonzero(x > 0.5))
    if _key(inst, plan) < _key(inst, incumbent):
        incumbent = plan
    cost = int(inst.cand_cost[incumbent].sum())
    stats.update(lp_bound=round(bound_f, 3), lp_repair_cost=int(inst.cand_cost[plan].sum()))
    if cost <= lb:
        return incumbent, MipResult(incumbent, True, float(cost), 0), lb
    threshold = 0.0  # first the arcs of the LP's optimal face: their optimum is usually the optimum or close
    cores = 0
    while True:
        keep = np.union1d(np.flatnonzero(reduced <= threshold + 1e-6), incumbent)
        cores += 1
        stats.update(kept_arcs=int(keep.size), cores=cores)
        left = None if deadline is None else deadline - time.monotonic()
        result = solve_mip(inst, rows, keep, placed=root.placed, hint=incumbent, time_limit=left, presolve=False)
        found_plan = result.chosen
        if found_plan is not None and is_lawful(inst, found_plan) and _key(inst, found_plan) < _key(inst, incumbent):
            incumbent = found_plan
        cost = int(inst.cand_cost[incumbent].sum())
        need = cost - 1 - bound_f  # a better plan uses only arcs with reduced cost up to this
        if cost <= lb or not result.optimal or threshold + 1e-6 >= need:
            break
        threshold = need
    if cost <= lb:
        return incumbent, MipResult(incumbent, True, float(cost), 0), lb
    return incumbent, result if result.optimal else MipResult(result.chosen, False, -math.inf, 0), lb


def search(inst: Instance, deadline: float | None) -> Outcome:
    """Relaxation; if it breaks a side row, Lagrangian bound, reduced-cost fixing and a MIP on the arcs left."""
    net = Network(inst)
    stats: dict[str, Any] = {}
    root = net.relax()
    rows = side_rows(inst, net.side_cap_units)
    x = np.zeros(inst.n_candidates, np.int64)
    x[root.chosen] = 1
    if not (rows.activity(x) > rows.rhs).any():
        return Outcome(root.chosen, True, root.cost, {"flow_solves": net.solves})
    broken = int((rows.activity(x) > rows.rhs).sum())
    if not net.side_cap_units.size and broken <= FEW_BROKEN_ROWS:
        node = ban_search(net, root, deadline, BAN_SOLVES)
        if node is not None:
            return Outcome(node.chosen, True, node.cost, {"flow_solves": net.solves, "ban_search": True})
    incumbent = greedy(inst, root.chosen)
    if incumbent.size == root.placed and not net.side_cap_units.size:
        done = _lp_core(net, rows, root, incumbent, deadline, stats)
        if done is not None:
            incumbent, result, lb = done
            cost = int(inst.cand_cost[incumbent].sum())
            optimal = result.optimal or cost <= lb
            stats.update(flow_solves=net.solves, mip_optimal=result.optimal)
            return Outcome(incumbent, optimal, cost if optimal else min(lb, cost), stats)
    if incumbent.size == root.placed and _direct_core_fits(net, root, incumbent):
        # few rows broken and a repair close to the bound: the root's reduced costs already leave a small core
        best_lb, relax, pen = root.cost * SCALE, _scaled(net, root), np.zeros(inst.n_candidates, np.int64)
        stats["lagrange_rounds"] = 0
    else:
        best_lb, relax, pen, incumbent = _lagrange(net, rows, root, incumbent, deadline, stats)
    lb = -(-best_lb // SCALE)
    same_count = incumbent.size == root.placed
    inc_cost = int(inst.cand_cost[incumbent].sum())
    stats.update(flow_solves=net.solves, lagrange_bound=lb, root_cost=root.cost, greedy_cost=inc_cost)
    if same_count and inc_cost <= lb:
        return Outcome(incumbent, True, inc_cost, stats)
    if same_count:
        incumbent, result = _core_loop(net, rows, relax, pen, best_lb, incumbent, deadline, stats)
        placed: int | None = root.placed
    else:
        placed = None
        left = None if deadline is None else deadline - time.monotonic()
        result = solve_mip(inst, rows, np.arange(inst.n_candidates), placed=None, hint=incumbent, time_limit=left)
        found = result.chosen
        if found is not None and is_lawful(inst, found) and _key(inst, found) < _key(inst, incumbent):
            incumbent = found
    n_placed, cost = int(incumbent.size), int(inst.cand_cost[incumbent].sum())
    mip_bound = result.bound + result.big * n_placed
    bound = max(lb if n_placed == root.placed else 0, math.ceil(mip_bound - 1e-6) if math.isfinite(mip_bound) else 0)
    # the bound proves the plan when it places the relaxation's maximum; the weighted MIP (no count given) proves
    # the number placed too
    optimal = cost <= bound and (n_placed == root.placed or (result.optimal and placed is None))
    stats.update(mip_optimal=result.optimal)
    return Outcome(incumbent, optimal, cost if optimal else min(bound, cost), stats)


def search_parts(inst: Instance, deadline: float | None) -> Outcome:
    """`search` on each independent part of the instance (`components.split`), largest first; the plans join, the
    bounds add up, and the whole is optimal when every part is. A part reached after the deadline still gets a lawful
    plan from its own (immediately cut) search."""
    parts = split(inst)
    if len(parts) <= 1:
        return search(inst, deadline)
    chosen: list[IntArray] = []
    optimal, bound = True, 0
    for part in parts:
        outcome = search(part.inst, deadline)
        chosen.append(part.candidates[outcome.chosen])
        optimal = optimal and outcome.optimal
        bound += outcome.bound
    return Outcome(np.sort(np.concatenate(chosen)), optimal, bound, {"parts": len(parts)})


def solve(instance: Mapping[str, Any] | Instance, *, time_limit: float | None = None) -> dict[str, Any]:
    """Solve an instance (dict as in the JSON, or an already validated `Instance`) and return the plan dict.

    `time_limit` (seconds) stops the search; the plan is then "feasible" (lawful, with a proven lower bound) unless
    already proven optimal.
    """
    started = time.monotonic()
    inst = instance if isinstance(instance, Instance) else validate(instance)
    # writing the plan (reasons, sequence) comes after the search: keep a little of the limit for it
    deadline = None if time_limit is None else started + time_limit - min(1.0, 0.05 * time_limit)
    outcome = search_parts(inst, deadline)
    chosen = outcome.chosen
    reasons = unplaced_reasons(inst, chosen)
    ids = inst.official_ids
    return {
        "status": "optimal" if outcome.optimal else "feasible",
        "placed": int(chosen.size),
        "objective": int(inst.cand_cost[chosen].sum()),
        "lower_bound": int(outcome.bound),
        "assignments": [
            {"official": ids[o], "position": inst.position_ids[p], "cost": c}
            for o, p, c in zip(inst.cand_official[chosen].tolist(), inst.cand_position[chosen].tolist(),
                               inst.cand_cost[chosen].tolist(), strict=True)
        ],
        "unplaced": [{"official": ids[o], "reason": r} for o, r in sorted(reasons.items())],
        "sequence": sequence(inst, chosen),
        "seconds": round(time.monotonic() - started, 3),
    }
