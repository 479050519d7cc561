"""The cadre-record import: the row specs of the four sheets and the personnel rules, on `core.imports`.

The import is built for whole offices at once (150,000 people with 220,000 assignments in about 30 s, see
bench/people_import.py): the workbook is read once, streamed (`core.imports.workbook_open`), every row is read by
its column specs (type, required, choices and length from the model fields) and checked in memory against units,
posts and codes loaded once, and only when every row is valid is everything written in one transaction, as multi-row
inserts (`core.bulk`). It does not go through the per-record services (that would be a few queries per row); it
applies the same rules itself: `services.person_derive` for the derived fields, the current unit/post/time in post
as `services.person_refresh_current` computes it, `rules.discipline_form_refusal` and `rules.discipline_bars` for
discipline, and the sensitive-field rule (phone and e-mail only by those who may see them). The audit trail is ONE
change record (action "import") with the counts. After a large import the planner's statistics are refreshed
(`core.bulk.tables_analyze`)."""

import datetime as dt
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chidao.core import imports as ci
from chidao.core.bulk import objects_insert, rows_insert, tables_analyze
from chidao.core.excel import cell_text
from chidao.core.models import Unit, User

from . import permissions, rules, services
from .models import (
    Assignment,
    Discipline,
    DisciplineForm,
    DisciplineSystem,
    Gender,
    Person,
    Position,
    PostLevel,
    Rating,
    RatingLevel,
    ServiceKind,
)

ImportResult, RowError = ci.ImportResult, ci.RowError
_d = ci.day_text
BATCH = 2000
ANALYZE_FROM = 10_000  # rows written; a load this large refreshes the planner's statistics at once
COUNTS = ("people", "assignments", "positions", "ratings", "disciplines")

PEOPLE, ASSIGNMENTS, RATINGS, DISCIPLINES = "Cán bộ", "Quá trình công tác", "Xếp loại", "Kỷ luật"
SHEETS = (PEOPLE, ASSIGNMENTS, RATINGS, DISCIPLINES)
SHEET_ALIASES: dict[str, list[str]] = {
    PEOPLE: [PEOPLE, "Danh sách cán bộ", "Hồ sơ cán bộ", "Cán bộ, công chức"],
    ASSIGNMENTS: [ASSIGNMENTS, "Quá trình công tác", "Công tác", "Quá trình"],
    RATINGS: [RATINGS, "Xếp loại chất lượng", "Đánh giá, xếp loại", "Đánh giá xếp loại"],
    DISCIPLINES: [DISCIPLINES, "Kỷ luật cán bộ"],
}
CODE_LABELS = ["Mã hồ sơ", "Mã cán bộ", "Số hiệu cán bộ", "Mã CB"]
SERVICE_KIND_LABELS = ["Cán bộ/Công chức/Viên chức", "Cán bộ, công chức, viên chức", "CB/CC/VC"]
DATE_INVALID = "Ngày “%(v)s” không hợp lệ; ghi dd/mm/yyyy, ví dụ 05/03/1975."


# Phone and e-mail: only those who may write them (the standing office imports records without them).
may_write_sensitive = permissions.can_write_sensitive


