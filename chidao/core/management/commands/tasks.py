"""`chidao tasks sweep [--older-than SECONDS]`: record as failed the background jobs whose worker died (its
heartbeat stopped, or no progress for that long).

Run by `make run` before the worker starts, and periodically from cron (ADR 0004); `chidao worker` does the same
when it starts.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chidao.core.tasks import task_setting, tasks_sweep


class Command(BaseCommand):
    help = "Tác vụ nền: ghi nhận lỗi cho các việc đang chạy dở mà tiến trình xử lý đã dừng."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="which", required=True)
        p = sub.add_parser("sweep", help="Ghi lỗi cho việc không còn tiến triển (tiến trình xử lý đã dừng)")
        p.add_argument("--older-than", type=float, default=None, metavar="GIÂY",
                       help="không có tiến triển quá số giây này (mặc định CHIDAO_TASKS['stale_after_seconds'] = "
                            f"{task_setting('stale_after_seconds')}); 0 khi chưa có tiến trình xử lý nào chạy")

    def handle(self, *args: Any, **options: Any) -> None:
        older_than = options["older_than"]
        if older_than is not None and older_than < 0:
            raise CommandError("--older-than phải là số không âm.")
        counts = tasks_sweep(older_than=older_than)
        jobs = sum(n for name, n in counts.items() if name not in ("queue", "workers"))
        if options["verbosity"] < 1:
            return
        self.stdout.write(f"Đã ghi lỗi cho {jobs} việc đang chạy dở và {counts['queue']} tác vụ trong hàng đợi "
                          "có tiến trình xử lý đã dừng.")
        if options["verbosity"] > 1:
            for name, n in counts.items():
                self.stdout.write(f"  {name}: {n}")
