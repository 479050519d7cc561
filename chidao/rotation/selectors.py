"""Lookups of rotation records for the pages and the API (the round itself: `plan.plan_round_get`,
`due.round_get`, which check the scope)."""

from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext as _

from chidao.core.models import User
from chidao.core.reference import unit_subtree_ids
from chidao.core.text import search_terms
from chidao.personnel.models import Person, Position
from chidao.personnel.selectors import position_search

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


@dataclass
class PostHit:
    """A post found for a hand edit, and where it stands in the round's plan."""

    position: Position
    status: str  # "free" (nobody holds it, or a mover leaves it), "taken" (the plan gives it), "held" (kept)
    note: str  # the status in words: "còn trống", "đã bố trí cho …", "đang do … đảm nhiệm", "do … để lại"
    taken_by: str = ""

    @property
    def label(self) -> str:
        """"title — unit, parent unit" (what tells two posts of one title apart)."""
        unit = self.position.unit
        where = f"{unit.name}, {unit.parent.name}" if unit.parent_id and unit.parent else unit.name
        return f"{self.position.title} — {where}"


def plan_position_search(*, user: User, round: RotationRound, q: str,  # noqa: A002
                         move: Move | None = None, limit: int = 20) -> tuple[list[PostHit], bool]:
    """Posts a hand edit of `round` may name, found by title, unit or parent unit as one types (diacritics
    ignored; `personnel.selectors.position_search`): inside the round's scope and the user's reach (a personnel
    officer, their subtree), each with whether the plan leaves it free, gives it to someone (other than
    `move`'s person) or leaves its holder in place. A fixed number of queries."""
    found, more = position_search(user=user, q=q, unit_ids=unit_subtree_ids(round.scope), limit=limit)
    ids = [p.pk for p in found]
    planned: dict[int, list[str]] = {}
    leaving: set[int] = set()
    for target, person_pk, name in Move.objects.filter(round=round, to_position__isnull=False).filter(
            to_position_id__in=ids).values_list("to_position_id", "person_id", "person__full_name"):
        if move is None or person_pk != move.person_id:
            planned.setdefault(target, []).append(name)
    holders: dict[int, list[tuple[int, str]]] = {}
    for post, person_pk, name in Person.objects.filter(position_id__in=ids).values_list(
            "position_id", "pk", "full_name"):
        holders.setdefault(post, []).append((person_pk, name))
    holder_pks = {pk for hs in holders.values() for pk, _n in hs}
    leaving = set(Move.objects.filter(round=round, person_id__in=holder_pks, to_position__isnull=False)
                  .values_list("person_id", flat=True))
    hits = []
    for p in found:
        staying = [n for pk, n in holders.get(p.pk, []) if pk not in leaving and (move is None or pk != move.person_id)]
        left = [n for pk, n in holders.get(p.pk, []) if pk in leaving]
        if planned.get(p.pk):
            by = ", ".join(planned[p.pk])
            hits.append(PostHit(p, "taken", _("đã bố trí cho %(n)s") % {"n": by}, taken_by=by))
        elif staying:
            hits.append(PostHit(p, "held", _("đang do %(n)s đảm nhiệm") % {"n": ", ".join(staying)}))
        elif left:
            hits.append(PostHit(p, "free", _("còn trống: do %(n)s để lại") % {"n": ", ".join(left)}))
        else:
            hits.append(PostHit(p, "free", _("còn trống")))
    return hits, more


def plan_mover_search(*, round: RotationRound, q: str, besides: Move | None = None,  # noqa: A002
                      limit: int = 20) -> tuple[list[Move], bool]:
    """The other people of a round's plan (to swap places with `besides`), by name or record code as one types,
    diacritics ignored, in name order: at most `limit`, and whether there are more. One query."""
    terms = search_terms(q)
    if not terms:
        return [], False
    qs = Move.objects.filter(round=round).select_related("person", "to_position__unit").order_by(
        "person__sort_key", "pk")
    if besides is not None:
        qs = qs.exclude(pk=besides.pk)
    for term in terms:
        qs = qs.filter(person__search_text__contains=term)
    found = list(qs[:limit + 1])
    return found[:limit], len(found) > limit
