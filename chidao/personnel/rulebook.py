"""The dated rulebook: every legal number and list the cadre rules use, with its source and the days it is in force.

A rule function asks `rulebook_on(day)` for the law in force on the day it judges, so a question about 2024 is
answered by 2024's law and one about 2026 by 2026's (DESIGN.md, "Rules the software enforces"). Each provision
is one version of one number or list: its value, its source (document, article, clause), the day it took effect
and, where a later text replaced it, its last day. `PROVISIONS` holds every version; `rulebook_on` picks the one
in force per key and applies the local overrides of settings.CHIDAO_RULE_OVERRIDES, which are marked as such
wherever the rule is cited. House choices (solver time, caps on a round, the indicators' amber tolerance) are not
law and live in settings (CHIDAO_ROTATION, CHIDAO_INDICATORS), never here.

Pure data and pure functions: only the overrides are read from Django's settings.
"""

import datetime as dt
import json
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, fields, is_dataclass, replace
from functools import lru_cache
from typing import Any, Generic, TypeVar

T = TypeVar("T")

# The day the two-level local government began (Law 72/2025/QH15 on the Organization of Local Government; the
# district level ends on 30/6/2025). Also the day Decree 172/2025/NĐ-CP on the discipline of cadres and civil
# servants and the Law on Cadres and Civil Servants 2025 took effect.
TWO_LEVEL_FROM = dt.date(2025, 7, 1)
# Regulation 377-QĐ/TW of 08/10/2025 (in force on signing) replaced Regulations 50-QĐ/TW (planning) and
# 80-QĐ/TW (appointment).
REG_377_FROM = dt.date(2025, 10, 8)
REG_50_FROM = dt.date(2021, 12, 27)
REG_65_FROM = dt.date(2022, 4, 28)
REG_80_FROM = dt.date(2022, 8, 18)
LAW_52_2019_FROM = dt.date(2020, 7, 1)
DECREE_135_FROM = dt.date(2021, 1, 1)


@dataclass(frozen=True)
class Source:
    """Where a number comes from: the document, and its article and clause when known."""

    document: str
    article: str = ""
    clause: str = ""

    def __str__(self) -> str:
        where = " ".join(p for p in (f"khoản {self.clause}" if self.clause else "",
                                      f"Điều {self.article}" if self.article else "") if p)
        return f"{self.document}, {where}" if where else self.document


@dataclass(frozen=True)
class Provision(Generic[T]):
    """One version of one legal number or list."""

    key: str
    label: str
    value: T
    source: Source
    since: dt.date
    until: dt.date | None = None  # the last day in force; None while in force
    overridden: bool = False
    statutory: Any = None  # the law's own value when a local override replaced it

    def in_force(self, on: dt.date) -> bool:
        return self.since <= on and (self.until is None or on <= self.until)

    def cite(self) -> str:
        """The source as a flag or a docstring cites it; an override says so."""
        text = str(self.source)
        if self.overridden:
            text += f" (điều chỉnh tại địa phương: {_plain(self.value)}; văn bản quy định {_plain(self.statutory)})"
        return text


@dataclass(frozen=True)
class RetirementAges:
    """Retirement age in normal working conditions, in months, by the year it is reached."""

    base_year: int
    male_base: int
    male_step: int
    male_max: int
    female_base: int
    female_step: int
    female_max: int


