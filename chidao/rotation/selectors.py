"""Lookups of rotation records for the pages and the API (the round itself: `plan.plan_round_get`,
`due.round_get`, which check the scope)."""

from django.http import Http404
from django.utils.translation import gettext as _

from chidao.personnel.models import Position

from .models import Move, RotationRound


def plan_move_get(*, round: RotationRound, pk: int) -> Move:  # noqa: A002 (the services' name for a round)
    """A proposed move of this round (already checked to be in the user's scope); 404 otherwise."""
    move = Move.objects.filter(round=round, pk=pk).select_related("round", "person").first()
    if move is None:
        raise Http404(_("Không tìm thấy đề xuất."))
    return move


def move_target_find(*, pk: int | str | None) -> Position | None:
    """The post a hand edit names by its id (with its unit), or None when no post has that id; whether the
    editor may move someone there is the move-edit service's rule (`permissions.can_move_to_position`)."""
    if pk is None or not str(pk).isdigit():
        return None
    return Position.objects.select_related("unit").filter(pk=int(pk)).first()
