"""`sequence`: the plan's moves as singles, chains (from the vacancy) and swaps, in a fixed order."""

from __future__ import annotations

import numpy as np

from chidao.optimizer import validate
from chidao.optimizer.sequence import sequence


def test_groups_are_singles_chains_and_swaps_ordered_by_their_first_official():
    # Given: a swap (d <-> e), a chain (b into the vacancy v1, then c into b's seat), a single (a into v2),
    # and f who holds a post but stays
    inst = validate({
        "officials": [{"id": "a"}, {"id": "b", "holds": "pb"}, {"id": "c"}, {"id": "d", "holds": "pd"},
                      {"id": "e", "holds": "pe"}, {"id": "f", "holds": "pf"}],
        "units": [{"id": "U"}],
        "positions": [{"id": "v1", "unit": "U"}, {"id": "v2", "unit": "U"}, {"id": "pb", "unit": "U", "seats": 0},
                      {"id": "pd", "unit": "U", "seats": 0}, {"id": "pe", "unit": "U", "seats": 0},
                      {"id": "pf", "unit": "U", "seats": 0}],
        "candidates": [{"official": o, "position": p, "cost": 0}
                       for o, p in (("a", "v2"), ("b", "v1"), ("c", "pb"), ("d", "pe"), ("e", "pd"))],
    })
    chosen = np.arange(inst.n_candidates)  # every candidate taken
    assert sequence(inst, chosen) == [
        {"kind": "single", "officials": ["a"]},
        {"kind": "chain", "officials": ["b", "c"]},
        {"kind": "swap", "officials": ["d", "e"]},
    ]


def test_arrivals_take_vacant_seats_first_then_the_seats_of_those_who_leave():
    # Given post p with one vacant seat and holder h, who moves to q; x and y both arrive at p
    inst = validate({
        "officials": [{"id": "h", "holds": "p"}, {"id": "x"}, {"id": "y"}],
        "units": [{"id": "U"}],
        "positions": [{"id": "p", "unit": "U", "seats": 1}, {"id": "q", "unit": "U"}],
        "candidates": [{"official": "h", "position": "q", "cost": 0}, {"official": "x", "position": "p", "cost": 0},
                       {"official": "y", "position": "p", "cost": 0}],
    })
    assert sequence(inst, np.arange(3)) == [
        {"kind": "chain", "officials": ["h", "y"]},  # y takes h's seat after h moves into the vacancy q
        {"kind": "single", "officials": ["x"]},  # x (first by id) takes p's vacant seat
    ]
    assert sequence(inst, np.zeros(0, np.int64)) == []
