"""`chidao procedures import FILE [--dry-run]`, `chidao procedures export -o FILE`,
`chidao procedures template -o FILE`, `chidao procedures figures-import FILE (--period 2021-Q4 | --from dd/mm/yyyy
--to dd/mm/yyyy) [--replace] [--dry-run]`. Nothing is written when any row is wrong."""

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chidao.core.commands import command_user
from chidao.core.dates import parse_date
from chidao.procedures import excel

SHOWN_ERRORS = 200




def _day(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError:
        raise CommandError(f"Ngày “{text}” không đúng dạng dd/mm/yyyy.") from None


class Command(BaseCommand):
    help = "Nhập, xuất danh mục thủ tục hành chính và quyết định công bố bằng Excel; nhập số liệu giải quyết hồ sơ."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="which", required=True)
        p = sub.add_parser("import", help="Nhập thủ tục và quyết định công bố (tất cả hoặc không dòng nào)")
        p.add_argument("file")
        p.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi")
        p.add_argument("--user", help="Tài khoản thực hiện (mặc định: quản trị)")
        p = sub.add_parser("export", help="Xuất danh mục thủ tục và quyết định công bố")
        p.add_argument("-o", "--output", required=True)
        p.add_argument("--user", help="Tài khoản thực hiện (mặc định: quản trị)")
        p = sub.add_parser("template", help="Ghi tệp mẫu nhập")
        p.add_argument("-o", "--output", required=True)
        p = sub.add_parser("figures-import", help="Nhập số liệu giải quyết hồ sơ từ tệp xuất của bộ phận một cửa")
        p.add_argument("file")
        p.add_argument("--period", default="", help="Kỳ theo Nghị định 09/2019, ví dụ 2021-Q4")
        p.add_argument("--from", dest="date_from", help="Từ ngày dd/mm/yyyy")
        p.add_argument("--to", dest="date_to", help="Đến ngày dd/mm/yyyy")
        p.add_argument("--replace", action="store_true", help="Thay thế số liệu đã có của cùng kỳ")
        p.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi")
        p.add_argument("--user", help="Tài khoản thực hiện (mặc định: quản trị)")

    def handle(self, *args: Any, **options: Any) -> None:
        which = options["which"]
        if which == "template":
            self._write(options["output"], excel.registry_template())
        elif which == "export":
            self._write(options["output"], excel.registry_export(user=command_user(options.get("user"))))
        elif which == "import":
            path = self._path(options["file"])
            with path.open("rb") as f:
                result = excel.registry_import(actor=command_user(options.get("user")), file=f,
                                               dry_run=options["dry_run"])
            self._fail_on(result.errors)
            c = result.counts
            verb = "Tệp hợp lệ (chưa ghi)" if options["dry_run"] else "Đã nhập"
            self.stdout.write(self.style.SUCCESS(
                f"{verb}: {c['procedures']} thủ tục, {c['decisions']} quyết định, "
                f"{c['items']} thủ tục trong quyết định."))
        else:
            if options["period"] and (options["date_from"] or options["date_to"]):
                raise CommandError("Dùng --period hoặc --from/--to, không dùng cả hai.")
            path = self._path(options["file"])
            with path.open("rb") as f:
                figures = excel.figures_import(
                    actor=command_user(options.get("user")), file=f, period=options["period"],
                    start=_day(options["date_from"]), end=_day(options["date_to"]), replace=options["replace"],
                    dry_run=options["dry_run"], source=path.name)
            self._fail_on(figures.errors)
            assert figures.start and figures.end
            verb = "Tệp hợp lệ (chưa ghi)" if options["dry_run"] else "Đã nhập"
            self.stdout.write(self.style.SUCCESS(
                f"{verb}: kỳ từ {figures.start:%d/%m/%Y} đến {figures.end:%d/%m/%Y}, {figures.created} số liệu mới, "
                f"{figures.replaced} số liệu thay thế."))

    def _path(self, name: str) -> Path:
        path = Path(name)
        if not path.is_file():
            raise CommandError(f"Không có tệp “{path}”.")
        return path

    def _write(self, output: str, content: bytes) -> None:
        Path(output).write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"Đã ghi {output} ({len(content):,} byte)."))

    def _fail_on(self, errors: list[excel.RowError]) -> None:
        if not errors:
            return
        for e in errors[:SHOWN_ERRORS]:
            self.stderr.write(str(e))
        if len(errors) > SHOWN_ERRORS:
            self.stderr.write(f"... và {len(errors) - SHOWN_ERRORS} lỗi khác.")
        raise CommandError(f"{len(errors)} lỗi; chưa ghi dòng nào.")
