"""The procedure registry from Excel (`registry_import`), on `core.imports`: sheet "Thủ tục" (one row per
procedure) and sheet "Quyết định" (one row per decision item; rows with the same decision number form one decision
and must agree on its dates, issuer and title). Items are checked against the status of each procedure on the
decision's effective date, from the decisions already recorded and those earlier in the file, by
`services.decision_create` (Decree 63/2010 as amended by Decree 92/2017: new / amended / replaced / abolished).
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils import translation
from django.utils.translation import gettext as _

from chidao.core import imports as ci
from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.models import Unit, User

from . import permissions, services
from .models import ItemAction, Level, Procedure, PublicationDecision

_d = ci.day_text
BATCH = 2000



PROCEDURES, DECISIONS = "Thủ tục", "Quyết định"
SHEETS = (PROCEDURES, DECISIONS)
SHEET_ALIASES: dict[str, list[str]] = {
    PROCEDURES: [PROCEDURES, "Thủ tục hành chính", "Danh mục thủ tục", "TTHC", "Danh mục TTHC"],
    DECISIONS: [DECISIONS, "Quyết định công bố", "Quyết định công bố TTHC"],
}
# Field -> labels; the first label is the canonical one (template, export, errors).
COLUMNS: dict[str, dict[str, list[str]]] = {
    PROCEDURES: {
        "code": ["Mã thủ tục", "Mã", "Mã TTHC", "Mã số TTHC", "Mã số thủ tục"],
        "name": ["Tên thủ tục", "Tên", "Tên TTHC", "Tên thủ tục hành chính"],
        "level": ["Cấp thực hiện", "Cấp", "Cấp (tỉnh/xã)", "Cấp giải quyết"],
        "field": ["Lĩnh vực"],
        "unit": ["Mã cơ quan thực hiện", "Mã đơn vị", "Mã cơ quan", "Cơ quan thực hiện"],
        "time_limit_days": ["Thời hạn (ngày)", "Thời hạn giải quyết (ngày)", "Thời hạn giải quyết",
                            "Thời hạn giải quyết (ngày làm việc)", "Thời hạn"],
        "fees": ["Phí, lệ phí", "Phí", "Lệ phí"],
        "legal_basis": ["Căn cứ pháp lý", "Căn cứ pháp lý của TTHC"],
        "steps": ["Trình tự thực hiện"],
        "method": ["Cách thức thực hiện"],
        "dossier": ["Thành phần hồ sơ", "Thành phần, số lượng hồ sơ"],
        "copies": ["Số lượng hồ sơ (bộ)", "Số bộ hồ sơ", "Số lượng hồ sơ"],
        "filers": ["Đối tượng thực hiện"],
        "deciding_agency": ["Cơ quan có thẩm quyền quyết định", "Cơ quan có thẩm quyền"],
        "forms": ["Mẫu đơn, tờ khai", "Mẫu đơn tờ khai"],
        "result": ["Kết quả thực hiện", "Kết quả"],
        "conditions": ["Yêu cầu, điều kiện", "Yêu cầu, điều kiện thực hiện", "Điều kiện"],
    },
    DECISIONS: {
        "number": ["Số quyết định", "Số QĐ", "Quyết định số", "Số hiệu"],
        "title": ["Trích yếu", "Tên quyết định"],
        "signed_on": ["Ngày ký", "Ngày ban hành"],
        "effective_on": ["Ngày hiệu lực", "Ngày có hiệu lực"],
        "issuer": ["Mã cơ quan ban hành", "Cơ quan ban hành", "Mã đơn vị ban hành"],
        "code": ["Mã thủ tục", "Mã TTHC"],
        "action": ["Nội dung", "Nội dung công bố", "Hình thức công bố"],
        "replaces": ["Thay thế thủ tục (mã)", "Thay thế thủ tục", "Mã thủ tục bị thay thế", "Thủ tục bị thay thế"],
    },
}
REQUIRED: dict[str, list[str]] = {
    PROCEDURES: ["code", "name", "level", "field", "unit"],
    DECISIONS: ["number", "signed_on", "effective_on", "issuer", "code", "action"],
}
PROCEDURE_EXPORT_FIELDS = ["code", "name", "level", "field", "unit", "time_limit_days", "fees", "legal_basis",
                           "steps", "method", "dossier", "copies", "filers", "deciding_agency", "forms", "result",
                           "conditions"]
PROCEDURE_WIDTHS = [6, 14, 50, 10, 24, 14, 30, 12, 30, 40, 40, 30, 40, 10, 30, 30, 30, 30, 30, 18]
DECISION_WIDTHS = [6, 18, 40, 12, 12, 14, 14, 50, 18, 16]
_LEVEL_EXTRA = {"tỉnh": Level.PROVINCE, "xã": Level.COMMUNE, "phường": Level.COMMUNE,
                "cấp xã, phường": Level.COMMUNE, "xã, phường, đặc khu": Level.COMMUNE,
                "cấp tỉnh, thành phố": Level.PROVINCE, "thành phố": Level.PROVINCE}
_ACTION_EXTRA = {"mới": ItemAction.NEW, "công bố mới": ItemAction.NEW, "ban hành mới": ItemAction.NEW,
                 "sửa đổi": ItemAction.AMENDED, "bổ sung": ItemAction.AMENDED, "sửa đổi bổ sung": ItemAction.AMENDED,
                 "sửa đổi, bổ sung": ItemAction.AMENDED, "được thay thế": ItemAction.REPLACED,
                 "bị bãi bỏ": ItemAction.ABOLISHED}




def _specs(units: Any) -> dict[str, list[ci.Column]]:
    p, d = COLUMNS[PROCEDURES], COLUMNS[DECISIONS]
    unknown = {"unknown": "Không tìm thấy đơn vị mã “%(v)s”."}
    with translation.override("vi"):
        actions = "; ".join(str(c.label) for c in ItemAction)
    procedures = [
        ci.column(Procedure, "code", p["code"]),
        ci.column(Procedure, "name", p["name"], squash=True),
        ci.column(Procedure, "level", p["level"], choices=ci.choice_lookup(Level, _LEVEL_EXTRA),
                  messages={"choice": "Cấp thực hiện “%(v)s” không hợp lệ; ghi tỉnh hoặc xã."}),
        ci.column(Procedure, "field", p["field"], squash=True),
        ci.column(Procedure, "unit", p["unit"], resolve=units, messages=unknown),
        ci.column(Procedure, "time_limit_days", p["time_limit_days"]),
    ] + [ci.column(Procedure, f, p[f]) for f in ("fees", "legal_basis", "steps", "method", "dossier")] + [
        ci.column(Procedure, "copies", p["copies"]),
        ci.column(Procedure, "filers", p["filers"]),
        ci.column(Procedure, "deciding_agency", p["deciding_agency"],
                  messages={"max_length": "Cơ quan có thẩm quyền dài quá %(n)s ký tự."}),
    ] + [ci.column(Procedure, f, p[f]) for f in ("forms", "result", "conditions")]
    decisions = [
        ci.column(PublicationDecision, "number", d["number"]),
        ci.column(PublicationDecision, "title", d["title"]),
        ci.column(PublicationDecision, "signed_on", d["signed_on"], serials=False),
        ci.column(PublicationDecision, "effective_on", d["effective_on"], serials=False),
        ci.column(PublicationDecision, "issuer", d["issuer"], resolve=units, messages=unknown),
        ci.column(Procedure, "code", d["code"], max_length=None),
        ci.Column("action", d["action"], kind=ci.CHOICE, required=True, choice_names=actions,
                  choices=ci.choice_lookup(ItemAction, _ACTION_EXTRA)),
        ci.Column("replaces", d["replaces"]),
    ]
    assert [c.name for c in procedures] == list(p) and [c.name for c in decisions] == list(d)
    return {PROCEDURES: procedures, DECISIONS: decisions}


@dataclass
class _DecisionRows:
    number: str
    first_row: int
    title: str
    signed_on: dt.date
    effective_on: dt.date
    issuer: Unit
    items: list[tuple[int, str, str, str | None]] = field(default_factory=list)  # (row, code, action, replaces)


class _RegistryImporter:
    """One registry import: rows read and checked in memory, then written; decisions go through
    `services.decision_create`, so their items follow the registry's one set of rules."""

    def __init__(self, actor: User, result: ci.ImportResult) -> None:
        self.actor, self.result = actor, result
        self.err = ci.Errors(result, COLUMNS)
        self.specs = _specs(ci.unit_lookup())
        self.db_codes: dict[str, int] = dict(Procedure.objects.values_list("code", "id"))
        self.sheet_codes: dict[str, int] = {}  # every code on the procedures sheet, even on a wrong row
        self.procedures: list[Procedure] = []
        self.decisions: dict[str, _DecisionRows] = {}

    def _known(self, code: str) -> bool:
        return code in self.sheet_codes or code in self.db_codes

    def read_procedures(self, rows: Iterable[tuple[int, list[Any], tuple[Any, ...]]]) -> None:
        """The checks of `services.procedure_create`, in memory (codes, units and levels loaded once)."""
        s = PROCEDURES
        for r, values, _raw in rows:
            n = len(self.err)
            v = ci.cells_read(self.specs[s], values, self.err, s, r)
            code = v["code"]
            if code and code in self.sheet_codes:
                self.err(s, r, "code", _("Mã thủ tục %(c)s trùng với dòng %(row)s.") % {
                    "c": code, "row": self.sheet_codes[code]})
            elif code:
                if code in self.db_codes:
                    self.err(s, r, "code", _("Đã có thủ tục mã %(code)s.") % {"code": code})
                self.sheet_codes[code] = r
            if len(self.err) > n:
                continue
            self.procedures.append(Procedure(**v, search_text=services.search_text(code, v["name"])))

    def read_decisions(self, rows: Iterable[tuple[int, list[Any], tuple[Any, ...]]]) -> None:
        """Parse the rows and group them by decision number; the items' rules are `decision_create`'s."""
        s = DECISIONS
        for r, values, _raw in rows:
            n = len(self.err)
            v = ci.cells_read(self.specs[s], values, self.err, s, r)
            for name in ("code", "replaces"):
                if v[name] and not self._known(v[name]):
                    self.err(s, r, name, _("Không có thủ tục mã “%(c)s” trong danh mục hoặc sheet Thủ tục.") % {
                        "c": v[name]})
            if len(self.err) == n:
                self._group(r, v)

    def _group(self, r: int, v: dict[str, Any]) -> None:
        """Add a valid decision row to its decision (by number); rows of one decision must agree."""
        number, title = v["number"], v["title"]
        group = self.decisions.get(number)
        if group is None:
            group = self.decisions[number] = _DecisionRows(number, r, title, v["signed_on"], v["effective_on"],
                                                           v["issuer"])
        elif not self._agrees(group, r, v):
            return
        group.title = group.title or title
        group.items.append((r, v["code"], v["action"], v["replaces"] or None))

    def _agrees(self, group: _DecisionRows, r: int, v: dict[str, Any]) -> bool:
        err, s, number = self.err, DECISIONS, group.number
        n = len(err)
        for name, was in (("signed_on", group.signed_on), ("effective_on", group.effective_on)):
            if was != v[name]:
                err(s, r, name, _("Quyết định %(n)s đã ghi ở dòng %(row)s với %(col)s %(d)s.") % {
                    "n": number, "row": group.first_row, "col": COLUMNS[s][name][0].lower(), "d": _d(was)})
        if group.issuer.pk != v["issuer"].pk:
            err(s, r, "issuer", _("Quyết định %(n)s đã ghi ở dòng %(row)s với cơ quan ban hành %(u)s.") % {
                "n": number, "row": group.first_row, "u": group.issuer.code})
        if v["title"] and group.title and v["title"] != group.title:
            err(s, r, "title", _("Quyết định %(n)s đã ghi ở dòng %(row)s với trích yếu khác.") % {
                "n": number, "row": group.first_row})
        return len(err) == n

    def _decision_errors(self, group: _DecisionRows, exc: ValidationError) -> None:
        """`decision_create`'s errors, put back on the rows and columns they came from."""
        s = DECISIONS
        for key, errors in exc.error_dict.items():
            for e in errors:
                params = e.params or {}
                if key == "items" and "n" in params:
                    r, code, action, replaces = group.items[params["n"] - 1]
                    problem = str(params.get("problem", ""))
                    on_replaces = (action == ItemAction.REPLACED and (not replaces or replaces in problem)) or (
                        action != ItemAction.REPLACED and bool(replaces))
                    self.err(s, r, "replaces" if on_replaces else "code", _(
                        "Quyết định %(n)s, thủ tục %(c)s: %(p)s") % {"n": group.number, "c": code, "p": problem})
                else:
                    column = key if key in COLUMNS[s] else "number"
                    message = e.message % params if params else e.message
                    self.err(s, group.first_row, column, _("Quyết định %(n)s: %(m)s") % {
                        "n": group.number, "m": message})

    def write(self) -> dict[str, Any]:
        """Create the procedures (bulk), then each decision in order of effective date through
        `services.decision_create`; errors found here are put back on their rows (and roll everything back)."""
        Procedure.objects.bulk_create(self.procedures, batch_size=BATCH)
        wanted = sorted({c for g in self.decisions.values() for _r, code, _a, rep in g.items
                         for c in (code, rep) if c})
        procedures: dict[str, Procedure] = {}
        for i in range(0, len(wanted), 500):
            procedures |= {p.code: p for p in Procedure.objects.filter(code__in=wanted[i:i + 500])}
        groups = sorted(self.decisions.values(), key=lambda g: (g.effective_on, g.signed_on, g.first_row))
        for group in groups:
            try:
                services.decision_create(
                    actor=self.actor, number=group.number, title=group.title, signed_on=group.signed_on,
                    effective_on=group.effective_on, issuer=group.issuer,
                    items=[(procedures[code], action, procedures[rep] if rep else None)
                           for _r, code, action, rep in group.items])
            except ValidationError as exc:
                self._decision_errors(group, exc)
        self.result.counts.update(procedures=len(self.procedures), decisions=len(groups),
                                  items=sum(len(g.items) for g in groups))
        return dict(self.result.counts)