def _specs(units: Any = None) -> dict[str, list[ci.Column]]:
    """The four sheets' columns, in the template's order. `units` resolves a unit text (imports only)."""
    date = {"invalid": DATE_INVALID}
    with translation.override("vi"):
        levels = "; ".join(str(c.label) for c in PostLevel)
        ratings = "; ".join(str(c.label) for c in RatingLevel)
        forms = ", ".join(str(c.label) for c in DisciplineForm)
    code = ci.Column("code", CODE_LABELS, max_length=32, required=True)
    return {
        PEOPLE: [
            ci.column(Person, "code", CODE_LABELS),
            ci.column(Person, "full_name", ["Họ và tên", "Họ tên", "Họ và tên khai sinh"], squash=True),
            ci.column(Person, "birth_date", ["Ngày sinh", "Ngày, tháng, năm sinh", "Ngày tháng năm sinh", "Sinh ngày"],
                      messages=date),
            ci.column(Person, "gender", ["Giới tính", "Giới tính (Nam/Nữ)", "Nam/Nữ"], choices=ci.choice_lookup(
                Gender, {"Nam": Gender.MALE, "Nữ": Gender.FEMALE, "Nu": Gender.FEMALE}),
                messages={"choice": "Giới tính “%(v)s” không hợp lệ; ghi Nam hoặc Nữ."}),
            ci.column(Person, "service_kind", SERVICE_KIND_LABELS, choices=ci.choice_lookup(ServiceKind, {
                "CB": ServiceKind.CADRE, "CC": ServiceKind.CIVIL_SERVANT, "VC": ServiceKind.PUBLIC_EMPLOYEE}),
                messages={"choice": "Cột cán bộ/công chức/viên chức ghi “%(v)s” không hợp lệ; ghi Cán bộ, Công chức "
                                    "hoặc Viên chức (để trống nếu chưa xác định)."}),
            ci.column(Person, "hometown", ["Quê quán"], resolve=units,
                      messages={"unknown": "Không tìm thấy đơn vị “%(v)s” (quê quán)."}),
            ci.column(Person, "party_joined_on", ["Ngày vào Đảng", "Ngày vào Đảng CSVN", "Ngày kết nạp Đảng"],
                      messages=date),
            ci.column(Person, "education", ["Trình độ chuyên môn", "Trình độ chuyên môn, nghiệp vụ", "Trình độ"]),
            ci.column(Person, "phone", ["Điện thoại", "Số điện thoại"], may_write=may_write_sensitive,
                      messages={"max_length": "Số điện thoại dài quá %(n)s ký tự."}),
            ci.column(Person, "email", ["Email", "Thư điện tử", "E-mail"], may_write=may_write_sensitive),
        ],
        ASSIGNMENTS: [
            code,
            ci.Column("unit", ["Mã đơn vị", "Đơn vị", "Đơn vị công tác"], kind=ci.REF, required=True, resolve=units,
                      messages={"unknown": "Không tìm thấy đơn vị mã “%(v)s”."}),
            ci.column(Position, "title", ["Chức danh", "Chức vụ", "Chức danh, chức vụ"], squash=True),
            ci.column(Position, "is_leader", ["Lãnh đạo (x)", "Lãnh đạo", "Lãnh đạo, quản lý", "Là lãnh đạo"],
                      messages={"invalid": "Cột lãnh đạo ghi x hoặc để trống (“%(v)s”)."}),
            ci.column(Position, "level", ["Cấp chức vụ", "Cấp"], required=False, choice_names=levels,
                      choices=ci.choice_lookup(PostLevel) | {str(v): v for v in PostLevel.values},
                      messages={"choice": "Cấp chức vụ “%(v)s” không hợp lệ; ghi 0-5 hoặc tên cấp: %(all)s."}),
            ci.column(Assignment, "kind", ["Hình thức", "Hình thức bố trí"]),
            ci.column(Assignment, "start", ["Từ ngày", "Từ"], messages=date),
            ci.column(Assignment, "end", ["Đến ngày", "Đến"], messages=date),
            ci.column(Assignment, "decision", ["Số quyết định", "Quyết định số", "Quyết định"]),
        ],
        RATINGS: [
            code,
            ci.column(Rating, "year", ["Năm", "Năm đánh giá"], bounds=None, messages={
                "invalid": "Năm “%(v)s” không hợp lệ.", "required": "Năm “%(v)s” không hợp lệ."}),
            ci.column(Rating, "level", ["Xếp loại", "Mức xếp loại", "Kết quả xếp loại"], choice_names=ratings,
                      choices=ci.choice_lookup(RatingLevel, {
                          "xuất sắc": RatingLevel.EXCELLENT, "tốt": RatingLevel.GOOD,
                          "hoàn thành": RatingLevel.COMPLETED, "không hoàn thành": RatingLevel.NOT_COMPLETED,
                          "HTXSNV": RatingLevel.EXCELLENT, "HTTNV": RatingLevel.GOOD, "HTNV": RatingLevel.COMPLETED,
                          "KHTNV": RatingLevel.NOT_COMPLETED})),
        ],
        DISCIPLINES: [
            code,
            ci.column(Discipline, "system", ["Loại", "Loại kỷ luật"], choices=ci.choice_lookup(DisciplineSystem, {
                "Đảng": DisciplineSystem.PARTY, "đảng viên": DisciplineSystem.PARTY,
                "cán bộ": DisciplineSystem.CADRE, "công chức": DisciplineSystem.CIVIL_SERVICE,
                "viên chức": DisciplineSystem.PUBLIC_EMPLOYEE, "hành chính": DisciplineSystem.CIVIL_SERVICE,
                "chính quyền": DisciplineSystem.CIVIL_SERVICE}),
                messages={"choice": "Loại kỷ luật “%(v)s” không hợp lệ; ghi Đảng, cán bộ, công chức hoặc viên chức."}),
            ci.column(Discipline, "form", ["Hình thức", "Hình thức kỷ luật"], choice_names=forms,
                      messages={"choice": "Hình thức kỷ luật “%(v)s” không hợp lệ; chọn một trong: %(all)s."}),
            ci.column(Discipline, "decided_on", ["Ngày quyết định", "Ngày ký"], messages=date),
            ci.column(Discipline, "decided_by", ["Cơ quan quyết định", "Cấp quyết định"],
                      messages={"required": "Thiếu cơ quan quyết định kỷ luật."}),
            ci.column(Discipline, "reason", ["Lý do", "Nội dung vi phạm"]),
        ],
    }


