"""The permission matrix of a plan's hand edits (rotation.plan_views, rotation.lookup_views, api.rotation): the
post and people searches, the rules check before saving, and the swap of two people. Like the plan itself:
who keeps unit A's cadre records (PEOPLE_A), the other subtree's personnel officer 404 (the round is not
revealed), everyone else 403. The searches and the check only read."""

from typing import Any

from chidao.personnel.models import Position
from chidao.rotation.models import Move

from .conftest import HR_B, World
from .matrix import OK, PEOPLE_A, POST_ONLY, ROUND_A_READ, ROUND_A_WRITE, Operation, Page, _round_proposed, expect

SWAP_POST = "Trưởng phòng Tổ chức, biên chế"


def _second_move(w: World) -> None:
    """A second person in the plan (A's colleague, proposed for A's division head post) to swap with."""
    _round_proposed(w)
    assert w.round is not None and w.colleague is not None
    move, _created = Move.objects.get_or_create(round=w.round, person=w.colleague)
    Move.objects.filter(pk=move.pk).update(to_position=Position.objects.get(title=SWAP_POST))
    w.extra["swap_move"] = move


def _other(w: World) -> int:
    """The move to swap with (the world's own move when no second one was prepared: refused before it is read)."""
    move: Any = w.extra.get("swap_move", w.move)
    return move.pk


def _round_move(w: World) -> dict[str, Any]:
    assert w.round is not None and w.move is not None
    return {"pk": w.round.pk, "move_pk": w.move.pk}


PAGES: dict[str, Page] = {
    "lookup_positions": Page(get=expect(PEOPLE_A, missing={HR_B}), kwargs=lambda w: {"pk": w.round.pk},
                             query="q=truong+phong", note="posts of the round's scope the user reaches; JSON"),
    "lookup_round_movers": Page(get=expect(PEOPLE_A, missing={HR_B}), kwargs=lambda w: {"pk": w.round.pk},
                                query="q=nguyen", note="the people of the round's plan; JSON"),
    "rotation_move_check": Page(get=expect(PEOPLE_A, missing={HR_B}), kwargs=_round_move, query="choice=none",
                                note="reads only: the rules an edit would break"),
    "rotation_move_swap": Page(
        get=POST_ONLY, kwargs=_round_move,
        post=expect(PEOPLE_A, ok_status=OK, missing={HR_B}),
        data=lambda w: {"other": _other(w), "reason": "Đổi theo đề nghị của Sở"}, prepare=_second_move),
}

OPERATIONS: dict[str, Operation] = {
    "GET /api/v1/rotation/rounds/{round_id}/plan/positions": Operation(
        ROUND_A_READ, params=lambda w: {"round_id": w.round.pk}, query={"q": "truong+phong"}),
    "GET /api/v1/rotation/rounds/{round_id}/plan/moves/{move_id}/check": Operation(
        ROUND_A_READ, params=lambda w: {"round_id": w.round.pk, "move_id": w.move.pk}),
    "POST /api/v1/rotation/rounds/{round_id}/plan/swap": Operation(
        ROUND_A_WRITE, params=lambda w: {"round_id": w.round.pk}, prepare=_second_move,
        json=lambda w: {"first_move_id": w.move.pk, "second_move_id": _other(w), "reason": "Đổi theo đề nghị"}),
}