@dataclass(frozen=True)
class DisciplineForms:
    """The forms a disciplinary system has, and those it applies only to people holding a leading post."""

    forms: tuple[str, ...]
    leaders_only: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rulebook:
    """The law in force on `on`: one provision per key (values through `.value`, sources through `.cite()`)."""

    on: dt.date
    retirement: Provision[RetirementAges]
    planning_max_people_per_post: Provision[int]
    planning_max_posts_per_person: Provision[int]
    planning_min_months_before_retirement: Provision[int]
    planning_target_women_percent: Provision[int]
    planning_target_young_percent: Provision[int]
    planning_young_under_age: Provision[Mapping[str, int]]
    planning_removal_not_completed_years: Provision[int]
    planning_bar_lapses: Provision[bool]
    not_completed_consecutive_years: Provision[int]
    not_completed_twice_within_years: Provision[int]
    appointment_term_months: Provision[int]
    discipline_forms_party_member: Provision[DisciplineForms]
    discipline_forms_party_probationary: Provision[DisciplineForms]
    discipline_forms_party_organization: Provision[DisciplineForms]
    discipline_forms_cadre: Provision[DisciplineForms]
    discipline_forms_civil_servant: Provision[DisciplineForms]
    discipline_forms_public_employee: Provision[DisciplineForms]
    party_probation_months: Provision[int]
    state_discipline_bar_months: Provision[Mapping[str, int]]
    public_employee_discipline_bar_months: Provision[Mapping[str, int]]
    party_planning_bar_months: Provision[Mapping[str, int]]
    party_appointment_bar_months: Provision[Mapping[str, int]]
    rotation_min_months_left_planned: Provision[int]
    rotation_min_months_left_key_leader: Provision[int]
    rotation_term_months: Provision[int]
    rotation_same_place_terms: Provision[int]
    rotation_min_duration_months: Provision[int]
    periodic_change_exempt_months_to_retirement: Provision[int]
    periodic_change_min_period_months: Provision[int]
    periodic_change_max_period_months: Provision[int]
    key_leader_levels: Provision[tuple[str, ...]]

    def provisions(self) -> list[Provision[Any]]:
        return [getattr(self, f.name) for f in fields(self) if f.name != "on"]

    def values(self) -> dict[str, Any]:
        """{key: value} of every provision (for messages that name several numbers)."""
        return {p.key: p.value for p in self.provisions()}


def _plain(value: Any) -> str:
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, tuple | list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "có" if value else "không"
    return str(value)


_LABOUR_CODE_2012 = Source("Bộ luật Lao động 2012", "187", "1")
_LABOUR_CODE_2019 = Source("Bộ luật Lao động 2019, khoản 2 Điều 169; Nghị định 135/2020/NĐ-CP, Điều 4")
_REG_50 = "Quy định 50-QĐ/TW ngày 27/12/2021 về công tác quy hoạch cán bộ"
_REG_377 = "Quy định 377-QĐ/TW ngày 08/10/2025 về phân cấp quản lý cán bộ và quy hoạch, bổ nhiệm, giới thiệu ứng cử"
_REG_80 = "Quy định 80-QĐ/TW ngày 18/8/2022 về phân cấp quản lý cán bộ và bổ nhiệm, giới thiệu cán bộ ứng cử"
_STATUTE = "Điều lệ Đảng Cộng sản Việt Nam (2011)"
_LAW_CBCC = "Luật Cán bộ, công chức 2008 (sửa đổi bởi Luật 52/2019/QH14)"
_LAW_CBCC_2025 = "Luật Cán bộ, công chức 2025 (Luật 80/2025/QH15); Nghị định 172/2025/NĐ-CP"
_LAW_VC = "Luật Viên chức 2010 (sửa đổi bởi Luật 52/2019/QH14)"
_DECREE_90 = "Nghị định 90/2020/NĐ-CP (sửa đổi bởi Nghị định 48/2023/NĐ-CP)"
_REG_65 = "Quy định 65-QĐ/TW ngày 28/4/2022 về luân chuyển cán bộ"
_DECREE_59 = "Luật Phòng, chống tham nhũng 2018; Nghị định 59/2019/NĐ-CP"
_EARLIEST = dt.date(1990, 1, 1)

_STATE_BAR = {"khien_trach": 12, "canh_cao": 12, "ha_bac_luong": 12, "giang_chuc": 24, "cach_chuc": 24}