# Column labels per sheet and field; the first is the canonical label (template, export, errors).
COLUMNS: dict[str, dict[str, list[str]]] = {
    sheet: {c.name: list(c.labels) for c in columns} for sheet, columns in _specs().items()}
REQUIRED: dict[str, list[str]] = {
    PEOPLE: ["code", "full_name", "birth_date", "gender"],
    ASSIGNMENTS: ["code", "unit", "title", "start"],
    RATINGS: ["code", "year", "level"],
    DISCIPLINES: ["code", "system", "form", "decided_on"],
}


def _label(sheet: str, name: str) -> str:
    return COLUMNS[sheet][name][0]



def _title_key(title: str) -> str:
    return " ".join(title.split()).casefold()


def chunks(items: Sequence[Any], size: int = 5000) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


@dataclass
class _NewAssignment:
    row: int
    code: str
    position_key: tuple[int, str]
    kind: str
    start: dt.date
    end: dt.date | None
    decision: str


class _Importer:
    """One import run: validation state, then the write."""

    def __init__(self, actor: User, result: ci.ImportResult) -> None:
        self.actor, self.result = actor, result
        self.err = ci.Errors(result, COLUMNS)
        self.units = ci.unit_lookup()
        self.specs = _specs(self.units)
        self.refused = ci.columns_refused(self.specs[PEOPLE], actor)
        self.positions = {(p.unit_id, _title_key(p.title)): p for p in Position.objects.all()}
        self.new_positions: dict[tuple[int, str], tuple[Position, int]] = {}  # key -> (unsaved post, first row)
        self.scope: set[int] | None = None  # unit ids a personnel officer may import into; None: anywhere
        if permissions.is_unit_scoped(actor):
            self.scope = permissions.personnel_scope_ids(actor)
        self.today = timezone.localdate()
        self.people: dict[str, tuple[Person, int]] = {}  # code -> (unsaved person, row)
        self.people_codes: dict[str, int] = {}  # every code on the people sheet, even on a wrong row
        self.assignments: list[_NewAssignment] = []
        self.ratings: list[tuple[int, str, int, str]] = []  # (row, code, year, level)
        self.disciplines: list[tuple[int, str, Discipline]] = []  # (row, code, unsaved)
        self.refs: dict[str, list[tuple[str, int]]] = {}  # code -> [(sheet, row)] on other sheets
        self.db_people: dict[str, tuple[int, dt.date, int | None]] = {}  # code -> (id, birth, unit)

    def read(self, sheet: str, r: int, values: Sequence[Any]) -> dict[str, Any]:
        v = ci.cells_read(self.specs[sheet], values, self.err, sheet, r, self.refused if sheet == PEOPLE else set())
        for name, value in v.items():
            if type(value) is dt.date and (value.year < 1900 or value > self.today):
                self.err(sheet, r, name, _("Ngày %(d)s không hợp lệ (trước năm 1900 hoặc sau hôm nay).") % {
                    "d": _d(value)})
                v[name] = None
        return v

    def ref(self, sheet: str, row: int, code: str | None) -> None:
        if code:
            self.refs.setdefault(code, []).append((sheet, row))

    # Sheets

    def read_people(self, rows: Iterable[tuple[int, list[Any], Any]]) -> None:
        s = PEOPLE
        for r, values, _raw in rows:
            n = len(self.err)
            v = self.read(s, r, values)
            code = v["code"]
            if code and code in self.people_codes:
                self.err(s, r, "code", _("Mã hồ sơ %(c)s trùng với dòng %(row)s.") % {
                    "c": code, "row": self.people_codes[code]})
            elif code:
                self.people_codes[code] = r
            if v["party_joined_on"] and v["birth_date"] and v["party_joined_on"] <= v["birth_date"]:
                self.err(s, r, "party_joined_on", _("Ngày vào Đảng phải sau ngày sinh."))
            if len(self.err) > n:
                continue
            self.people[code] = (Person(**v), r)

    def read_assignments(self, rows: Iterable[tuple[int, list[Any], Any]]) -> None:
        s = ASSIGNMENTS
        seen: dict[tuple[str, tuple[int, str], dt.date], int] = {}
        for r, values, _raw in rows:
            n = len(self.err)
            v = self.read(s, r, values)
            self.ref(s, r, v["code"])
            unit = v["unit"]
            if unit is not None and self.scope is not None and unit.pk not in self.scope:
                self.err(s, r, "unit", _("Đơn vị %(v)s ngoài phạm vi quản lý của bạn.") % {"v": cell_text(values[1])})
            if v["start"] and v["end"] and v["end"] < v["start"]:
                self.err(s, r, "end", _("Ngày kết thúc (%(e)s) không được trước ngày bắt đầu (%(s)s).") % {
                    "e": _d(v["end"]), "s": _d(v["start"])})
            if len(self.err) > n:
                continue
            key = self._post(r, v, cell_text(values[1]))
            if key is None:
                continue
            dup = (v["code"], key, v["start"])
            if dup in seen:
                self.err(s, r, "start", _("Quá trình công tác trùng với dòng %(row)s.") % {"row": seen[dup]})
                continue
            seen[dup] = r
            self.assignments.append(_NewAssignment(r, v["code"], key, v["kind"], v["start"], v["end"], v["decision"]))

    def _post(self, r: int, v: dict[str, Any], unit_text: str) -> tuple[int, str] | None:
        """The post a row names (an existing one, or one new in this file), or None (an error)."""
        unit, title, is_leader = v["unit"], v["title"], v["is_leader"]
        level = v["level"] if v["level"] is not None else PostLevel.STAFF
        key = (unit.pk, _title_key(title))
        if key in self.positions:
            return key
        new = self.new_positions.get(key)
        if new is None:
            self.new_positions[key] = (Position(unit=unit, title=title, is_leader=is_leader, level=level), r)
        elif (new[0].is_leader, new[0].level) != (is_leader, level):
            self.err(ASSIGNMENTS, r, "level", _("Chức danh “%(t)s” tại %(u)s đã khai ở dòng %(row)s với cột lãnh đạo "
                                                "hoặc cấp chức vụ khác.") % {"t": title, "u": unit_text, "row": new[1]})
            return None
        return key

    def read_ratings(self, rows: Iterable[tuple[int, list[Any], Any]]) -> None:
        s = RATINGS
        seen: dict[tuple[str, int], int] = {}
        this_year = self.today.year
        for r, values, _raw in rows:
            n = len(self.err)
            v = self.read(s, r, values)
            code, year = v["code"], v["year"]
            self.ref(s, r, code)
            if year is not None and not 1990 <= year <= this_year:
                self.err(s, r, "year", _("Năm xếp loại phải từ 1990 đến %(y)s.") % {"y": this_year})
            if len(self.err) > n:
                continue
            if (code, year) in seen:
                self.err(s, r, "year", _("Năm %(y)s của mã hồ sơ %(c)s đã xếp loại ở dòng %(row)s.") % {
                    "y": year, "c": code, "row": seen[(code, year)]})
                continue
            seen[(code, year)] = r
            self.ratings.append((r, code, year, v["level"]))

    def read_disciplines(self, rows: Iterable[tuple[int, list[Any], Any]]) -> None:
        s = DISCIPLINES
        for r, values, _raw in rows:
            n = len(self.err)
            v = self.read(s, r, values)
            code = v.pop("code")
            self.ref(s, r, code)
            if len(self.err) > n:
                continue
            bars = rules.discipline_bars(system=v["system"], form=v["form"], decided_on=v["decided_on"])
            self.disciplines.append((r, code, Discipline(
                **v, blocks_until=bars.planning, appointment_blocked_until=bars.appointment,
                grade_blocked_until=bars.grade)))

    # Cross-sheet checks, with the few bulk queries they need

    def check(self) -> None:
        self._check_codes()
        self._check_births()
        if self.scope is not None:
            # A personnel officer's new people must work in their subtree, or they could not see them.
            placed = {code for code, places in self.refs.items() if any(s == ASSIGNMENTS for s, _r in places)}
            for code, (_p, row) in self.people.items():
                if code not in placed:
                    self.err(PEOPLE, row, "code", _("Mã hồ sơ %(c)s chưa có quá trình công tác tại đơn vị thuộc phạm "
                                                    "vi quản lý của bạn.") % {"c": code})
        self._check_ratings()
        self._check_disciplines()

    def _check_codes(self) -> None:
        codes = list(set(self.people_codes) | set(self.refs))
        in_db: dict[int, tuple[str, dt.date, int | None]] = {}
        for chunk in chunks(codes):
            for pk, code, birth_day, unit in Person.objects.filter(code__in=chunk).values_list(
                    "pk", "code", "birth_date", "unit_id"):
                in_db[pk] = (code, birth_day, unit)
        for chunk in chunks(sorted(in_db)):
            for pk in Person.objects.visible_to(self.actor).filter(pk__in=chunk).values_list("pk", flat=True):
                self.db_people[in_db[pk][0]] = (pk, *in_db[pk][1:])
        in_db_codes = {v[0] for v in in_db.values()}
        for code in sorted(in_db_codes & set(self.people_codes), key=self.people_codes.__getitem__):
            # A record outside the importer's scope is not revealed to exist: its code is only "not usable".
            taken = _("Mã hồ sơ %(c)s đã có.") if code in self.db_people else _("Mã hồ sơ %(c)s không dùng được.")
            self.err(PEOPLE, self.people_codes[code], "code", taken % {"c": code})
            self.people.pop(code, None)
        for code, places in self.refs.items():
            if code not in self.people_codes and code not in self.db_people:
                for sheet, row in places:
                    self.err(sheet, row, "code", _("Không tìm thấy mã hồ sơ %(c)s trong sheet “%(s)s” hoặc trong cơ sở "
                                                   "dữ liệu.") % {"c": code, "s": PEOPLE})

    def _check_births(self) -> None:
        births: dict[str, dt.date | None] = {code: p.birth_date for code, (p, _r) in self.people.items()}
        births |= {code: v[1] for code, v in self.db_people.items()}
        for a in self.assignments:
            born = births.get(a.code)
            if born and a.start <= born:
                self.err(ASSIGNMENTS, a.row, "start", _("Ngày bắt đầu (%(s)s) phải sau ngày sinh (%(b)s).") % {
                    "s": _d(a.start), "b": _d(born)})

    def _check_ratings(self) -> None:
        rated = [(self.db_people[c][0], y, row) for row, c, y, _l in self.ratings if c in self.db_people]
        pairs = {(pid, y): row for pid, y, row in rated}
        for chunk in chunks(sorted({pid for pid, _y, _r in rated})):
            for pid, year, code in Rating.objects.filter(person_id__in=chunk).values_list(
                    "person_id", "year", "person__code"):
                if (pid, year) in pairs:
                    self.err(RATINGS, pairs[(pid, year)], "year", _(
                        "Năm %(y)s của mã hồ sơ %(c)s đã có xếp loại.") % {"y": year, "c": code})

    def _check_disciplines(self) -> None:
        """Each discipline row's form must exist in its system on its date, and a form for leaders needs a leading
        post held that day (`rules.discipline_form_refusal`), judged from the service history in the file and in
        the database (`rules.held_leading_post`) and the day the person joined the Party."""
        if not self.disciplines:
            return
        leading = {key: p.is_leader for key, p in self.positions.items()}
        leading |= {key: p.is_leader for key, (p, _r) in self.new_positions.items()}
        stretches: dict[str, list[tuple[dt.date, dt.date | None, bool]]] = {}
        for a in self.assignments:
            stretches.setdefault(a.code, []).append((a.start, a.end, leading[a.position_key]))
        joined = {code: p.party_joined_on for code, (p, _r) in self.people.items()}
        kinds = {code: p.service_kind for code, (p, _r) in self.people.items()}
        codes = {c for _r, c, _d in self.disciplines if c in self.db_people and c not in self.people}
        by_id = {self.db_people[c][0]: c for c in codes}
        for chunk in chunks(sorted(by_id)):
            for pid, day, kind in Person.objects.filter(pk__in=chunk).values_list("pk", "party_joined_on",
                                                                                  "service_kind"):
                joined[by_id[pid]] = day
                kinds[by_id[pid]] = kind
            for pid, start, end, lead in Assignment.objects.filter(person_id__in=chunk).values_list(
                    "person_id", "start", "end", "position__is_leader"):
                stretches.setdefault(by_id[pid], []).append((start, end, lead))
        for row, code, d in self.disciplines:
            if code not in joined:
                continue  # an unknown code, already reported
            refusal = rules.discipline_form_refusal(
                system=d.system, form=d.form, decided_on=d.decided_on, party_joined_on=joined[code],
                service_kind=kinds.get(code, ""),
                is_leader=rules.held_leading_post(stretches=stretches.get(code, ()), on=d.decided_on))
            if refusal:
                self.err(DISCIPLINES, row, "form", refusal)

    # Write

    def write(self) -> None:
        # A post the file creates employs at least the people it puts in it now (its headcount; vacancies are
        # then added on the post's page).
        holding = Counter(a.position_key for a in self.assignments if a.end is None)
        for key, (post, _r) in self.new_positions.items():
            post.headcount = max(1, holding[key])
        new_positions = [p for p, _r in self.new_positions.values()]
        Position.objects.bulk_create(new_positions, batch_size=BATCH)
        if any(p.pk is None for p in new_positions):  # databases that do not return ids
            self.positions = {(p.unit_id, _title_key(p.title)): p for p in Position.objects.all()}
        else:
            self.positions |= {(p.unit_id, _title_key(p.title)): p for p in new_positions}
        people = self._people_placed()
        max_before = Person.objects.aggregate(m=Max("pk"))["m"] or 0
        objects_insert(Person, people)
        ids = {code: pk for code, pk in Person.objects.filter(pk__gt=max_before).values_list("code", "pk")
               if code in self.people}
        ids |= {code: v[0] for code, v in self.db_people.items()}
        positions = {key: p.pk for key, p in self.positions.items()}
        rows_insert(Assignment, ("person", "position", "kind", "start", "end", "decision"), (
            (ids[a.code], positions[a.position_key], a.kind, a.start, a.end, a.decision) for a in self.assignments))
        rows_insert(Rating, ("person", "year", "level"), ((ids[c], y, lv) for _r, c, y, lv in self.ratings))
        for _r, code, d in self.disciplines:
            d.person_id = ids[code]
        objects_insert(Discipline, [d for _r, _c, d in self.disciplines])
        self._refresh_existing()

    def _people_placed(self) -> list[Person]:
        """The new people with their derived fields and current post (the open assignment that started last;
        file order breaks ties, as ids would)."""
        current: dict[str, _NewAssignment] = {}
        for a in self.assignments:
            if a.end is None:
                held = current.get(a.code)
                if held is None or a.start >= held.start:
                    current[a.code] = a
        people = []
        for code, (person, _row) in self.people.items():
            services.person_derive(person)
            now = current.get(code)
            if now is not None:
                post = self.positions[now.position_key]
                person.position_id, person.position_since, person.unit_id = post.pk, now.start, post.unit_id
            people.append(person)
        return people

    def _refresh_existing(self) -> None:
        """People already in the database who got assignments: their current post, as
        `services.person_refresh_current` computes it (open assignment with the latest start, then id)."""
        touched = sorted({self.db_people[a.code][0] for a in self.assignments if a.code in self.db_people})
        changed = []
        for chunk in chunks(touched):
            best: dict[int, tuple[dt.date, int, int, int]] = {}
            for pid, aid, start, post_id, unit_id in Assignment.objects.filter(
                    person_id__in=chunk, end__isnull=True).values_list(
                    "person_id", "id", "start", "position_id", "position__unit_id"):
                if pid not in best or (start, aid) > best[pid][:2]:
                    best[pid] = (start, aid, post_id, unit_id)
            for person in Person.objects.filter(pk__in=chunk):
                now = best.get(person.pk)
                if now is None:
                    person.position_id, person.position_since = None, None
                else:
                    person.position_since, _aid, person.position_id, person.unit_id = now
                changed.append(person)
        if changed:
            Person.objects.bulk_update(changed, ["unit", "position", "position_since"], batch_size=BATCH)


