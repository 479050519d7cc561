"""Cadre records out to Excel: the import template and the export of what the user may see, in the import's
shape (an export imports back)."""

import datetime as dt
import functools
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook

from chidao.core.excel import safe_cell, write_table
from chidao.core.imports import choice_labels as _labels
from chidao.core.imports import workbook_bytes as _save
from chidao.core.models import Unit, User
from chidao.core.reference import unit_subtree_ids

from .imports import ASSIGNMENTS, COLUMNS, DISCIPLINES, PEOPLE, RATINGS, SHEETS
from .imports import chunks as _chunks
from .models import (
    AccessLog,
    Assignment,
    AssignmentKind,
    Discipline,
    DisciplineForm,
    DisciplineSystem,
    Gender,
    Person,
    PostLevel,
    Rating,
    RatingLevel,
    ServiceKind,
)

WIDTHS: dict[str, list[int]] = {
    PEOPLE: [6, 14, 28, 12, 10, 14, 24, 12, 28, 14, 26],
    ASSIGNMENTS: [6, 14, 14, 40, 10, 26, 22, 12, 12, 18],
    RATINGS: [6, 14, 8, 34],
    DISCIPLINES: [6, 14, 14, 16, 14, 30, 40],
}
# The three bars of a discipline, derived from its system, form and date (`rules.discipline_bars`): the export shows
# them after the columns the import reads; the import ignores them and derives them again.
DISCIPLINE_BARS = ["Chưa quy hoạch đến", "Chưa bổ nhiệm chức vụ cao hơn đến", "Chưa nâng ngạch, nâng lương đến"]
SYSTEM_WORDS: dict[str, str] = {
    DisciplineSystem.PARTY: "Đảng", DisciplineSystem.CADRE: "cán bộ", DisciplineSystem.CIVIL_SERVICE: "công chức",
    DisciplineSystem.PUBLIC_EMPLOYEE: "viên chức"}
TITLE_LINES: dict[str, list[str]] = {
    PEOPLE: ["DANH SÁCH CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC",
             "(Ngày ghi dd/mm/yyyy; Giới tính: Nam hoặc Nữ; Cán bộ/Công chức/Viên chức: ghi một trong ba, để trống "
             "nếu chưa xác định; Quê quán: mã hoặc tên đơn vị hành chính)"],
    ASSIGNMENTS: ["QUÁ TRÌNH CÔNG TÁC",
                  "(Mã đơn vị theo Danh mục đơn vị; Lãnh đạo: x nếu là chức danh lãnh đạo, quản lý; "
                  "Cấp chức vụ: 0-5 hoặc tên cấp; Đến ngày để trống nếu đang giữ)"],
    RATINGS: ["KẾT QUẢ XẾP LOẠI CHẤT LƯỢNG HẰNG NĂM", "(Nghị định 90/2020/NĐ-CP, sửa đổi bởi Nghị định 48/2023/NĐ-CP)"],
    DISCIPLINES: ["KỶ LUẬT", "(Loại: Đảng, cán bộ, công chức hoặc viên chức; Ngày quyết định ghi dd/mm/yyyy)"],
}



def _headers(sheet: str, *, sensitive: bool = True) -> list[str]:
    return ["STT"] + [names[0] for f, names in COLUMNS[sheet].items() if sensitive or f not in ("phone", "email")]


def _widths(sheet: str, headers: list[str]) -> list[int]:
    all_headers = _headers(sheet)
    return [WIDTHS[sheet][all_headers.index(h)] for h in headers]




def people_import_template() -> bytes:
    """The four sheets with their title rows, header and one example row each, and the unit list."""
    example_unit = Unit.objects.filter(code="SNV").values_list("code", flat=True).first() or "SNV"
    rows: dict[str, list[list[Any]]] = {
        PEOPLE: [[1, "CB00001", "Nguyễn Văn An", dt.date(1975, 3, 5), "Nam", "Công chức", "", "15/08/2000",
                  "Thạc sĩ Quản lý công", "0912345678", "an.nv@example.vn"]],
        ASSIGNMENTS: [[1, "CB00001", example_unit, "Chuyên viên", "", 0, "tuyển dụng", dt.date(2000, 9, 1),
                       dt.date(2015, 6, 30), "125/QĐ-UBND"],
                      [2, "CB00001", example_unit, "Phó Giám đốc Sở", "x", 3, "bổ nhiệm", dt.date(2015, 7, 1), None,
                       "1234/QĐ-UBND"]],
        RATINGS: [[1, "CB00001", 2024, "hoàn thành tốt nhiệm vụ"]],
        DISCIPLINES: [],
    }
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in SHEETS:
        ws = wb.create_sheet(sheet)
        headers = _headers(sheet)
        write_table(ws, title_lines=TITLE_LINES[sheet], headers=headers, rows=rows[sheet],
                    widths=_widths(sheet, headers))
    units = wb.create_sheet("Danh mục đơn vị")
    units.append(["Mã đơn vị", "Tên đơn vị"])
    for code, name in Unit.objects.current().order_by("name").values_list("code", "name"):
        units.append([safe_cell(code), safe_cell(name)])
    help_sheet = wb.create_sheet("Danh mục mã")
    help_sheet.append(["Danh mục", "Giá trị được chấp nhận"])
    for title, choices in (("Hình thức (quá trình công tác)", AssignmentKind), ("Cấp chức vụ", PostLevel),
                           ("Xếp loại", RatingLevel), ("Hình thức kỷ luật", DisciplineForm)):
        for value, label in _labels(choices).items():
            help_sheet.append([title, f"{value} - {label}" if choices is PostLevel else label])
    for label in _kind_labels().values():
        help_sheet.append(["Cán bộ/Công chức/Viên chức", label])
    for word in SYSTEM_WORDS.values():
        help_sheet.append(["Loại kỷ luật", word])
    return _save(wb)