P = Provision
PROVISIONS: tuple[Provision[Any], ...] = (
    P("retirement", "Tuổi nghỉ hưu trong điều kiện lao động bình thường",
      RetirementAges(2020, 720, 0, 720, 660, 0, 660), _LABOUR_CODE_2012, _EARLIEST, DECREE_135_FROM - dt.timedelta(1)),
    P("retirement", "Tuổi nghỉ hưu trong điều kiện lao động bình thường",
      RetirementAges(2020, 720, 3, 744, 660, 4, 720), _LABOUR_CODE_2019, DECREE_135_FROM),
    # Planning: Regulation 50 until 07/10/2025, Regulation 377 from 08/10/2025.
    P("planning_max_people_per_post", "Số người tối đa quy hoạch cho một chức danh", 3,
      Source(_REG_50), _EARLIEST, REG_377_FROM - dt.timedelta(1)),
    P("planning_max_people_per_post", "Số người tối đa quy hoạch cho một chức danh", 3,
      Source(_REG_377), REG_377_FROM),
    P("planning_max_posts_per_person", "Số chức danh tối đa quy hoạch cho một người ở một cấp", 3,
      Source(_REG_50), _EARLIEST, REG_377_FROM - dt.timedelta(1)),
    P("planning_max_posts_per_person", "Số chức danh tối đa quy hoạch cho một người ở một cấp", 3,
      Source(_REG_377), REG_377_FROM),
    P("planning_min_months_before_retirement", "Thời gian công tác còn lại tối thiểu khi quy hoạch (một nhiệm kỳ, "
      "tháng)", 60, Source(_REG_50), _EARLIEST, REG_377_FROM - dt.timedelta(1)),
    P("planning_min_months_before_retirement", "Thời gian công tác còn lại tối thiểu khi quy hoạch (một nhiệm kỳ, "
      "tháng)", 60, Source(_REG_377), REG_377_FROM),
    P("planning_target_women_percent", "Tỷ lệ cán bộ nữ trong quy hoạch (tối thiểu, %)", 25,
      Source("Nghị quyết 26-NQ/TW ngày 19/5/2018, mục II.3"), _EARLIEST),
    P("planning_target_young_percent", "Tỷ lệ cán bộ trẻ trong quy hoạch (tối thiểu, %)", 15,
      Source("Nghị quyết 26-NQ/TW ngày 19/5/2018, mục II.3"), _EARLIEST),
    P("planning_young_under_age", "Cán bộ trẻ: dưới số tuổi này, theo cấp của cơ quan quy hoạch",
      {"central": 45, "province": 40, "district": 40, "commune": 40}, Source(_REG_50), _EARLIEST,
      REG_377_FROM - dt.timedelta(1)),
    P("planning_young_under_age", "Cán bộ trẻ: dưới số tuổi này, theo cấp của cơ quan quy hoạch",
      {"central": 45, "province": 40, "commune": 40}, Source(_REG_377), REG_377_FROM),
    P("planning_removal_not_completed_years", "Rà soát quy hoạch hằng năm: số năm liên tiếp \"không hoàn thành "
      "nhiệm vụ\" để đưa ra khỏi quy hoạch", 2, Source(_REG_50), _EARLIEST, REG_377_FROM - dt.timedelta(1)),
    P("planning_removal_not_completed_years", "Rà soát quy hoạch hằng năm: số năm liên tiếp \"không hoàn thành "
      "nhiệm vụ\" để đưa ra khỏi quy hoạch", 1, Source(_REG_377), REG_377_FROM),
    P("planning_bar_lapses", "Kỷ luật khiển trách, cảnh cáo đã hết thời hạn không còn cản trở quy hoạch", False,
      Source(_REG_50), _EARLIEST, REG_377_FROM - dt.timedelta(1)),
    P("planning_bar_lapses", "Kỷ luật khiển trách, cảnh cáo đã hết thời hạn không còn cản trở quy hoạch", True,
      Source(_REG_377), REG_377_FROM),
    # Ratings.
    P("not_completed_consecutive_years", "Số năm liên tiếp \"không hoàn thành nhiệm vụ\" dẫn đến miễn nhiệm, "
      "cho thôi việc", 2, Source(f"{_LAW_CBCC}, Điều 29 và Điều 58; {_LAW_VC}, Điều 29; {_DECREE_90}"), _EARLIEST,
      TWO_LEVEL_FROM - dt.timedelta(1)),
    P("not_completed_consecutive_years", "Số năm liên tiếp \"không hoàn thành nhiệm vụ\" dẫn đến miễn nhiệm, "
      "cho thôi việc", 2, Source(f"{_LAW_CBCC_2025}; {_LAW_VC}, Điều 29; {_DECREE_90}"), TWO_LEVEL_FROM),
    P("not_completed_twice_within_years", "Hai năm không liên tiếp \"không hoàn thành nhiệm vụ\" trong số năm này "
      "(người không giữ chức vụ lãnh đạo): bố trí công tác có yêu cầu thấp hơn", 3, Source(_DECREE_90), _EARLIEST),
    # The appointment term a leader's two non-consecutive years are counted in (thời hạn giữ chức vụ bổ nhiệm).
    P("appointment_term_months", "Thời hạn giữ chức vụ lãnh đạo, quản lý mỗi lần bổ nhiệm (tháng)", 60,
      Source(f"{_REG_80}; Nghị định 138/2020/NĐ-CP"), _EARLIEST, REG_377_FROM - dt.timedelta(1)),
    P("appointment_term_months", "Thời hạn giữ chức vụ lãnh đạo, quản lý mỗi lần bổ nhiệm (tháng)", 60,
      Source(_REG_377), REG_377_FROM),
    # Discipline forms by system and date.
    P("discipline_forms_party_member", "Hình thức kỷ luật đảng viên chính thức",
      DisciplineForms(("khien_trach", "canh_cao", "cach_chuc", "khai_tru")), Source(_STATUTE, "35", "2"), _EARLIEST),
    P("discipline_forms_party_probationary", "Hình thức kỷ luật đảng viên dự bị",
      DisciplineForms(("khien_trach", "canh_cao")), Source(_STATUTE, "35", "2"), _EARLIEST),
    P("discipline_forms_party_organization", "Hình thức kỷ luật tổ chức đảng",
      DisciplineForms(("khien_trach", "canh_cao", "giai_tan")), Source(_STATUTE, "35", "1"), _EARLIEST),
    P("discipline_forms_cadre", "Hình thức kỷ luật cán bộ",
      DisciplineForms(("khien_trach", "canh_cao", "cach_chuc", "bai_nhiem")), Source(_LAW_CBCC, "78", "1"),
      _EARLIEST, TWO_LEVEL_FROM - dt.timedelta(1)),
    P("discipline_forms_cadre", "Hình thức kỷ luật cán bộ",
      DisciplineForms(("khien_trach", "canh_cao", "cach_chuc", "bai_nhiem")), Source(_LAW_CBCC_2025),
      TWO_LEVEL_FROM),
    P("discipline_forms_civil_servant", "Hình thức kỷ luật công chức",
      DisciplineForms(("khien_trach", "canh_cao", "ha_bac_luong", "giang_chuc", "cach_chuc", "buoc_thoi_viec"),
                      leaders_only=("giang_chuc", "cach_chuc")), Source(_LAW_CBCC, "79", "1"), _EARLIEST,
      TWO_LEVEL_FROM - dt.timedelta(1)),
    P("discipline_forms_civil_servant", "Hình thức kỷ luật công chức",
      DisciplineForms(("khien_trach", "canh_cao", "cach_chuc", "buoc_thoi_viec"), leaders_only=("cach_chuc",)),
      Source(_LAW_CBCC_2025), TWO_LEVEL_FROM),
    P("discipline_forms_public_employee", "Hình thức kỷ luật viên chức",
      DisciplineForms(("khien_trach", "canh_cao", "cach_chuc", "buoc_thoi_viec"), leaders_only=("cach_chuc",)),
      Source(_LAW_VC, "52"), _EARLIEST),
    P("party_probation_months", "Thời kỳ dự bị của đảng viên (tháng)", 12, Source(_STATUTE, "5", "1"), _EARLIEST),
    # Blocking periods: separate rules (DESIGN.md rule 5).
    P("state_discipline_bar_months", "Thời hạn không nâng ngạch, nâng lương, quy hoạch, đào tạo, bổ nhiệm sau kỷ "
      "luật hành chính (tháng)", _STATE_BAR, Source(_LAW_CBCC, "82", "2"), LAW_52_2019_FROM,
      TWO_LEVEL_FROM - dt.timedelta(1)),
    P("state_discipline_bar_months", "Thời hạn không nâng ngạch, nâng lương, quy hoạch, đào tạo, bổ nhiệm sau kỷ "
      "luật hành chính (tháng)", _STATE_BAR, Source(_LAW_CBCC_2025), TWO_LEVEL_FROM),
    P("state_discipline_bar_months", "Thời hạn không nâng ngạch, nâng lương, quy hoạch, đào tạo, bổ nhiệm sau kỷ "
      "luật hành chính (tháng)", {"khien_trach": 12, "canh_cao": 12, "ha_bac_luong": 12, "giang_chuc": 12,
                                  "cach_chuc": 12}, Source("Luật Cán bộ, công chức 2008", "82", "2"), _EARLIEST,
      LAW_52_2019_FROM - dt.timedelta(1)),
    P("public_employee_discipline_bar_months", "Thời hạn không thăng hạng, nâng lương, quy hoạch, bổ nhiệm sau kỷ "
      "luật viên chức (tháng)", {"khien_trach": 12, "canh_cao": 12, "cach_chuc": 24}, Source(_LAW_VC, "56"),
      _EARLIEST),
    P("party_planning_bar_months", "Thời hạn chưa quy hoạch sau kỷ luật đảng (tháng)",
      {"khien_trach": 12, "canh_cao": 12, "cach_chuc": 24}, Source(_REG_50), _EARLIEST,
      REG_377_FROM - dt.timedelta(1)),
    P("party_planning_bar_months", "Thời hạn chưa quy hoạch sau kỷ luật đảng (tháng)",
      {"khien_trach": 12, "canh_cao": 12, "cach_chuc": 24}, Source(_REG_377), REG_377_FROM),
    P("party_appointment_bar_months", "Thời hạn chưa bổ nhiệm, giới thiệu ứng cử chức vụ cao hơn sau kỷ luật đảng "
      "(tháng)", {"khien_trach": 12, "canh_cao": 12, "cach_chuc": 24}, Source(_REG_80), _EARLIEST,
      REG_377_FROM - dt.timedelta(1)),
    P("party_appointment_bar_months", "Thời hạn chưa bổ nhiệm, giới thiệu ứng cử chức vụ cao hơn sau kỷ luật đảng "
      "(tháng)", {"khien_trach": 24, "canh_cao": 36, "cach_chuc": 60}, Source(_REG_377), REG_377_FROM),
    # Rotation (Regulation 65-QĐ/TW) and periodic position change (Decree 59/2019).
    P("rotation_min_months_left_planned", "Luân chuyển cán bộ trong quy hoạch: thời gian công tác còn lại tối "
      "thiểu (tháng)", 120, Source(_REG_65), _EARLIEST),
    P("rotation_min_months_left_key_leader", "Luân chuyển lãnh đạo chủ chốt (không là người địa phương, hoặc đã "
      "giữ chức hai nhiệm kỳ ở một nơi): thời gian công tác còn lại tối thiểu (một nhiệm kỳ, tháng)", 60,
      Source(f"{_REG_65}; Nghị định 138/2020/NĐ-CP, Điều 56"), _EARLIEST),
    P("rotation_term_months", "Một nhiệm kỳ (tháng)", 60, Source(_REG_65), _EARLIEST),
    P("rotation_same_place_terms", "Số nhiệm kỳ liên tiếp giữ chức cấp trưởng ở một địa phương, đơn vị", 2,
      Source(_REG_65), _EARLIEST),
    P("rotation_min_duration_months", "Thời gian luân chuyển tối thiểu (tháng)", 36, Source(_REG_65),
      _EARLIEST),
    P("periodic_change_exempt_months_to_retirement", "Chuyển đổi vị trí công tác: không chuyển đổi khi thời gian "
      "công tác còn lại dưới (tháng)", 18, Source(_DECREE_59, "37"), _EARLIEST),
    P("periodic_change_min_period_months", "Chuyển đổi vị trí công tác: thời hạn tối thiểu (tháng)", 24,
      Source(_DECREE_59, "37", "1"), _EARLIEST),
    P("periodic_change_max_period_months", "Chuyển đổi vị trí công tác: thời hạn tối đa (tháng)", 60,
      Source(_DECREE_59, "37", "1"), _EARLIEST),
    P("key_leader_levels", "Cấp có chức danh lãnh đạo chủ chốt", ("province", "district", "commune"),
      Source("Luật Tổ chức chính quyền địa phương 2015"), _EARLIEST, TWO_LEVEL_FROM - dt.timedelta(1)),
    P("key_leader_levels", "Cấp có chức danh lãnh đạo chủ chốt", ("province", "commune"),
      Source("Luật Tổ chức chính quyền địa phương 2025 (Luật 72/2025/QH15)"), TWO_LEVEL_FROM),
)
del P

