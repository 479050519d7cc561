"""Accounts from Excel (`users_import`), on `core.imports`: sheet "Người dùng", one row per new account (login
name, full name, e-mail, phone, role by its label or code, unit by its code or name). Every row is checked as
`accounts.user_create` checks one account (and against the rows above it); any error writes nothing. One change
record for the whole import. After the import is committed, each account with an e-mail address gets its
"set your password" link; the others get a temporary password, shown once on the result."""

from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from . import imports as ci
from .accounts import Onboarding, emails_taken, onboard, temporary_password_make, user_validate, usernames_taken
from .errors import PermissionDenied
from .excel import safe_cell, write_table
from .models import Role, Unit, User
from .permissions import can_manage_users
from .text import fold, nfc

SHEET = "Người dùng"
SHEETS = (SHEET,)
SHEET_ALIASES = {SHEET: [SHEET, "Tài khoản", "Danh sách tài khoản", "Người sử dụng"]}
COLUMNS: dict[str, dict[str, list[str]]] = {SHEET: {
    "username": ["Tên đăng nhập", "Tài khoản", "Tên tài khoản"],
    "full_name": ["Họ và tên", "Họ tên"],
    "email": ["Thư điện tử", "Email", "E-mail", "Địa chỉ thư điện tử"],
    "phone": ["Điện thoại", "Số điện thoại"],
    "role": ["Vai trò", "Mã vai trò"],
    "unit": ["Đơn vị", "Mã đơn vị", "Tên đơn vị"],
}}
REQUIRED = {SHEET: ["username", "role"]}
TITLE = ["DANH SÁCH TÀI KHOẢN NGƯỜI DÙNG",
         "Vai trò ghi tên hoặc mã (xem sheet Vai trò); đơn vị ghi mã hoặc tên (xem sheet Danh mục đơn vị)."]
WIDTHS = [20, 28, 30, 16, 28, 30]


@dataclass
class UserImportResult(ci.ImportResult):
    """The import's result with how each new account gets its password (empty for a dry run or on errors)."""

    onboarding: list[Onboarding] = field(default_factory=list)


def _specs() -> list[ci.Column]:
    c = COLUMNS[SHEET]
    return [
        ci.column(User, "username", c["username"], max_length=150),
        ci.column(User, "full_name", c["full_name"], squash=True),
        ci.column(User, "email", c["email"], max_length=254),
        ci.column(User, "phone", c["phone"]),
        ci.column(User, "role", c["role"], required=True),
        ci.column(User, "unit", c["unit"], resolve=ci.unit_lookup(),
                  messages={"unknown": _("Không tìm thấy đơn vị “%(v)s”.")}),
    ]


class _Importer:
    def __init__(self, actor: User, result: UserImportResult) -> None:
        self.actor, self.result = actor, result
        self.err = ci.Errors(result, COLUMNS)
        self.specs = _specs()
        self.usernames, self.emails = usernames_taken(), emails_taken()
        self.rows_by_name: dict[str, int] = {}
        self.rows_by_email: dict[str, int] = {}
        self.accounts: list[dict[str, Any]] = []

    def read(self, rows: Any) -> None:
        for r, values, _raw in rows:
            n = len(self.err)
            v = ci.cells_read(self.specs, values, self.err, SHEET, r)
            if len(self.err) > n:
                continue
            v = {**v, "username": nfc(v["username"] or ""), "email": v["email"] or "", "phone": v["phone"] or "",
                 "full_name": v["full_name"] or ""}
            self._duplicates(r, v)
            if len(self.err) > n:
                continue
            errors = user_validate(usernames=self.usernames, emails=self.emails, **v)
            for name, message in errors.items():
                self.err(SHEET, r, name, message)
            if len(self.err) == n:
                self.rows_by_name[fold(v["username"])] = r
                if v["email"]:
                    self.rows_by_email[fold(v["email"])] = r
                self.accounts.append(v)

    def _duplicates(self, r: int, v: dict[str, Any]) -> None:
        row = self.rows_by_name.get(fold(v["username"]))
        if row:
            self.err(SHEET, r, "username", _("Tên đăng nhập “%(v)s” trùng với dòng %(row)s.") % {
                "v": v["username"], "row": row})
        row = self.rows_by_email.get(fold(v["email"])) if v["email"] else None
        if row:
            self.err(SHEET, r, "email", _("Địa chỉ thư điện tử “%(v)s” trùng với dòng %(row)s.") % {
                "v": v["email"], "row": row})

    def write(self) -> dict[str, Any]:
        """Create every account: those with an e-mail address without a usable password (their link is sent
        after the commit), the others with a temporary password to change at the first sign-in."""
        for values in self.accounts:
            user = User(**values)
            if user.email:
                user.set_unusable_password()
                onboarding = Onboarding(user=user)
            else:
                password = temporary_password_make()
                user.set_password(password)
                user.must_change_password = True
                onboarding = Onboarding(user=user, temporary_password=password)
            user.save()
            self.result.onboarding.append(onboarding)
        created = len(self.accounts)
        self.result.counts.update(created=created)
        return {"created": created, "usernames": [a["username"] for a in self.accounts]}


