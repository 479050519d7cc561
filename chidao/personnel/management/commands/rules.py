"""`chidao rules [--on dd/mm/yyyy]` prints the rulebook in force with its sources;
`chidao rules rederive [--dry-run]` recomputes the stored fields derived from it and prints what changed."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chidao.core.commands import command_user
from chidao.core.dates import format_date, parse_date
from chidao.core.text import vn_number
from chidao.personnel.models import Discipline, Person
from chidao.personnel.rederive import rules_rederive
from chidao.personnel.rulebook import rulebook_on
from chidao.personnel.rulebook_text import house_choices, override_warnings, rulebook_lines


class Command(BaseCommand):
    help = "In bộ quy định áp dụng vào một ngày; tính lại các trường suy ra từ quy định."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", nargs="?", choices=["show", "rederive"], default="show",
                            help="show (mặc định): in bộ quy định; rederive: tính lại ngày nghỉ hưu, thời hạn kỷ luật")
        parser.add_argument("--on", help="Ngày áp dụng (dd/mm/yyyy; mặc định hôm nay)")
        parser.add_argument("--dry-run", action="store_true", help="rederive: chỉ in, không ghi")
        parser.add_argument("--user", help="rederive: ghi nhật ký dưới tên tài khoản này (mặc định: quản trị)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "rederive":
            self._rederive(options)
            return
        try:
            on = parse_date(options["on"]) or dt.date.today()
        except ValueError as e:
            raise CommandError(f"Ngày “{options['on']}” không hợp lệ (dd/mm/yyyy). {e}") from e
        for warning in override_warnings():
            self.stderr.write(warning)
        self.stdout.write(f"BỘ QUY ĐỊNH ÁP DỤNG NGÀY {format_date(on)}")
        for line in rulebook_lines(rulebook_on(on)):
            mark = " [điều chỉnh tại địa phương]" if line.overridden else ""
            self.stdout.write(f"\n- {line.label}: {line.value}{mark}")
            self.stdout.write(f"  Căn cứ: {line.source}; {line.period}.")
        self.stdout.write("\nLỰA CHỌN CỦA HỆ THỐNG (không phải quy định pháp luật)")
        for label, value in house_choices():
            self.stdout.write(f"- {label}: {value}")

    def _rederive(self, options: dict[str, Any]) -> None:
        actor = None if options["dry_run"] else command_user(options.get("user"), saved=True)
        changed = rules_rederive(actor=actor, dry_run=options["dry_run"])
        for row in changed:
            model = Person if row.model == "person" else Discipline
            parts = "; ".join(f"{getattr(model._meta.get_field(name), 'verbose_name', name)}: "
                              f"{format_date(a) or '∅'} → {format_date(b) or '∅'}" for name, a, b in row.changes)
            self.stdout.write(f"{row.label}: {parts}")
        people = sum(1 for r in changed if r.model == "person")
        disciplines = len(changed) - people
        verb = "Sẽ thay đổi" if options["dry_run"] else "Đã tính lại"
        self.stdout.write(self.style.SUCCESS(
            f"{verb} {vn_number(people)} hồ sơ (ngày nghỉ hưu) và {vn_number(disciplines)} quyết định kỷ luật."))
