"""`chidao worker [db_worker's options]`: django-tasks-db's worker with a heartbeat (chidao.core.tasks.Heartbeat).

It registers itself (the WorkerHeartbeat row of its --worker-id), fails the jobs of the workers that died
(`tasks_sweep`), beats every CHIDAO_TASKS["heartbeat_seconds"] while it runs the queue, and removes its row when
it stops cleanly; so a killed worker's job is failed within CHIDAO_TASKS["heartbeat_stale_seconds"] by any other
worker (ADR 0004). Started by `make run` and scripts/prod-worker.sh.
"""

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from chidao.core.tasks import Heartbeat, tasks_sweep


class Command(DBWorkerCommand):
    help = "Tiến trình xử lý tác vụ nền (lập báo cáo, lập phương án, nhắc hạn) có nhịp báo còn chạy."

    def add_arguments(self, parser: CommandParser) -> None:  # type: ignore[override]
        super().add_arguments(parser)
        parser.set_defaults(reload=False)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reload"]:  # the reloader's parent would beat for a child it does not see
            raise CommandError("chidao worker không chạy với --reload.")
        heartbeat = Heartbeat(options["worker_id"])
        heartbeat.start()
        try:
            tasks_sweep()
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
