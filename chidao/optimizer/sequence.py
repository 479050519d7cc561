"""The order in which a personnel office can carry out a plan's moves: chains, swaps and single moves.

A move into a post needs a free seat there: a vacancy, or the seat of someone who has already left. So the moves
are played in turns: each turn carries out, in id order, every move whose post has a free seat now, and a move that
takes the seat another move freed follows it in that move's group (a chain: the one who goes into the vacancy first,
then the one who takes their seat, and so on). What is left when no move can go on is either a ring of people taking
each other's seats (a swap, two or more people, carried out by decisions with the same effective date) or a move
into a post with no seat and nobody leaving it ("blocked": a hand edit that overfills a post).

Pure function of plain values (no Django): `execution_order(moves, free_seats)`; `sequence(inst, chosen)` gives the
solver's plan the same way.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from chidao.optimizer.instance import Instance, IntArray

SINGLE, CHAIN, SWAP, BLOCKED = "single", "chain", "swap", "blocked"


@dataclass
class Group:
    """Moves to carry out together, in order: `kind` is single, chain, swap (all at once) or blocked."""

    kind: str
    officials: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "officials": list(self.officials)}


def execution_order(moves: Iterable[tuple[str, str | None, str]], free_seats: Mapping[str, int]) -> list[Group]:
    """Group and order the moves `(official, from_position or None, to_position)`; `free_seats` are the vacancies
    of each post before the plan (a post not named has none). Deterministic: ties go by official id."""
    pending = dict(sorted((o, (src, dst)) for o, src, dst in moves))
    free: dict[str, int] = defaultdict(int, {p: max(0, n) for p, n in free_seats.items()})
    # Who freed each seat still unused, so a move taking it joins that person's group.
    freed_by: dict[str, deque[int]] = defaultdict(deque)
    groups: list[Group] = []

    def play(official: str, group: int | None) -> None:
        src, dst = pending.pop(official)
        free[dst] -= 1
        if group is None:
            groups.append(Group(SINGLE, [official]))
            group = len(groups) - 1
        else:
            groups[group].officials.append(official)
            if groups[group].kind == SINGLE:
                groups[group].kind = CHAIN
        if src is not None:
            free[src] += 1
            freed_by[src].append(group)

    while pending:
        ready = [o for o, (_src, dst) in pending.items() if free[dst] > 0]
        if ready:
            for official in ready:
                dst = pending[official][1]
                if free[dst] <= 0:  # an earlier move of this turn took the last seat
                    continue
                # A vacancy first (no group), else the seat the earliest leaver freed.
                spare = free[dst] - len(freed_by[dst])
                play(official, None if spare > 0 else freed_by[dst].popleft())
            continue
        _rings(pending, groups)
    return groups


def _rings(pending: dict[str, tuple[str | None, str]], groups: list[Group]) -> None:
    """No move can go alone. Follow the first waiting move to whoever leaves its post, and on: a path that closes is
    a ring of people taking each other's seats, carried out at once (a swap; the seats balance, so nothing else is
    freed); a path that ends at a post nobody leaves ends in a blocked move (those waiting on it stay blocked)."""
    leaving: dict[str, list[str]] = defaultdict(list)
    for who, (src, _dst) in pending.items():
        if src is not None:
            leaving[src].append(who)
    path: list[str] = []
    seen: dict[str, int] = {}
    nxt: str | None = next(iter(pending))
    while nxt is not None and nxt not in seen:
        seen[nxt] = len(path)
        path.append(nxt)
        dst = pending[nxt][1]
        nxt = leaving[dst][0] if leaving.get(dst) else None
    if nxt is None:
        pending.pop(path[-1])
        groups.append(Group(BLOCKED, [path[-1]]))
        return
    ring = path[seen[nxt]:]
    ring = ring[:1] + ring[:0:-1]  # each followed by whoever takes their seat, as in a chain
    for member in ring:
        pending.pop(member)
    groups.append(Group(SWAP, ring))


def sequence(inst: Instance, chosen: IntArray) -> list[dict[str, object]]:
    """The solver's plan (candidate indices of a checked instance) as `execution_order` groups, for its JSON."""
    ids, pos = inst.official_ids, inst.position_ids
    moves = [(ids[o], pos[h] if h >= 0 else None, pos[p])
             for o, p, h in zip(inst.cand_official[chosen].tolist(), inst.cand_position[chosen].tolist(),
                                inst.official_holds[inst.cand_official[chosen]].tolist(), strict=True)]
    free = {pos[i]: int(n) for i, n in enumerate(inst.position_seats.tolist()) if n}
    return [g.as_dict() for g in execution_order(moves, free)]
