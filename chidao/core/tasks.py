"""Background tasks: bounded retries of transient failures, every failure recorded, dead jobs swept.

django-tasks 0.12 and django-tasks-db 0.13 run a task once: an exception marks the queue row FAILED and
nothing tries again, and a worker killed mid-task leaves its row RUNNING for ever. So every task of the apps
(`reports.tasks`, `rotation.tasks`, `programs.tasks`) runs its body through `task_run`, and `tasks_sweep`
(run by `chidao tasks sweep` and by every `chidao worker`) finds the jobs whose worker died. The numbers are
in settings.CHIDAO_TASKS.

- A transient failure (`TRANSIENT_ERRORS`: the database unavailable, locked or its connection lost; a file
  or network error) is tried again in the same worker, up to `max_attempts` runs in all, after
  `retry_delay_seconds`, then `retry_backoff` times longer each time (at most `retry_max_delay_seconds`).
  Each attempt is a fresh call of the body, whose writes are atomic, so a failed attempt leaves nothing
  half-written.
- Any other error, and the last attempt's, is recorded by the task's `failed` callback (on the job the
  user sees, in Vietnamese, and in the change log), then raised again so the queue row says FAILED too.
- A job held by a worker whose heartbeat (`Heartbeat`, run by `chidao worker`) is older than
  `heartbeat_stale_seconds` is dead; so, as a fallback, is a job with no sign of progress for
  `stale_after_seconds` that no live worker holds. The sweepers registered with `@sweeper` in the apps' tasks
  modules record those jobs as failed, and their queue rows are marked FAILED (`tasks_sweep`).
"""

import datetime as dt
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError, connection, connections, models
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from . import logs, metrics
from .models import ChangeRecord, User

logger = logging.getLogger(__name__)
T = TypeVar("T")

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError, OSError)
# Patched by the tests, which never wait.
sleep = time.sleep

Failed = Callable[[BaseException, int], None]
Sweeper = Callable[..., int]
SWEEPERS: dict[str, Sweeper] = {}


def task_setting(name: str) -> Any:
    return settings.CHIDAO_TASKS[name]


def retry_delay(attempt: int) -> float:
    """Seconds to wait after failed attempt number `attempt` (1-based) before the next one."""
    delay = task_setting("retry_delay_seconds") * task_setting("retry_backoff") ** (attempt - 1)
    return float(min(delay, task_setting("retry_max_delay_seconds")))


def is_transient(exc: BaseException) -> bool:
    return isinstance(exc, TRANSIENT_ERRORS)


def _reset_connection() -> None:
    """After a database error outside a transaction, drop a broken connection so the next attempt opens a new
    one (inside a transaction, e.g. the immediate backend in a request, the connection must stay)."""
    if not connection.in_atomic_block:
        connection.close_if_unusable_or_obsolete()


def task_kind(label: str, failed: Failed) -> str:
    """A bounded name for a job's metrics: the task function that defined its `failed` callback (the labels hold
    ids), else the label's words before the first one with a digit."""
    qualname = getattr(failed, "__qualname__", "")
    if ".<locals>." in qualname and not qualname.endswith("<lambda>"):
        return qualname.split(".<locals>.")[-2]
    words = []
    for word in label.split():
        if any(ch.isdigit() for ch in word):
            break
        words.append(word)
    return " ".join(words)[:60] or "task"


def task_run(*, label: str, body: Callable[[int], T], failed: Failed) -> T:
    """Run `body(attempt)` until it returns, trying transient failures again; record the final failure with
    `failed(exc, attempts)` and raise it again. Its log records carry a job id (`core.logs.job_id`); its duration
    and failure go to the metrics (`core.metrics`)."""
    kind = task_kind(label, failed)
    token = logs.job_id.set(logs.new_id())
    start = time.perf_counter()
    ok = False
    try:
        result = _task_attempts(label=label, body=body, failed=failed)
        ok = True
        return result
    finally:
        seconds = time.perf_counter() - start
        logs.job_id.reset(token)
        try:
            metrics.task_observe(task=kind, seconds=seconds, failed=not ok)
        except Exception:
            logger.exception("%s: metrics not recorded", label)


