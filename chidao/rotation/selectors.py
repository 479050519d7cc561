"""Lookups of rotation records for the pages and the API (the round itself: `plan.plan_round_get`,
`due.round_get`, which check the scope)."""

from django.http import Http404
from django.utils.translation import gettext as _

from .models import Move, RotationRound


def plan_move_get(*, round: RotationRound, pk: int) -> Move:  # noqa: A002 (the services' name for a round)
    """A proposed move of this round (already checked to be in the user's scope); 404 otherwise."""
    move = Move.objects.filter(round=round, pk=pk).select_related("round", "person").first()
    if move is None:
        raise Http404(_("Không tìm thấy đề xuất."))
    return move
