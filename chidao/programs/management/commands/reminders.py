from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from chidao.core.dates import parse_date
from chidao.programs.reminders import reminders_send
from chidao.programs.tasks import reminders_send_task


class Command(BaseCommand):
    help = (
        "Gửi bản nhắc việc hằng ngày (nội dung quá hạn hoặc sắp đến hạn) cho cán bộ đơn vị chủ trì; "
        "chạy nhiều lần trong ngày không gửi trùng."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="ngày nhắc việc, dd/mm/yyyy (mặc định: hôm nay)")
        parser.add_argument("--days", type=int, help="số ngày sắp đến hạn (mặc định: CHIDAO_REMINDER_DAYS_AHEAD)")
        parser.add_argument("--enqueue", action="store_true", help="đưa vào hàng đợi cho `chidao db_worker`")

    def handle(self, *args: object, **options: Any) -> None:
        raw = options["date"]
        try:
            on = parse_date(raw) or timezone.localdate()
        except ValueError as exc:
            raise CommandError(
                f"Ngày “{raw}” không hợp lệ; hãy nhập theo dạng dd/mm/yyyy, ví dụ 05/07/2021."
            ) from exc
        days_ahead: int | None = options["days"]
        if days_ahead is not None and days_ahead < 0:
            raise CommandError("Số ngày (--days) không được âm.")
        day = on.strftime("%d/%m/%Y")
        if options["enqueue"]:
            result = reminders_send_task.enqueue(on_iso=on.isoformat(), days_ahead=days_ahead)
            self.stdout.write(f"Đã đưa việc nhắc việc ngày {day} vào hàng đợi (mã {result.id}).")
            return
        run = reminders_send(on=on, days_ahead=days_ahead)
        line = (
            f"Nhắc việc ngày {day}: đã tạo {run.digests_created} bản nhắc việc, gửi {run.emails_sent} thư; "
            f"{run.skipped_existing} người đã nhận trước đó."
        )
        if run.emails_failed:
            line += f" {run.emails_failed} thư gửi không được (xem nhật ký)."
        self.stdout.write(line)
