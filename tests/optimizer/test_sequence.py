"""The order a personnel office carries out a plan: chains from a vacancy, swaps at once, blocked moves."""

from chidao.optimizer.sequence import execution_order


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
    # Then the ring is one swap and D is blocked
    assert _order(moves, {}) == [{"kind": "swap", "officials": ["A", "B", "C"]},
                                 {"kind": "blocked", "officials": ["D"]}]


def test_a_post_of_two_seats_with_one_vacancy_and_one_leaver():
    # Given post p has 1 vacancy; L leaves p for q (vacant); M and N both go to p
    moves = [("M", "m", "p"), ("N", "n", "p"), ("L", "p", "q")]
    # Then L and M go first (vacancies), and N takes the seat L left, following L
    assert _order(moves, {"p": 1, "q": 1}) == [{"kind": "chain", "officials": ["L", "N"]},
                                                {"kind": "single", "officials": ["M"]}]
