"""Branch-and-bound on (official, unit) bans, for when the relaxation breaks only a few conflict rows.

A pair (a, b) placed together in unit u splits a node in two: a banned from u, or b banned from u; every plan
without that clash lies in one of them. Nodes are explored best-first by (placed desc, cost asc), a child being
solved only when popped (its parent's key bounds it), so the first clash-free relaxation popped is optimal. When a
few pairs clash this proves the optimum in a handful of flow solves, far fewer than a Lagrangian ascent; it gives
up (None) after `max_solves` solves or at the deadline, and the caller goes on with the Lagrangian method.
"""

from __future__ import annotations

import heapq
import time

import numpy as np

from chidao.optimizer.instance import IntArray
from chidao.optimizer.network import Network, Relaxation
from chidao.optimizer.rows import official_starts, official_units, violations

Bans = frozenset[tuple[int, int]]


def _closed(net: Network, bans: Bans, starts: IntArray, units: IntArray) -> IntArray:
    parts = [lo + np.flatnonzero(units[lo:hi] == u)
             for o, u in sorted(bans) for lo, hi in [(int(starts[o]), int(starts[o + 1]))]]
    return np.concatenate(parts) if parts else np.zeros(0, np.int64)


def ban_search(net: Network, root: Relaxation, deadline: float | None, max_solves: int) -> Relaxation | None:
    """The optimal relaxation without clashing pairs, if proven within `max_solves` flow solves; else None."""
    inst = net.inst
    starts = official_starts(inst)
    units = inst.position_unit[inst.cand_position]
    # (key, 0 = solved / 1 = parent's key only, seq, bans, relaxation or None): at equal keys a solved node first
    heap: list[tuple[tuple[int, int], int, int, Bans, Relaxation | None]] = [(root.key, 0, 0, frozenset(), root)]
    seen: set[Bans] = {frozenset()}
    seq = solves = 0
    while heap:
        key, _, _, bans, node = heapq.heappop(heap)
        if node is None:
            if solves >= max_solves or (deadline is not None and time.monotonic() > deadline):
                return None
            node = net.relax(closed=_closed(net, bans, starts, units))
            solves += 1
            seq += 1
            heapq.heappush(heap, (node.key, 0, seq, bans, node))
            continue
        bad = violations(inst, node.chosen)
        if not bad.size:
            return node
        i = int(bad[0])
        a, b = int(inst.conflict_a[i]), int(inst.conflict_b[i])
        unit = int(official_units(inst, node.chosen)[a])
        for official in (a, b):
            child = bans | {(official, unit)}
            if child not in seen:
                seen.add(child)
                seq += 1
                heapq.heappush(heap, (key, 1, seq, child, None))
    return None
