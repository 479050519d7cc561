"""Type-ahead searches of the personnel pickers:

- people (/tra-cuu/can-bo/?q=): the records the user may see (`selectors.person_list`, through
  `Person.objects.visible_to`), by name or record code, diacritics ignored;
- posts (/tra-cuu/chuc-danh/?q=): the posts a personnel officer may assign people to (`selectors.position_search`:
  the units of their scope), by title, unit or parent unit, for the record's assignment form.

Only who may read people (`permissions.can_read_people`) gets an answer (others 403); a personnel officer finds
only the people of their subtrees. The search is logged like the people list (one AccessLog row, "lookup q=…").
An empty query answers nothing: the picker never lists everyone.
"""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from chidao.core.errors import PermissionDenied
from chidao.core.http import AuthedRequest
from chidao.core.lookup_views import LOOKUP_LIMIT, lookup_answer, lookup_query
from chidao.core.text import search_terms

from .permissions import can_manage_people, can_read_people
from .selectors import PersonFilters, person_list, position_search


@login_required
@require_GET
def person_lookup(request: AuthedRequest) -> JsonResponse:
    """People matching `q` word by word in Vietnamese name order, at most LOOKUP_LIMIT: id, record code, name,
    and the post and unit that tell namesakes apart (no sensitive field)."""
    if not can_read_people(request.user):
        raise PermissionDenied(_("Bạn không có quyền xem hồ sơ cán bộ."))
    q = lookup_query(request)
    if not search_terms(q):
        return lookup_answer([], more=False)
    found = list(person_list(user=request.user, filters=PersonFilters(q=q), via="lookup")[:LOOKUP_LIMIT + 1])
    return lookup_answer([{
        "id": p.pk, "code": p.code, "label": p.full_name,
        "hint": " · ".join(x for x in (p.code, p.position.title if p.position else "",
                                       p.unit.name if p.unit else "") if x),
    } for p in found[:LOOKUP_LIMIT]], more=len(found) > LOOKUP_LIMIT)


@login_required
@require_GET
def position_lookup(request: AuthedRequest) -> JsonResponse:
    """Posts of the user's scope matching `q` word by word, at most LOOKUP_LIMIT: id, "title — unit", and the unit
    above. Only who may manage records (others 403)."""
    if not can_manage_people(request.user):
        raise PermissionDenied(_("Bạn không có quyền cập nhật hồ sơ cán bộ."))
    found, more = position_search(user=request.user, q=lookup_query(request), limit=LOOKUP_LIMIT)
    return lookup_answer([{
        "id": p.pk, "label": f"{p.title} — {p.unit.name}",
        "hint": p.unit.parent.name if p.unit.parent_id else "",  # type: ignore[union-attr]
    } for p in found], more=more)


urlpatterns = [
    path("can-bo/", person_lookup, name="lookup_people"),
    path("chuc-danh/", position_lookup, name="lookup_person_positions"),
]