def users_import(*, actor: User, file: IO[bytes] | str, dry_run: bool = False,
                 send: bool = True) -> UserImportResult:
    """Check every row, then create all the accounts in one transaction, or none (a dry run never writes). Each
    error names its row and column. After the commit, accounts with an e-mail address are sent their link
    (`send`); a mail that fails gives that account a temporary password instead (in `onboarding`)."""
    if not can_manage_users(actor):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được nhập tài khoản người dùng."))
    result = UserImportResult(counts={"created": 0}, dry_run=dry_run)
    wb = ci.import_open(file, result)
    if wb is None:
        return result
    importer = _Importer(actor, result)
    written = False
    try:
        if ci.sheets_read(wb, result, sheets=SHEETS, aliases=SHEET_ALIASES, labels=COLUMNS, required=REQUIRED,
                          by_header=SHEETS, readers={SHEET: importer.read}) and not result.errors:
            written = ci.import_write(
                result, actor=actor, model=User, write=importer.write,
                summary=_("Nhập tài khoản người dùng từ Excel: %(n)s tài khoản") % {"n": len(importer.accounts)},
                conflict=_("Tên đăng nhập hoặc thư điện tử vừa được dùng cho tài khoản khác trong khi nhập; chưa "
                           "ghi gì, hãy nhập lại."))
    except ci.TooManyErrors:
        result.truncated = True
    finally:
        wb.close()
    result.sort(SHEETS, COLUMNS)
    if not written:
        result.onboarding = []
        if result.errors:
            result.counts = {"created": 0}
        return result
    result.onboarding = [onboard(o.user) if o.user.email and send else o for o in result.onboarding]
    return result


def users_import_template() -> bytes:
    """The sheet to fill (title, header, an example row), the roles and the units in force."""
    example_unit = Unit.objects.current().order_by("name").values_list("code", flat=True).first() or "SNV"
    wb = Workbook()
    wb.remove(wb.active)
    ws = wb.create_sheet(SHEET)
    labels = ci.choice_labels(Role)
    write_table(ws, title_lines=[*TITLE, ""], headers=[names[0] for names in COLUMNS[SHEET].values()], rows=[
        ["nguyenvana", "Nguyễn Văn A", "nguyenvana@example.vn", "0912345678", labels[Role.LEAD_OFFICER],
         example_unit]], widths=WIDTHS)
    roles = wb.create_sheet("Vai trò")
    roles.append(["Mã vai trò", "Vai trò"])
    for value, label in labels.items():
        roles.append([value, label])
    units = wb.create_sheet("Danh mục đơn vị")
    units.append(["Mã đơn vị", "Tên đơn vị"])
    for code, name in Unit.objects.current().order_by("name").values_list("code", "name"):
        units.append([safe_cell(code), safe_cell(name)])
    return ci.workbook_bytes(wb)
