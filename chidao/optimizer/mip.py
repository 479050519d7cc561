"""The exact step: a MIP over the candidate arcs not yet proven out of every better plan (CP-SAT).

Variables: one 0/1 per kept candidate arc. Rows: each official at most one move; each post's arrivals at most its
vacant seats plus its placed holders; each capped unit's arrivals at most its cap; each (conflict pair, shared unit)
at most one of the two. Objective: when the number placed is known (`placed`, proven the maximum), the least cost
with at least that many placed; otherwise the weighted sum (cost − BIG per placement, BIG more than any total cost).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from chidao.optimizer.instance import Instance, IntArray
from chidao.optimizer.rows import Rows, cand_unit

WORKERS = 1  # one search worker: deterministic, and the machine has other work


@dataclass(frozen=True)
class MipResult:
    chosen: IntArray | None  # the best plan found (candidate indices), None if none
    optimal: bool
    bound: float  # lower bound on the objective minimized (weighted unless `placed` was given)
    big: int  # the weight of a placement in that objective (0 when `placed` was given)


def _groups(key: IntArray, size: int) -> list[IntArray]:
    order = np.argsort(key, kind="stable")
    bounds = np.searchsorted(key[order], np.arange(size + 1))
    return [order[bounds[i]:bounds[i + 1]] for i in range(size)]


def _constraints(model: cp_model.CpModel, x: list[cp_model.IntVar], inst: Instance, rows: Rows,
                 keep: IntArray) -> None:
    """Official, seat, cap and conflict rows over the kept arcs (rows that cannot bind are left out)."""
    n, n_pos, k = len(inst.official_ids), len(inst.position_ids), int(keep.size)
    offs, poss, units = inst.cand_official[keep], inst.cand_position[keep], cand_unit(inst)[keep]

    def at_most(members: IntArray, ub: int, minus: IntArray | None = None) -> None:
        expr = sum(x[i] for i in members.tolist())
        if minus is not None and minus.size:
            expr = expr - sum(x[i] for i in minus.tolist())
        model.add(expr <= ub)

    by_official = _groups(offs, n)
    for members in by_official:
        if members.size > 1:
            model.add_at_most_one(x[i] for i in members.tolist())
    by_position = _groups(poss, n_pos)
    holders = np.flatnonzero(inst.official_holds >= 0)
    holders_of = _groups(inst.official_holds[holders], n_pos)
    for p in range(n_pos):
        seats = int(inst.position_seats[p])
        if by_position[p].size > seats:
            leave = [by_official[o] for o in holders[holders_of[p]].tolist()]
            at_most(by_position[p], seats, np.concatenate(leave) if leave else None)
    for u, members in enumerate(_groups(units, len(inst.unit_ids))):
        cap = int(inst.unit_cap[u])
        if 0 <= cap < members.size:
            at_most(members, cap)
    index = np.full(inst.n_candidates, -1, np.int64)
    index[keep] = np.arange(k)
    for r in range(rows.n_conflict):
        local = index[rows.arcs[rows.ptr[r]:rows.ptr[r + 1]]]
        local = local[local >= 0]
        if np.unique(offs[local]).size > 1:
            model.add_at_most_one(x[i] for i in local.tolist())


def solve_mip(inst: Instance, rows: Rows, keep: IntArray, *, placed: int | None, hint: IntArray | None,
              time_limit: float | None, presolve: bool = True) -> MipResult:
    """Solve the problem restricted to the candidate arcs `keep` (ascending indices).

    `presolve=False` keeps the model as written: on the cores left by LP reduced-cost fixing CP-SAT's presolve
    rewrites the rows into a form whose LP is far weaker (20,000 / 2,000 core: root bound 1,890 instead of 3,129,
    no proof in 30 s; without presolve proven in 5 s)."""
    deadline = None if time_limit is None else time.monotonic() + time_limit
    k = int(keep.size)
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{i}") for i in range(k)]
    big = 0 if placed is not None else int(inst.cand_cost.max(initial=0)) * max(len(inst.official_ids), 1) + 1
    weights = (inst.cand_cost[keep] - big).tolist()
    _constraints(model, x, inst, rows, keep)
    if placed is not None:
        model.add(sum(x) >= placed)
    model.minimize(cp_model.LinearExpr.weighted_sum(x, weights))
    if hint is not None:
        hinted = np.zeros(k, bool)
        hinted[np.searchsorted(keep, hint[np.isin(hint, keep)])] = True
        for var, value in zip(x, hinted.tolist(), strict=True):
            model.add_hint(var, value)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = WORKERS
    solver.parameters.random_seed = 0
    solver.parameters.linearization_level = 2  # the LP relaxation at every node: the gap left is small
    solver.parameters.cp_model_presolve = presolve
    if deadline is not None:  # building the model took part of the time
        solver.parameters.max_time_in_seconds = max(deadline - time.monotonic(), 0.01)
    status = solver.solve(model)
    chosen = None
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        values = np.array([solver.boolean_value(v) for v in x], bool)
        chosen = keep[values]
    bound = float(solver.best_objective_bound) if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else -math.inf
    return MipResult(chosen, status == cp_model.OPTIMAL, bound, big)

