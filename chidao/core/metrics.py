"""Prometheus metrics, served at /metrics (chidao.core.middleware.OperationsEndpointsMiddleware) to a scraper
that shows CHIDAO_METRICS_TOKEN as a bearer token, or, when no token is set, that connects from loopback or
from CHIDAO_METRICS_ALLOWED_IPS.

- `chidao_http_request_duration_seconds{method, route, status}`: every request but the operations endpoints;
  `route` is the resolved URL name (never the raw path, so the series stay few), `status` the class (2xx ...).
- `chidao_task_duration_seconds{task, outcome}` and `chidao_task_failures_total{task}`: every background job
  (`chidao.core.tasks.task_run`); `task` is the task function's name.
- `chidao_task_queue_length{queue, status}` and `chidao_workers_alive`: read from the database when scraped.

Several processes (gunicorn's workers, `chidao worker`): with PROMETHEUS_MULTIPROC_DIR set before the process
starts, prometheus_client writes each process's values to files there (its multiprocess mode), and a scrape adds
up the files of every directory under CHIDAO_METRICS_DIR (scripts/prod-web.sh and prod-worker.sh give the web
server and the worker one directory each, wiped at their start), so one scrape of any web process shows the
whole machine.
"""

import datetime as dt
import glob
import hmac
import ipaddress
import logging
import os
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

REQUEST_DURATION = Histogram(
    "chidao_http_request_duration_seconds", "Time to answer a request, by method, route name and status class.",
    ["method", "route", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
)
TASK_DURATION = Histogram(
    "chidao_task_duration_seconds", "Time a background job ran (all its attempts), by task and outcome.",
    ["task", "outcome"],
    buckets=(0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600),
)
TASK_FAILURES = Counter("chidao_task_failures", "Background jobs that failed after their last attempt, by task.",
                        ["task"])

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def request_observe(*, method: str, route: str, status: int, seconds: float) -> None:
    REQUEST_DURATION.labels(method if method in METHODS else "OTHER", route, f"{status // 100}xx").observe(seconds)


def task_observe(*, task: str, seconds: float, failed: bool) -> None:
    TASK_DURATION.labels(task, "failed" if failed else "ok").observe(seconds)
    if failed:
        TASK_FAILURES.labels(task).inc()


# --- read at scrape time ------------------------------------------------------------------------------------


class DatabaseCollector(Collector):
    """The queue's waiting and running jobs by queue, and the live workers (fresh heartbeats), read when scraped:
    one value for the whole site whichever process answers. A database error leaves them out of the scrape (the
    scrape itself still answers, and /readyz says what is wrong)."""

    def collect(self) -> Iterator[Metric]:
        from django.db.models import Count
        from django.utils import timezone
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        from .models import WorkerHeartbeat

        try:
            rows = list(DBTaskResult.objects.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])
                        .values_list("queue_name", "status").annotate(n=Count("id")).order_by())
            cutoff = timezone.now() - dt.timedelta(seconds=settings.CHIDAO_TASKS["heartbeat_stale_seconds"])
            alive = WorkerHeartbeat.objects.filter(last_seen__gte=cutoff).count()
        except Exception:
            logger.warning("metrics: the database could not be read", exc_info=True)
            return
        queue = GaugeMetricFamily("chidao_task_queue_length", "Background jobs waiting (READY) or running, by queue.",
                                  labels=["queue", "status"])
        counts = {("default", TaskResultStatus.READY.value): 0, ("default", TaskResultStatus.RUNNING.value): 0}
        counts.update({(name, str(status)): n for name, status, n in rows})
        for (name, status), n in sorted(counts.items()):
            queue.add_metric([name, status], n)
        yield queue
        yield GaugeMetricFamily("chidao_workers_alive", "`chidao worker` processes with a fresh heartbeat.",
                                value=alive)


class FilesCollector(Collector):
    """The values every process of the machine wrote (prometheus_client's multiprocess files), added up."""

    def __init__(self, directories: Iterable[str]) -> None:
        self.directories = list(directories)

    def collect(self) -> Iterator[Metric]:
        files = sorted(f for d in self.directories for f in glob.glob(os.path.join(d, "*.db")))
        return iter(MultiProcessCollector.merge(files, accumulate=True))


def metric_directories() -> list[str]:
    """Where the processes write their values: every directory under CHIDAO_METRICS_DIR (one per kind of process),
    else PROMETHEUS_MULTIPROC_DIR; none outside multiprocess mode."""
    own = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    if not own:
        return []
    parent = os.environ.get("CHIDAO_METRICS_DIR", "")
    if parent:
        found = sorted(d for d in glob.glob(os.path.join(parent, "*")) if os.path.isdir(d))
        return found if own in found or os.path.abspath(own) in found else [own, *found]
    return [own]


def metrics_text() -> bytes:
    """The scrape, in Prometheus's text format."""
    scraped = CollectorRegistry()
    scraped.register(DatabaseCollector())
    directories = metric_directories()
    if directories:
        scraped.register(FilesCollector(directories))
        return generate_latest(scraped)
    return generate_latest(REGISTRY) + generate_latest(scraped)


# --- who may scrape -----------------------------------------------------------------------------------------


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    networks = []
    for item in settings.CHIDAO_METRICS_ALLOWED_IPS:
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            logger.warning("CHIDAO_METRICS_ALLOWED_IPS: %r is not an address or network; ignored", item)
    return networks


def scrape_allowed(request: HttpRequest) -> bool:
    """With CHIDAO_METRICS_TOKEN set: only `Authorization: Bearer <token>`. Without: only a client on loopback or
    in CHIDAO_METRICS_ALLOWED_IPS, as `core.auth.client_ip` sees it behind the trusted proxies; a request that
    came through a proxy the settings do not count (X-Forwarded-For with CHIDAO_TRUSTED_PROXY_COUNT=0) is
    refused, since behind nginx everyone would be on loopback."""
    token = settings.CHIDAO_METRICS_TOKEN
    if token:
        scheme, _sep, given = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())
    if settings.CHIDAO_TRUSTED_PROXY_COUNT <= 0 and request.META.get("HTTP_X_FORWARDED_FOR"):
        return False
    from .auth import client_ip

    try:
        address = ipaddress.ip_address(client_ip(request) or "")
    except ValueError:
        return False
    return address.is_loopback or any(address in network for network in _allowed_networks())


def metrics_view(request: HttpRequest) -> HttpResponse:
    if not scrape_allowed(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain; charset=utf-8")
    return HttpResponse(metrics_text(), content_type=CONTENT_TYPE_LATEST)
