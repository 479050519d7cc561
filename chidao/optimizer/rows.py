"""The side constraints of the flow relaxation, as rows over candidate arcs, and the checks every plan must pass.

Rows: one per (conflict pair, unit where both officials have a candidate): at most one of the two placed there;
one per capped unit whose cap is not in the network (a post of it has a holder): arrivals at most the cap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from chidao.optimizer.instance import Instance, IntArray


@dataclass(frozen=True)
class Rows:
    """Rows in compressed form: row r covers arcs[ptr[r]:ptr[r + 1]], its right-hand side rhs[r]."""

    ptr: IntArray
    arcs: IntArray
    rhs: IntArray
    n_conflict: int  # the first n_conflict rows are conflict rows, the rest cap rows

    @property
    def size(self) -> int:
        return int(self.rhs.size)

    def row_of_entry(self) -> IntArray:
        return np.repeat(np.arange(self.size), np.diff(self.ptr))

    def activity(self, x: IntArray) -> IntArray:
        """Left-hand side of every row for a 0/1 vector over candidate arcs."""
        if not self.size:
            return np.zeros(0, np.int64)
        return np.add.reduceat(np.append(x[self.arcs], 0), self.ptr[:-1]) * (np.diff(self.ptr) > 0)

    def penalty(self, multipliers: IntArray, n_arcs: int) -> IntArray:
        """Sum of the multipliers of the rows each arc is in."""
        return np.bincount(self.arcs, weights=multipliers[self.row_of_entry()], minlength=n_arcs).astype(np.int64)


def cand_unit(inst: Instance) -> IntArray:
    return inst.position_unit[inst.cand_position]


def official_starts(inst: Instance) -> IntArray:
    return np.searchsorted(inst.cand_official, np.arange(len(inst.official_ids) + 1)).astype(np.int64)


def side_rows(inst: Instance, side_cap_units: IntArray) -> Rows:
    units = cand_unit(inst)
    starts = official_starts(inst)
    chunks: list[IntArray] = []
    rhs: list[int] = []
    for a, b in zip(inst.conflict_a.tolist(), inst.conflict_b.tolist(), strict=True):
        ea = np.arange(starts[a], starts[a + 1])
        eb = np.arange(starts[b], starts[b + 1])
        ua, ub = units[ea], units[eb]
        for u in np.intersect1d(ua, ub).tolist():
            chunks.append(np.concatenate([ea[ua == u], eb[ub == u]]))
            rhs.append(1)
    n_conflict = len(rhs)
    if side_cap_units.size:
        order = np.argsort(units, kind="stable")
        bounds = np.searchsorted(units[order], np.stack([side_cap_units, side_cap_units + 1]))
        for u, lo, hi in zip(side_cap_units.tolist(), bounds[0].tolist(), bounds[1].tolist(), strict=True):
            chunks.append(np.sort(order[lo:hi]))
            rhs.append(int(inst.unit_cap[u]))
    ptr = np.concatenate([[0], np.cumsum([c.size for c in chunks])]).astype(np.int64)
    arcs = np.concatenate(chunks).astype(np.int64) if chunks else np.zeros(0, np.int64)
    return Rows(ptr, arcs, np.array(rhs, np.int64), n_conflict)


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


def room(inst: Instance, chosen: IntArray) -> IntArray:
    """Seats each position still has in a plan: vacant seats + placed holders − arrivals (negative = unlawful)."""
    n_pos = len(inst.position_ids)
    placed = np.zeros(len(inst.official_ids), bool)
    placed[inst.cand_official[chosen]] = True
    holds = inst.official_holds
    departing = holds[(holds >= 0) & placed]
    return (inst.position_seats + np.bincount(departing, minlength=n_pos)
            - np.bincount(inst.cand_position[chosen], minlength=n_pos))


def unit_arrivals(inst: Instance, chosen: IntArray) -> IntArray:
    return np.bincount(inst.position_unit[inst.cand_position[chosen]], minlength=len(inst.unit_ids))


def is_lawful(inst: Instance, chosen: IntArray) -> bool:
    """Every constraint: one move per official, seats, unit caps, conflicts."""
    offs = inst.cand_official[chosen]
    if np.unique(offs).size != offs.size:
        return False
    if (room(inst, chosen) < 0).any():
        return False
    arrivals = unit_arrivals(inst, chosen)
    if ((inst.unit_cap >= 0) & (arrivals > inst.unit_cap)).any():
        return False
    return not violations(inst, chosen).size
