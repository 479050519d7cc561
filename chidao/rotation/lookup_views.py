"""Type-ahead searches of a hand edit of a round's plan (/tra-cuu/...), as JSON for `static/chidao/picker.js`
(the answer shape of `core.lookup_views.lookup_answer`):

- posts (/tra-cuu/luan-chuyen/<pk>/chuc-danh/?q=&de-xuat=<move>): by title, unit or parent unit, diacritics ignored,
  inside the round's scope and the user's reach (a personnel officer: their subtree), each saying whether the
  plan leaves it free (`selectors.plan_position_search`);
- the other people of the round's plan (/tra-cuu/luan-chuyen/<pk>/nguoi/?q=&tru=<move>), to swap places with.

Who may keep the round's plan only (`plan.plan_round_get`: 403 for those who manage no cadre records, 404
outside their scope). An empty query answers nothing.
"""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from chidao.core.http import AuthedRequest
from chidao.core.lookup_views import LOOKUP_LIMIT, lookup_answer, lookup_query

from . import plan, selectors
from .models import Move


def _digits(request: AuthedRequest, name: str) -> int | None:
    raw = request.GET.get(name, "")[:18]
    return int(raw) if raw.isdigit() else None


@login_required
@require_GET
def position_lookup(request: AuthedRequest, pk: int) -> JsonResponse:
    """Posts for a hand edit of round `pk` (of move `de-xuat`, whose own choice is not "taken"): id, "title —
    unit, parent unit", and the plan's word on it (free, given to whom, held by whom)."""
    rnd = plan.plan_round_get(user=request.user, pk=pk)
    move_pk = _digits(request, "de-xuat")
    move = Move.objects.filter(round=rnd, pk=move_pk).first() if move_pk else None
    hits, more = selectors.plan_position_search(user=request.user, round=rnd, q=lookup_query(request), move=move,
                                                limit=LOOKUP_LIMIT)
    return lookup_answer([{"id": h.position.pk, "label": h.label, "hint": h.note, "status": h.status,
                           "taken_by": h.taken_by} for h in hits], more=more)


@login_required
@require_GET
def mover_lookup(request: AuthedRequest, pk: int) -> JsonResponse:
    """The other people of round `pk`'s plan (besides move `tru`): their move's id, name, and where the plan
    sends them now."""
    rnd = plan.plan_round_get(user=request.user, pk=pk)
    besides_pk = _digits(request, "tru")
    besides = Move.objects.filter(round=rnd, pk=besides_pk).first() if besides_pk else None
    moves, more = selectors.plan_mover_search(round=rnd, q=lookup_query(request), besides=besides,
                                              limit=LOOKUP_LIMIT)
    return lookup_answer([{
        "id": m.pk, "label": m.person.full_name,
        "hint": " · ".join((m.person.code, _("đến %(p)s") % {"p": m.to_position} if m.to_position
                            else _("chưa bố trí"))),
    } for m in moves], more=more)


urlpatterns = [
    path("luan-chuyen/<int:pk>/chuc-danh/", position_lookup, name="lookup_positions"),
    path("luan-chuyen/<int:pk>/nguoi/", mover_lookup, name="lookup_round_movers"),
]
