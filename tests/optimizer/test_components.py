"""Independent parts of an instance are solved apart; together they give the plan of the whole."""

from chidao.optimizer import solve, validate
from chidao.optimizer.components import split


def _agency(tag: str, cost: int) -> dict:
    """Two people of one agency who hold each other's target (a swap) and a post with one vacancy."""
    return {
        "officials": [{"id": f"{tag}1", "holds": f"{tag}-a"}, {"id": f"{tag}2", "holds": f"{tag}-b"}],
        "positions": [{"id": f"{tag}-a", "unit": f"U{tag}", "seats": 0},
                      {"id": f"{tag}-b", "unit": f"U{tag}", "seats": 0},
                      {"id": f"{tag}-v", "unit": f"U{tag}", "seats": 1}],
        "units": [{"id": f"U{tag}"}],
        "candidates": [{"official": f"{tag}1", "position": f"{tag}-b", "cost": cost},
                       {"official": f"{tag}2", "position": f"{tag}-a", "cost": cost},
                       {"official": f"{tag}2", "position": f"{tag}-v", "cost": cost + 5}],
    }


def _join(*parts: dict) -> dict:
    return {k: [x for p in parts for x in p[k]] for k in ("officials", "positions", "units", "candidates")}


def test_two_agencies_are_two_parts_and_the_plan_is_theirs_together():
    # Given two agencies that share nothing
    whole = _join(_agency("A", 10), _agency("B", 20))
    # When it is split
    parts = split(validate(whole))
    # Then there are two parts of two officials each
    assert [p.inst.official_ids for p in parts] == [["A1", "A2"], ["B1", "B2"]]
    # And the plan of the whole is the two swaps, optimal, its bound the sum
    plan = solve(whole)
    assert (plan["status"], plan["placed"], plan["objective"], plan["lower_bound"]) == ("optimal", 4, 60, 60)
    assert {a["official"]: a["position"] for a in plan["assignments"]} == {
        "A1": "A-b", "A2": "A-a", "B1": "B-b", "B2": "B-a"}
    assert plan["sequence"] == [{"kind": "swap", "officials": ["A1", "A2"]},
                                {"kind": "swap", "officials": ["B1", "B2"]}]


def test_a_conflict_pair_or_a_capped_unit_joins_the_parts():
    whole = _join(_agency("A", 10), _agency("B", 20))
    # Given a conflict pair across the two agencies: they can never meet, so the parts stay apart
    paired = {**whole, "conflicts": [{"officials": ["A1", "B1"]}]}
    assert len(split(validate(paired))) == 2
    # But when A1 may also land in B's unit (a post of its own there), only the pair joins the parts
    meeting = {**paired, "positions": [*whole["positions"], {"id": "X", "unit": "UB"}],
               "candidates": [*whole["candidates"], {"official": "A1", "position": "X", "cost": 50}]}
    assert len(split(validate(meeting))) == 1
    assert len(split(validate({**meeting, "conflicts": []}))) == 2
    # Given instead the two agencies' vacancies in one capped unit
    capped = {**whole, "positions": [{**p, "unit": "U"} if p["id"].endswith("-v") else p for p in whole["positions"]],
              "units": [*whole["units"], {"id": "U", "cap": 1}]}
    assert len(split(validate(capped))) == 1
    # And a unit without a cap does not join them
    shared = {**whole, "positions": [{**p, "unit": "U"} if p["id"].endswith("-v") else p for p in whole["positions"]],
              "units": [*whole["units"], {"id": "U"}]}
    assert len(split(validate(shared))) == 2
