"""The LP relaxation of the standard model (GLOP), for a bound and reduced costs much tighter than the ascent's.

Rows: each official at most one move; each post's arrivals minus its placed holders at most its vacant seats; each
capped unit's arrivals at most its cap; each (conflict pair, shared unit) at most one; at least `placed` moves.
The LP is solved on a subset of the arcs (`keep`); its duals then price every arc (numpy, all arcs at once),
and the bound is recomputed from the duals by weak duality over all arcs (0 ≤ x ≤ 1), so it holds whatever the
LP solver's accuracy: for duals μ ≥ 0 on the ≤ rows and ν ≥ 0 on the count row, any plan placing `placed` costs
at least −μ·b + ν·placed + Σ min(0, rc), with rc = c + Aᵀμ − ν.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.linear_solver.python import model_builder_helper as mbh

from chidao.optimizer.instance import Instance, IntArray
from chidao.optimizer.rows import Rows, cand_unit

FloatArray = np.ndarray
SOLVER = "glop"


@dataclass(frozen=True)
class LpResult:
    bound: float  # a proven lower bound on the cost of any plan placing `placed` (weak duality, all arcs)
    reduced: FloatArray  # reduced cost of every candidate arc under the duals
    x: FloatArray  # the LP solution on every arc (0 outside keep)


def _entries(inst: Instance, rows: Rows) -> tuple[IntArray, IntArray, FloatArray, FloatArray, int]:
    """The ≤ rows as (row, arc, coefficient) triples over all arcs, their right-hand sides, and the row count."""
    m, n, n_pos = inst.n_candidates, len(inst.official_ids), len(inst.position_ids)
    arcs = np.arange(m)
    r_parts, a_parts, v_parts = [inst.cand_official, n + inst.cand_position], [arcs, arcs], [np.ones(m), np.ones(m)]
    held = inst.official_holds[inst.cand_official]
    leaving = np.flatnonzero(held >= 0)
    r_parts.append(n + held[leaving])
    a_parts.append(leaving)
    v_parts.append(-np.ones(leaving.size))
    rhs = [np.ones(n), inst.position_seats.astype(float)]
    offset = n + n_pos
    capped = np.flatnonzero(inst.unit_cap >= 0)
    unit_row = np.full(len(inst.unit_ids), -1, np.int64)
    unit_row[capped] = offset + np.arange(capped.size)
    units = cand_unit(inst)
    in_capped = np.flatnonzero(unit_row[units] >= 0)
    r_parts.append(unit_row[units][in_capped])
    a_parts.append(in_capped)
    v_parts.append(np.ones(in_capped.size))
    rhs.append(inst.unit_cap[capped].astype(float))
    offset += capped.size
    conflict_entries = rows.ptr[rows.n_conflict]
    r_parts.append(offset + rows.row_of_entry()[:conflict_entries])
    a_parts.append(rows.arcs[:conflict_entries])
    v_parts.append(np.ones(int(conflict_entries)))
    rhs.append(rows.rhs[:rows.n_conflict].astype(float))
    offset += rows.n_conflict
    return (np.concatenate(r_parts).astype(np.int64), np.concatenate(a_parts).astype(np.int64),
            np.concatenate(v_parts), np.concatenate(rhs), offset)


def solve_lp(inst: Instance, rows: Rows, keep: IntArray, *, placed: int,
             time_limit: float | None = None) -> LpResult | None:
    """The LP on the arcs `keep`, priced over all arcs; None if GLOP does not give an optimal answer."""
    m = inst.n_candidates
    r, a, v, b, n_rows = _entries(inst, rows)
    local = np.full(m, -1, np.int64)
    local[keep] = np.arange(keep.size)
    inside = local[a] >= 0
    model = mbh.ModelBuilderHelper()
    k = int(keep.size)
    model.add_var_array_with_bounds(np.zeros(k), np.ones(k), np.zeros(k, bool), "x")  # type: ignore[arg-type]
    model.set_objective_coefficients(list(range(k)), inst.cand_cost[keep].astype(float).tolist())
    for _ in range(n_rows + 1):
        model.add_linear_constraint()
    for row, ub in enumerate(b.tolist()):
        model.set_constraint_upper_bound(row, ub)
        model.set_constraint_lower_bound(row, -np.inf)
    model.set_constraint_lower_bound(n_rows, float(placed))
    model.set_constraint_upper_bound(n_rows, np.inf)
    variables = [mbh.Variable(model, i) for i in range(k)]
    order = np.argsort(r[inside], kind="stable")
    rr, aa, vv = r[inside][order], local[a[inside]][order], v[inside][order]
    starts = np.searchsorted(rr, np.arange(n_rows + 1)).tolist()
    aa_l, vv_l = aa.tolist(), vv.tolist()
    for row in range(n_rows):
        lo, hi = starts[row], starts[row + 1]
        if hi > lo:
            model.add_terms_to_constraint(row, [variables[i] for i in aa_l[lo:hi]], vv_l[lo:hi])
    model.add_terms_to_constraint(n_rows, variables, [1.0] * k)
    solver = mbh.ModelSolverHelper(SOLVER)
    if time_limit is not None:
        solver.set_time_limit_in_seconds(max(time_limit, 0.01))
    solver.solve(model)
    if solver.status() != mbh.SolveStatus.OPTIMAL or not solver.has_solution():
        return None
    duals = np.asarray(solver.dual_values(), float)
    mu = np.maximum(-duals[:n_rows], 0.0)
    nu = max(float(duals[n_rows]), 0.0)
    reduced = inst.cand_cost.astype(float) + np.bincount(a, weights=v * mu[r], minlength=m) - nu
    bound = float(-mu @ b + nu * placed + np.minimum(reduced, 0.0).sum())
    x = np.zeros(m)
    x[keep] = np.asarray(solver.variable_values(), float)
    return LpResult(bound, reduced, x)