def _kind_labels() -> dict[str, str]:
    """ServiceKind -> the label a workbook shows ("Cán bộ", "Công chức", "Viên chức"; unknown stays blank)."""
    return {value: label.capitalize() for value, label in _labels(ServiceKind).items() if value}


def people_filter(*, user: User, q: str = "", unit: int | None = None) -> QuerySet[Person]:
    """The people the user may see, filtered like the list page (folded words; a unit and its subtree)."""
    from chidao.core.text import search_terms

    qs = Person.objects.visible_to(user)
    for term in search_terms(q):
        qs = qs.filter(search_text__contains=term)
    if unit:
        found = Unit.objects.filter(pk=unit).first()
        qs = qs.filter(unit_id__in=unit_subtree_ids(found)) if found else qs.none()
    return qs


def _sensitive_check(user: User) -> Any:
    """Whether the user may see a person's phone and e-mail, decided once per unit."""
    from . import selectors

    @functools.cache
    def allowed(unit_id: int | None) -> bool:
        return selectors.can_see_sensitive(user, Person(unit_id=unit_id))

    return allowed


def people_export(*, user: User, qs: QuerySet[Person], via: str = "page") -> bytes:
    """The four sheets for the people of `qs` the user may see (the same columns the import reads, so an
    export imports back). Phone and e-mail only where `selectors.can_see_sensitive` allows (the columns
    are dropped when it allows none). Writes one AccessLog row (action "export"; its detail starts with
    `via` when that is not "page", e.g. "api 3 hồ sơ")."""
    people = list(qs.visible_to(user).select_related("hometown").order_by("sort_key", "id")  # type: ignore[attr-defined]
                  .only("id", "code", "full_name", "birth_date", "gender", "service_kind", "hometown__code",
                        "party_joined_on",
                        "education", "phone", "email", "unit_id"))
    allowed = _sensitive_check(user)
    sensitive = any(allowed(p.unit_id) for p in people)
    genders = {Gender.MALE: "Nam", Gender.FEMALE: "Nữ"}
    service_kinds = _kind_labels()
    kinds, levels = _labels(AssignmentKind), _labels(PostLevel)
    ratings, forms = _labels(RatingLevel), _labels(DisciplineForm)
    systems = SYSTEM_WORDS
    ids = [p.pk for p in people]
    codes = {p.pk: p.code for p in people}
    people_rows = []
    for n, p in enumerate(people, start=1):
        row: list[Any] = [n, p.code, p.full_name, p.birth_date, genders.get(p.gender, p.gender),
                          service_kinds.get(p.service_kind, ""), p.hometown.code if p.hometown else "",
                          p.party_joined_on, p.education]
        if sensitive:
            show = allowed(p.unit_id)
            row += [p.phone if show else "", p.email if show else ""]
        people_rows.append(row)
    assignment_rows: list[list[Any]] = []
    rating_rows: list[list[Any]] = []
    discipline_rows: list[list[Any]] = []
    for chunk in _chunks(ids):
        for a in (Assignment.objects.filter(person_id__in=chunk).select_related("position__unit")
                  .order_by("person__sort_key", "person_id", "start", "id")):
            post = a.position
            assignment_rows.append([len(assignment_rows) + 1, codes[a.person_id], post.unit.code, post.title,
                                    "x" if post.is_leader else "", levels.get(post.level, post.level),
                                    kinds.get(a.kind, a.kind), a.start, a.end, a.decision])
        for rt in Rating.objects.filter(person_id__in=chunk).order_by("person__sort_key", "person_id", "year"):
            rating_rows.append([len(rating_rows) + 1, codes[rt.person_id], rt.year, ratings.get(rt.level, rt.level)])
        for d in Discipline.objects.filter(person_id__in=chunk).order_by("person__sort_key", "person_id",
                                                                         "decided_on"):
            discipline_rows.append([len(discipline_rows) + 1, codes[d.person_id], systems.get(d.system, d.system),
                                    forms.get(d.form, d.form), d.decided_on, d.decided_by, d.reason, d.blocks_until,
                                    d.appointment_blocked_until, d.grade_blocked_until])
    today = timezone.localdate().strftime("%d/%m/%Y")
    wb = Workbook()
    wb.remove(wb.active)
    for sheet, rows in ((PEOPLE, people_rows), (ASSIGNMENTS, assignment_rows), (RATINGS, rating_rows),
                        (DISCIPLINES, discipline_rows)):
        ws = wb.create_sheet(sheet)
        headers = _headers(sheet, sensitive=sensitive)
        widths = _widths(sheet, headers)
        if sheet == DISCIPLINES:
            headers, widths = headers + DISCIPLINE_BARS, widths + [14] * len(DISCIPLINE_BARS)
        write_table(ws, title_lines=[TITLE_LINES[sheet][0], f"(Số liệu đến ngày {today})"], headers=headers,
                    rows=rows, widths=widths)
    detail = f"{len(people)} hồ sơ" if via == "page" else f"{via} {len(people)} hồ sơ"
    AccessLog.objects.create(user=user, person=None, action="export", detail=detail)
    return _save(wb)
