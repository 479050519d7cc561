"""The access log in words: the one mapping of its action codes to Vietnamese, and its recorded details made readable
("page q=dong" -> "tìm: dong"). The page, its Excel export and the API all read them from here."""

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chidao.core.selectors import unit_names

from .models import AccessLog, Gender

# Every action an AccessLog row is written with (selectors, planning, exports, log_masks, rotation.plan).
ACCESS_ACTION_LABELS: dict[str, Any] = {
    "view": gettext_lazy("xem hồ sơ"),
    "list": gettext_lazy("xem danh sách cán bộ"),
    "export": gettext_lazy("xuất dữ liệu"),
    "planning_view": gettext_lazy("xem quy hoạch cán bộ"),
    "change_log": gettext_lazy("xem nhật ký thay đổi hồ sơ"),
}

# The filter words `PersonFilters.describe` writes, each with the value after its "=" (a search may hold spaces).
_FILTER = re.compile(r"\b(q|unit|gender|key_post)=")
_CHANGE = re.compile(r"^([a-z_]+)\.([a-z_]+) #")


def access_action_label(action: str) -> str:
    """The words for an access log action (the code itself only if nobody named it)."""
    return str(ACCESS_ACTION_LABELS.get(action, action))


def access_action_choices() -> list[tuple[str, str]]:
    return [(code, str(label)[:1].upper() + str(label)[1:]) for code, label in ACCESS_ACTION_LABELS.items()]


def _filters(text: str) -> dict[str, str]:
    parts = _FILTER.split(text)
    return {parts[i]: parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}


def _unit_ids(details: Iterable[str]) -> set[int]:
    ids = set()
    for detail in details:
        unit = _filters(detail).get("unit", "")
        if unit.isdigit():
            ids.add(int(unit))
    return ids


def _model_name(match: re.Match[str]) -> str:
    try:
        return str(apps.get_model(match.group(1), match.group(2))._meta.verbose_name).capitalize() + " #"
    except LookupError:
        return match.group(0)


def access_detail_text(detail: str, units: Mapping[int, str] | None = None) -> str:
    """A recorded detail as an official reads it: "api q=dong unit=5" -> "Qua API · tìm: dong · đơn vị: Sở Nội vụ";
    `units` (id -> name) saves the lookup when many details are turned at once."""
    via, _sep, rest = detail.partition(" ")
    if via not in ("page", "api"):
        via, rest = "", detail
    parts = [_("Qua API")] if via == "api" else []
    found = _filters(rest)
    if not found:
        if rest.strip():
            parts.append(_CHANGE.sub(_model_name, rest.strip()))
        return " · ".join(parts)
    if units is None:
        units = unit_names(pks=_unit_ids([rest]))
    head = _FILTER.split(rest)[0].strip()
    if head:
        parts.append(head)
    if found.get("q"):
        parts.append(_("tìm: %(q)s") % {"q": found["q"]})
    if found.get("unit"):
        unit = found["unit"]
        parts.append(_("đơn vị: %(u)s") % {"u": units.get(int(unit), unit) if unit.isdigit() else unit})
    if found.get("gender"):
        parts.append(_("giới tính: %(g)s") % {"g": dict(Gender.choices).get(found["gender"], found["gender"])})
    if "key_post" in found:
        parts.append(_("chỉ chức danh chủ chốt"))
    return " · ".join(parts)


def access_entries_describe(entries: Iterable[AccessLog]) -> list[AccessLog]:
    """The entries, each given `action_label` and `detail_text` (one query for every unit they name)."""
    page = list(entries)
    units = unit_names(pks=_unit_ids(e.detail for e in page))
    for entry in page:
        entry.action_label = access_action_label(entry.action)  # type: ignore[attr-defined]
        entry.detail_text = access_detail_text(entry.detail, units)  # type: ignore[attr-defined]
    return page
