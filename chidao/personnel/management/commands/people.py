"""`chidao people import FILE [--dry-run]`, `chidao people export -o FILE`, `chidao people template -o FILE`."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chidao.core.commands import command_user
from chidao.personnel import excel

SHOWN_ERRORS = 200




class Command(BaseCommand):
    help = "Nhập, xuất hồ sơ cán bộ bằng Excel; tải tệp mẫu."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="which", required=True)
        p = sub.add_parser("import", help="Nhập tệp .xlsx (tất cả hoặc không dòng nào)")
        p.add_argument("file")
        p.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi")
        p.add_argument("--user", help="Nhập trong phạm vi của tài khoản này (mặc định: quản trị)")
        p = sub.add_parser("export", help="Xuất hồ sơ cán bộ")
        p.add_argument("-o", "--output", required=True)
        p.add_argument("--q", default="", help="Tìm theo tên, mã hồ sơ")
        p.add_argument("--user", help="Xuất trong phạm vi xem của tài khoản này")
        p = sub.add_parser("template", help="Ghi tệp mẫu nhập")
        p.add_argument("-o", "--output", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        which = options["which"]
        if which == "template":
            content = excel.people_import_template()
            Path(options["output"]).write_bytes(content)
            self.stdout.write(self.style.SUCCESS(f"Đã ghi {options['output']} ({len(content):,} byte)."))
        elif which == "export":
            user = command_user(options.get("user"), saved=True)
            qs = excel.people_filter(user=user, q=options["q"])
            content = excel.people_export(user=user, qs=qs)
            Path(options["output"]).write_bytes(content)
            self.stdout.write(self.style.SUCCESS(f"Đã ghi {options['output']} ({len(content):,} byte)."))
        else:
            self._import(options)

    def _import(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không có tệp “{path}”.")
        user = command_user(options.get("user"), saved=False)
        with path.open("rb") as f:
            result = excel.people_import(actor=user, file=f, dry_run=options["dry_run"])
        if not result.ok:
            for e in result.errors[:SHOWN_ERRORS]:
                self.stderr.write(str(e))
            more = len(result.errors) - SHOWN_ERRORS
            if more > 0:
                self.stderr.write(f"... và {more} lỗi khác.")
            raise CommandError(f"{len(result.errors)} lỗi; chưa ghi dòng nào.")
        c = result.counts
        verb = "Tệp hợp lệ (chưa ghi)" if options["dry_run"] else "Đã nhập"
        self.stdout.write(self.style.SUCCESS(
            f"{verb}: {c['people']} hồ sơ, {c['assignments']} quá trình công tác, {c['positions']} chức danh mới, "
            f"{c['ratings']} xếp loại, {c['disciplines']} kỷ luật."))