def _read(importer: _Importer, wb: Any) -> None:
    """Every sheet found, row by row, then the cross-sheet checks; errors go to the importer's result."""
    readers = {PEOPLE: importer.read_people, ASSIGNMENTS: importer.read_assignments,
               RATINGS: importer.read_ratings, DISCIPLINES: importer.read_disciplines}
    if ci.sheets_read(wb, importer.result, sheets=SHEETS, aliases=SHEET_ALIASES, labels=COLUMNS, required=REQUIRED,
                      by_header=(ASSIGNMENTS, DISCIPLINES, RATINGS, PEOPLE), readers=readers):
        importer.check()


def people_import(*, actor: User, file: IO[bytes] | str, dry_run: bool = False) -> ci.ImportResult:
    """Validate every row of every sheet, then write all of it in one transaction, or nothing.

    Each error names its sheet, Excel row and column. People already in the database (same code) may
    not be created again ("Mã hồ sơ ... đã có"), but the other sheets may add assignments, ratings and
    discipline to them. A personnel officer imports only into units of their own subtree and only for
    people they can see; phone and e-mail only by those who may see them. `dry_run` validates and counts
    without writing. Writes one change record (action "import") with the counts, not one per row.
    """
    if not services.can_manage_people(actor):
        raise PermissionDenied(_("Bạn không có quyền nhập hồ sơ cán bộ."))
    started = time.perf_counter()
    result = ci.ImportResult(counts=dict.fromkeys(COUNTS, 0), dry_run=dry_run)
    wb = ci.import_open(file, result)
    if wb is None:
        return result
    importer = _Importer(actor, result)
    try:
        _read(importer, wb)
    except ci.TooManyErrors:
        result.truncated = True
    finally:
        wb.close()
    result.sort(SHEETS, COLUMNS)
    result.timings["read"] = time.perf_counter() - started
    result.counts.update(people=len(importer.people), assignments=len(importer.assignments),
                         positions=len(importer.new_positions), ratings=len(importer.ratings),
                         disciplines=len(importer.disciplines))
    if result.errors or dry_run:
        return result
    write_started = time.perf_counter()
    written = ci.import_write(
        result, actor=actor, model=Person, write=importer.write,
        summary=_("Nhập hồ sơ cán bộ từ Excel: %(n)s hồ sơ") % {"n": len(importer.people)},
        conflict=_("Dữ liệu vừa bị thay đổi trong khi nhập (trùng mã hồ sơ, chức danh hoặc xếp loại); chưa ghi gì, "
                   "hãy nhập lại."))
    if written and sum(result.counts.values()) >= ANALYZE_FROM:
        tables_analyze([Person, Position, Assignment, Rating, Discipline])
    result.timings["write"] = time.perf_counter() - write_started
    result.timings["total"] = time.perf_counter() - started
    return result


__all__ = ["ANALYZE_FROM", "COLUMNS", "SHEETS", "ImportResult", "PermissionDenied", "RowError", "Unit",
           "people_import"]