def _read(importer: _RegistryImporter, wb: Any) -> bool:
    """Both sheets, row by row; False when the workbook holds neither."""
    return ci.sheets_read(wb, importer.result, sheets=SHEETS, aliases=SHEET_ALIASES, labels=COLUMNS,
                          required=REQUIRED, by_header=(DECISIONS, PROCEDURES), blank_by_fields=False,
                          readers={PROCEDURES: importer.read_procedures, DECISIONS: importer.read_decisions})


def registry_import(*, actor: User, file: IO[bytes] | str, dry_run: bool = False) -> ci.ImportResult:
    """Validate every row of both sheets, then create all procedures, decisions and items in one transaction,
    or nothing.

    Procedures are new (a code already in the registry is an error: content changes go through the
    registry's pages). Decision rows with the same number form one decision and must agree on its dates,
    issuer and title. Each decision is recorded by `services.decision_create`, in order of effective date
    (so a decision may rely on an earlier one in the file): the same checks as a decision entered on the
    page (new only for a procedure never published; amended and abolished only for one in force; replaced
    names an old procedure in force; an existing number; effective before signed), reported on the rows
    they concern. Any error rolls back everything, and a dry run always does. Each error names its sheet,
    Excel row and column. Writes one change record (action "import") with the counts, besides the
    decisions' own.
    """
    if not permissions.can_edit_procedures(actor):
        raise PermissionDenied(_("Bạn không có quyền nhập danh mục thủ tục hành chính."))
    zero = {"procedures": 0, "decisions": 0, "items": 0}
    result = ci.ImportResult(counts=dict(zero), dry_run=dry_run)
    wb = ci.import_open(file, result)
    if wb is None:
        return result
    importer = _RegistryImporter(actor, result)
    try:
        if _read(importer, wb) and not result.errors:
            ci.import_write(result, actor=actor, model=Procedure, write=importer.write, summary=_(
                "Nhập danh mục thủ tục từ Excel: %(p)s thủ tục, %(d)s quyết định") % {
                "p": len(importer.procedures), "d": len(importer.decisions)},
                conflict=_("Dữ liệu vừa bị thay đổi trong khi nhập (trùng mã thủ tục hoặc số quyết định); chưa ghi "
                           "gì, hãy nhập lại."))
    except ci.TooManyErrors:
        result.truncated = True
    finally:
        wb.close()
    result.sort(SHEETS, COLUMNS)
    if result.errors:
        result.counts = dict(zero)
    return result