# Texts older than the regulations the numbers are read from: the same numbers, cited to the text then in force
# (a day before a regulation was issued never cites it).
_PREDECESSORS: tuple[tuple[str, dt.date, str], ...] = (
    (_REG_50, REG_50_FROM, "Hướng dẫn 15-HD/BTCTW ngày 15/11/2012 về công tác quy hoạch cán bộ"),
    (_REG_65, REG_65_FROM, "Quy định 98-QĐ/TW ngày 07/10/2017 về luân chuyển cán bộ"),
    (_REG_80, REG_80_FROM, "Quy định 105-QĐ/TW ngày 19/12/2017 về phân cấp quản lý cán bộ và bổ nhiệm, giới thiệu "
                           "cán bộ ứng cử"),
)


def _with_predecessors(provisions: tuple[Provision[Any], ...]) -> tuple[Provision[Any], ...]:
    result: list[Provision[Any]] = []
    for p in provisions:
        for document, issued, older in _PREDECESSORS:
            if document in p.source.document and p.since < issued:
                result.append(replace(p, source=Source(p.source.document.replace(document, older)),
                                      until=issued - dt.timedelta(days=1)))
                p = replace(p, since=issued)
        result.append(p)
    return tuple(result)


PROVISIONS = _with_predecessors(PROVISIONS)

