"""The order a personnel office carries out a plan: chains from a vacancy, swaps at once, blocked moves."""

import numpy as np

from chidao.optimizer import validate
from chidao.optimizer.sequence import execution_order, sequence


def _order(moves, free):
    return [g.as_dict() for g in execution_order(moves, free)]


def test_two_people_taking_each_other_s_post_is_one_swap():
    # Given A moves from a to b and B from b to a, no vacancy
    # Then they form one swap, done at once
    assert _order([("A", "a", "b"), ("B", "b", "a")], {}) == [{"kind": "swap", "officials": ["A", "B"]}]


def test_a_chain_starts_with_the_move_into_the_vacancy():
    # Given Z takes Y's seat, Y takes X's seat, X takes the one vacancy of v (listed in any order)
    moves = [("Z", "z", "y"), ("Y", "y", "x"), ("X", "x", "v")]
    # Then the chain is X first, then Y, then Z
    assert _order(moves, {"v": 1}) == [{"kind": "chain", "officials": ["X", "Y", "Z"]}]


def test_moves_into_vacancies_alone_are_single_and_ordered_by_id():
    assert _order([("B", "b", "v"), ("A", None, "v")], {"v": 2}) == [
        {"kind": "single", "officials": ["A"]}, {"kind": "single", "officials": ["B"]}]


def test_a_ring_of_three_then_a_move_waiting_on_a_full_post():
    # Given A → b, B → c, C → a (a ring) and D → a, whose only seat C takes
    moves = [("A", "a", "b"), ("B", "b", "c"), ("C", "c", "a"), ("D", "d", "a")]
    # Then the ring is one swap (each followed by whoever takes their seat) and D is blocked
    assert _order(moves, {}) == [{"kind": "swap", "officials": ["A", "C", "B"]},
                                 {"kind": "blocked", "officials": ["D"]}]


def test_a_post_of_two_seats_with_one_vacancy_and_one_leaver():
    # Given post p has 1 vacancy; L leaves p for q (vacant); M and N both go to p
    moves = [("M", "m", "p"), ("N", "n", "p"), ("L", "p", "q")]
    # Then L and M go first (vacancies), and N takes the seat L left, following L
    assert _order(moves, {"p": 1, "q": 1}) == [{"kind": "chain", "officials": ["L", "N"]},
                                                {"kind": "single", "officials": ["M"]}]


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
