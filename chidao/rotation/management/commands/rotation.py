"""`chidao rotation apply-due [--date dd/mm/yyyy] [--user NAME]`: apply every published round whose effective
date has come (for cron, daily); thin over `plan.plan_apply_due`."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from chidao.core.commands import command_user
from chidao.core.dates import parse_date
from chidao.rotation.plan import plan_apply_due


class Command(BaseCommand):
    help = "Luân chuyển, chuyển đổi vị trí công tác: thực hiện các phương án đã công khai đến ngày có hiệu lực."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="which", required=True)
        p = sub.add_parser("apply-due", help="Ghi quá trình công tác theo các phương án đã đến ngày có hiệu lực")
        p.add_argument("--date", help="ngày thực hiện, dd/mm/yyyy (mặc định: hôm nay)")
        p.add_argument("--user", help="tài khoản thực hiện (mặc định: quản trị)")

    def handle(self, *args: Any, **options: Any) -> None:
        raw = options.get("date")
        try:
            on = parse_date(raw) or timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"Ngày “{raw}” không hợp lệ; hãy nhập theo dạng dd/mm/yyyy.") from exc
        result = plan_apply_due(actor=command_user(options.get("user")), on=on)
        for rnd in result.applied:
            self.stdout.write(f"Đã thực hiện: {rnd.name} (từ ngày {rnd.effective_on:%d/%m/%Y}).")
        for rnd, message in result.failed:
            self.stderr.write(f"Không thực hiện được {rnd.name}: {message}")
        self.stdout.write(f"Ngày {on:%d/%m/%Y}: {len(result.applied)} đợt đã thực hiện, {len(result.failed)} đợt lỗi.")
        if result.failed:
            raise CommandError(f"{len(result.failed)} đợt không thực hiện được.")