KEYS: tuple[str, ...] = tuple(f.name for f in fields(Rulebook) if f.name != "on")


def _overrides() -> str:
    from django.conf import settings

    return json.dumps(getattr(settings, "CHIDAO_RULE_OVERRIDES", {}) or {}, sort_keys=True)


def rulebook_on(on: dt.date) -> Rulebook:
    """The rulebook in force on `on`, with the local overrides (settings.CHIDAO_RULE_OVERRIDES) applied."""
    return _build(on, _overrides())


# The days the law changes (a version starts, or the day after one ends): between two of them every rulebook is the
# same but for its date, so it is built once per stretch (a question about any of thousands of days stays quick).
_CHANGES: tuple[dt.date, ...] = tuple(sorted({p.since for p in PROVISIONS}
                                             | {p.until + dt.timedelta(days=1) for p in PROVISIONS if p.until}))


@lru_cache(maxsize=4096)
def _build(on: dt.date, overrides_json: str) -> Rulebook:
    i = bisect_right(_CHANGES, on)
    book = _build_from(_CHANGES[i - 1] if i else on, overrides_json)
    return book if book.on == on else replace(book, on=on)


@lru_cache(maxsize=256)
def _build_from(on: dt.date, overrides_json: str) -> Rulebook:
    overrides: dict[str, Any] = json.loads(overrides_json)
    chosen: dict[str, Provision[Any]] = {}
    for key in KEYS:
        versions = [p for p in PROVISIONS if p.key == key]
        found = next((p for p in versions if p.in_force(on)), None)
        # A day before the earliest version recorded: the earliest is the law the records know.
        chosen[key] = found or min(versions, key=lambda p: p.since)
        # A local override is a choice made under the law in force now: it replaces the current version only, so a
        # question about a day under an earlier text is answered by that text.
        if key in overrides and chosen[key].until is None:
            value = _coerce(chosen[key].value, overrides[key])
            if value != chosen[key].value:
                chosen[key] = replace(chosen[key], value=value, overridden=True, statutory=chosen[key].value)
    return Rulebook(on=on, **chosen)


def _coerce(current: Any, value: Any) -> Any:
    """An override in the provision's own type (JSON gives lists and plain dicts)."""
    if is_dataclass(current) and not isinstance(current, type):
        return replace(current, **dict(value))
    if isinstance(current, Mapping):
        return {**current, **{str(k): int(v) for k, v in dict(value).items()}}
    if isinstance(current, tuple):
        return tuple(value)
    if isinstance(current, bool):
        return bool(value)
    if isinstance(current, int):
        return int(value)
    return value


def unknown_overrides() -> list[str]:
    """Override keys that name no provision (a typo in the settings): `chidao rules` reports them."""
    from django.conf import settings

    return sorted(set(getattr(settings, "CHIDAO_RULE_OVERRIDES", {}) or {}) - set(KEYS))


def changes_between(before: Rulebook, after: Rulebook) -> list[tuple[Provision[Any], Provision[Any]]]:
    """The provisions whose version differs between two rulebooks (what changed in the law)."""
    return [(a, b) for a, b in zip(before.provisions(), after.provisions(), strict=True) if a != b]


