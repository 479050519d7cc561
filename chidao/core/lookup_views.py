"""Type-ahead search for the unit pickers (/tra-cuu/don-vi/?q=): the units in force whose name, short name or
code match, diacritics ignored (`core.text.fold`), as JSON for `static/chidao/picker.js`.

Every signed-in user reads the unit tree (reference data, `selectors.unit_tree`). `trong=<id>` keeps the
subtree of one unit (a form scoped to it). The people search is `personnel.lookup_views` (a layer above).
"""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from .http import AuthedRequest
from .models import Unit
from .reference import unit_subtree_ids
from .selectors import UnitFilters, unit_find, unit_tree

LOOKUP_LIMIT = 20  # suggestions shown under a picker; the user types more to narrow


def lookup_query(request: AuthedRequest) -> str:
    """The text typed in a picker (capped)."""
    return request.GET.get("q", "").strip()[:200]


def lookup_answer(results: list[dict[str, Any]], *, more: bool) -> JsonResponse:
    """The one answer shape of every picker search: {"results": [{id, label, hint, ...}], "more": bool}."""
    response = JsonResponse({"results": results, "more": more})
    response["Cache-Control"] = "private, no-store"
    return response


def unit_hint(unit: Unit, names: dict[int, str]) -> str:
    """What tells two units of one name apart: the short name or code, and the unit above."""
    parts = [unit.short_name or unit.code]
    if unit.parent_id and unit.parent_id in names:
        parts.append(names[unit.parent_id])
    return " · ".join(p for p in parts if p)


@login_required
@require_GET
def unit_lookup(request: AuthedRequest) -> JsonResponse:
    """The units in force matching `q` word by word, in tree order, at most LOOKUP_LIMIT."""
    q = lookup_query(request)
    units = unit_tree(user=request.user, filters=UnitFilters(q=q, on=timezone.localdate()))
    scope = request.GET.get("trong", "")
    if scope.isdigit():
        root = unit_find(pk=int(scope[:18]))
        inside = unit_subtree_ids(root) if root is not None else set()
        units = [u for u in units if u.pk in inside]
    names = dict(Unit.objects.filter(pk__in={u.parent_id for u in units[:LOOKUP_LIMIT]}).values_list("pk", "name"))
    return lookup_answer([{"id": u.pk, "label": u.name, "hint": unit_hint(u, names)}
                          for u in units[:LOOKUP_LIMIT]], more=len(units) > LOOKUP_LIMIT)


urlpatterns = [
    path("don-vi/", unit_lookup, name="lookup_units"),
]
