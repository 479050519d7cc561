"""The rulebook as officials read it: each provision's value in words, its source and the days it is in force.
One reader for the command (`chidao rules`), the page and the API."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from chidao.core.dates import format_date
from chidao.core.models import UnitLevel

from .models import DisciplineForm
from .rulebook import DisciplineForms, Provision, RetirementAges, Rulebook, unknown_overrides


def _months(m: int) -> str:
    years, months = divmod(m, 12)
    if not months:
        return _("%(y)s tuổi") % {"y": years}
    return _("%(y)s tuổi %(m)s tháng") % {"y": years, "m": months}


def _form(code: str) -> str:
    return str(DisciplineForm(code).label) if code in DisciplineForm.values else {
        "giai_tan": _("giải tán")}.get(code, code)


def _level(code: str) -> str:
    return str(UnitLevel(code).label) if code in UnitLevel.values else code


def value_text(value: Any) -> str:
    """A provision's value in words ("khiển trách: 24 tháng; cảnh cáo: 36 tháng", "nam 60 tuổi 3 tháng ...")."""
    if isinstance(value, RetirementAges):
        if not value.male_step and not value.female_step:
            return _("nam %(m)s; nữ %(f)s") % {"m": _months(value.male_base), "f": _months(value.female_base)}
        return _("nam %(m)s năm %(y)s, mỗi năm thêm %(ms)s tháng đến %(mx)s; nữ %(f)s năm %(y)s, mỗi năm thêm "
                 "%(fs)s tháng đến %(fx)s") % {
            "m": _months(value.male_base + value.male_step), "y": value.base_year + 1, "ms": value.male_step,
            "mx": _months(value.male_max), "f": _months(value.female_base + value.female_step),
            "fs": value.female_step, "fx": _months(value.female_max)}
    if isinstance(value, DisciplineForms):
        text = ", ".join(_form(f) for f in value.forms)
        if value.leaders_only:
            text += _(" (%(forms)s chỉ áp dụng với người giữ chức vụ lãnh đạo, quản lý)") % {
                "forms": ", ".join(_form(f) for f in value.leaders_only)}
        return text
    if isinstance(value, bool):
        return _("có") if value else _("không")
    if isinstance(value, Mapping):
        if all(k in UnitLevel.values for k in value):
            return "; ".join(_("%(level)s: dưới %(age)s tuổi") % {"level": _level(k), "age": v}
                             for k, v in value.items())
        return "; ".join(_("%(form)s: %(n)s tháng") % {"form": _form(k), "n": v} for k, v in value.items())
    if isinstance(value, tuple):
        return ", ".join(_level(v) for v in value)
    return str(value)


@dataclass(frozen=True)
class ProvisionLine:
    key: str
    label: str
    value: str
    source: str
    since: dt.date
    until: dt.date | None
    overridden: bool

    @property
    def period(self) -> str:
        if self.since.year <= 1990:  # in force before any record the system holds: no start date to show
            if self.until is None:
                return _("đang có hiệu lực")
            return _("có hiệu lực đến hết %(b)s") % {"b": format_date(self.until)}
        if self.until is None:
            return _("hiệu lực từ %(a)s") % {"a": format_date(self.since)}
        return _("hiệu lực từ %(a)s đến hết %(b)s") % {"a": format_date(self.since), "b": format_date(self.until)}


def provision_line(p: Provision[Any]) -> ProvisionLine:
    return ProvisionLine(key=p.key, label=p.label, value=value_text(p.value), source=p.cite(), since=p.since,
                         until=p.until, overridden=p.overridden)


def rulebook_lines(book: Rulebook) -> list[ProvisionLine]:
    return [provision_line(p) for p in book.provisions()]


def house_choices() -> list[tuple[str, str]]:
    """Choices of this installation that are not law (shown apart from the rulebook)."""
    r, i = settings.CHIDAO_ROTATION, settings.CHIDAO_INDICATORS
    return [
        (_("Luân chuyển: tỷ lệ tối đa cán bộ một đơn vị tiếp nhận trong một đợt (%)"), str(r["unit_cap_percent"])),
        (_("Luân chuyển: không bố trí trở lại đơn vị đã công tác trong số năm"), str(r["recent_unit_years"])),
        (_("Chuyển đổi vị trí công tác: không trở lại vị trí đã giữ trong số năm"), str(r["recent_post_years"])),
        (_("Số phương án thay thế hiển thị cho mỗi người"), str(r["alternatives_shown"])),
        (_("Thời gian tối đa tìm phương án tối ưu (giây)"), str(r["solver_seconds"])),
        (_("Chỉ tiêu: mức chênh lệch còn chấp nhận (vàng, %)"), str(i["amber_tolerance_percent"])),
    ]


def override_warnings() -> list[str]:
    return [_("Mục điều chỉnh “%(k)s” trong CHIDAO_RULE_OVERRIDES không có trong bộ quy định; không áp dụng.")
            % {"k": k} for k in unknown_overrides()]