def _task_attempts(*, label: str, body: Callable[[int], T], failed: Failed) -> T:
    attempts = max(1, int(task_setting("max_attempts")))
    attempt = 1
    while True:
        try:
            return body(attempt)
        except Exception as exc:
            if is_transient(exc) and attempt < attempts:
                delay = retry_delay(attempt)
                logger.warning("%s: attempt %s/%s failed (%s: %s); trying again in %.0f s", label, attempt,
                               attempts, type(exc).__name__, exc, delay)
                _reset_connection()
                sleep(delay)
                attempt += 1
                continue
            logger.exception("%s failed after %s attempt(s)", label, attempt)
            if is_transient(exc):
                _reset_connection()
            failed(exc, attempt)
            raise


def local_time(when: dt.datetime | None) -> str:
    """hh:mm dd/mm/yyyy in the site's time zone (how the failure messages date the last progress)."""
    return timezone.localtime(when).strftime("%H:%M %d/%m/%Y") if when else ""


def error_text(exc: BaseException) -> str:
    """An exception in words: a ValidationError's messages, else its text (its class name when empty)."""
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    return str(exc) or type(exc).__name__


def task_failure_record(*, actor: User | None, action: str, reason: str, obj: models.Model | None = None,
                        model: type[models.Model] | None = None, label: str = "",
                        before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> ChangeRecord:
    """The change-log row of a failed background job: on its object, or on a model when the job has none
    (e.g. the daily reminders)."""
    target = obj if obj is not None else model
    assert target is not None
    return ChangeRecord.objects.create(
        actor=actor if actor is not None and actor.pk else None, action=action,
        content_type=ContentType.objects.get_for_model(target), object_id=str(obj.pk) if obj is not None else "",
        object_repr=(label or str(obj or ""))[:300], before=before, after=after, reason=reason,
    )


# --- dead jobs ------------------------------------------------------------------------------------------


def sweeper(func: Sweeper) -> Sweeper:
    """Register an app's sweep of its dead jobs, called as func(cutoff=..., dead=..., alive=...) (see `job_lost`);
    returns how many it recorded as failed."""
    SWEEPERS[f"{func.__module__}.{func.__name__}"] = func
    return func


def task_waiting(task_id: str) -> bool:
    """Whether a queued task is still waiting for a worker (the database backend's row is READY)."""
    if not task_id:
        return False
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    try:
        return DBTaskResult.objects.filter(id=task_id, status=TaskResultStatus.READY).exists()
    except (ValidationError, ValueError):  # not an id of the database backend (e.g. the immediate one)
        return False


def job_lost(task_id: str, seen: dt.datetime, *, cutoff: dt.datetime | None, dead: frozenset[str],
             alive: frozenset[str]) -> bool:
    """Whether a job (its queue task id, its last progress) is dead: its task is held by a worker whose heartbeat
    stopped (`dead`); else, unless a live worker holds it (`alive`), no progress since `cutoff` (None: the
    heartbeat rule only) and its task no longer waits in the queue."""
    if task_id in alive:
        return False
    if task_id in dead:
        return True
    return cutoff is not None and seen < cutoff and not task_waiting(task_id)


class WorkerLost(Exception):
    """The worker running a task stopped (killed, machine restarted) before the task finished."""


def _running_rows() -> dict[str, tuple[str, dt.datetime | None]]:
    """The queue's RUNNING rows: task id -> (the id of the worker that claimed it last, started_at)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values_list("id", "worker_ids", "started_at")
    return {str(pk): ((workers or [""])[-1], started) for pk, workers, started in rows}


def _queue_rows_fail(ids: set[str], reason: str) -> int:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    if not ids:
        return 0
    return DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, id__in=ids).update(
        status=TaskResultStatus.FAILED, finished_at=timezone.now(),
        exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
        traceback=f"{WorkerLost.__qualname__}: {reason}\n")


def queue_rows_sweep(*, cutoff: dt.datetime, alive: frozenset[str] = frozenset()) -> int:
    """Mark the queue's rows left RUNNING since before `cutoff` as FAILED (their worker died), but those of live
    workers (`alive`)."""
    stale = {pk for pk, (_w, started) in _running_rows().items() if started and started < cutoff} - alive
    return _queue_rows_fail(stale, f"no result before {cutoff.isoformat()} (chidao tasks sweep)")


def tasks_sweep(*, older_than: float | None = None, heartbeats_only: bool = False) -> dict[str, int]:
    """Record as failed every job whose worker died: the jobs held by a worker whose heartbeat is older than
    CHIDAO_TASKS["heartbeat_stale_seconds"], or by a worker id with no heartbeat row (a `chidao worker` removes
    its row only once it holds no job); and, unless `heartbeats_only`, every job with no progress for
    `older_than` seconds (CHIDAO_TASKS["stale_after_seconds"] when None) not held by a live worker. Each app's
    sweeper, then the queue's rows; then the dead workers' rows are removed. Returns the counts by sweeper,
    "queue" and "workers". With `heartbeats_only` (a running worker's periodic look) nothing is read unless some
    heartbeat is stale."""
    from .models import WorkerHeartbeat

    now = timezone.now()
    beat_cutoff = now - dt.timedelta(seconds=task_setting("heartbeat_stale_seconds"))
    if heartbeats_only and not WorkerHeartbeat.objects.filter(last_seen__lt=beat_cutoff).exists():
        return {}
    running = _running_rows()  # before the heartbeats: a worker registers before it claims a row
    beats = dict(WorkerHeartbeat.objects.values_list("worker_id", "last_seen"))
    dead_workers = {w for w, seen in beats.items() if seen < beat_cutoff}
    dead = frozenset(pk for pk, (w, _s) in running.items() if w not in beats or w in dead_workers)
    alive = frozenset(running) - dead
    cutoff = None
    if not heartbeats_only:
        seconds = task_setting("stale_after_seconds") if older_than is None else older_than
        cutoff = now - dt.timedelta(seconds=seconds)
    autodiscover_modules("tasks")
    counts = {name: func(cutoff=cutoff, dead=dead, alive=alive) for name, func in sorted(SWEEPERS.items())}
    counts["queue"] = _queue_rows_fail(set(dead), f"its worker stopped beating before {beat_cutoff.isoformat()}")
    if cutoff is not None:
        counts["queue"] += queue_rows_sweep(cutoff=cutoff, alive=alive)
    gone = WorkerHeartbeat.objects.filter(worker_id__in=dead_workers, last_seen__lt=beat_cutoff)
    counts["workers"] = gone.delete()[0]
    return counts


# --- workers' heartbeats -----------------------------------------------------------------------------------


class Heartbeat:
    """A `chidao worker`'s heartbeat: its row, beaten every CHIDAO_TASKS["heartbeat_seconds"] from a daemon
    thread (with the thread's own database connection), which also fails the jobs of workers found dead; the
    row is removed by `stop` when the worker stops cleanly."""

    def __init__(self, worker_id: str) -> None:
        self.worker_id = worker_id
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"heartbeat {worker_id}", daemon=True)

    def beat(self) -> None:
        from .models import WorkerHeartbeat

        if not WorkerHeartbeat.objects.filter(worker_id=self.worker_id).update(last_seen=timezone.now()):
            WorkerHeartbeat.objects.create(worker_id=self.worker_id, host=socket.gethostname()[:255],
                                           pid=os.getpid())

    def start(self) -> None:
        self.beat()
        self.thread.start()

    def _run(self) -> None:
        while not self.stopped.wait(float(task_setting("heartbeat_seconds"))):
            try:
                self.beat()
                counts = tasks_sweep(heartbeats_only=True)
                if any(counts.values()):
                    logger.warning("dead workers' jobs failed: %s", counts)
            except Exception:
                logger.exception("worker %s: heartbeat failed", self.worker_id)
            finally:
                connections.close_all()  # this thread's connections only

    def stop(self) -> None:
        from .models import WorkerHeartbeat

        self.stopped.set()
        self.thread.join(timeout=5)
        WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
