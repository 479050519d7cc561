"""Health checks for a load balancer or an orchestrator, answered before any other middleware
(chidao.core.middleware.OperationsEndpointsMiddleware): no HTTPS redirect, no host check, no session, no login.

- /healthz (liveness): the process answers. Nothing else is touched, so it is fast and never fails because of
  something outside the process.
- /readyz (readiness): the process can serve: the database answers a trivial query, the default file storage
  takes, returns and deletes a small probe file under `.readyz/`, and at least one `chidao worker` has a fresh
  heartbeat (newer than CHIDAO_TASKS["heartbeat_stale_seconds"]; CHIDAO_READYZ_WORKER=0 leaves this check out).
  200 when every check passes, 503 naming the failed ones; the details (which may hold host names or paths) go
  to the log, never into the answer.
"""

import datetime as dt
import logging
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone

logger = logging.getLogger(__name__)

PROBE = b"chidao readyz\n"


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 did not return 1")
    return "ok"


def check_storage() -> str:
    name = default_storage.save(f".readyz/{uuid.uuid4().hex}.txt", ContentFile(PROBE))
    try:
        with default_storage.open(name, "rb") as probe:
            if probe.read() != PROBE:
                raise RuntimeError("the probe read back differs")
    finally:
        default_storage.delete(name)
    return "ok"


def check_worker() -> str:
    from .models import WorkerHeartbeat

    cutoff = timezone.now() - dt.timedelta(seconds=settings.CHIDAO_TASKS["heartbeat_stale_seconds"])
    alive = WorkerHeartbeat.objects.filter(last_seen__gte=cutoff).count()
    if not alive:
        raise RuntimeError(f"no worker heartbeat since {cutoff.isoformat()}")
    return "ok"


def readiness_checks() -> dict[str, Callable[[], str]]:
    checks = {"database": check_database, "storage": check_storage}
    if settings.CHIDAO_READYZ_WORKER:
        checks["worker"] = check_worker
    return checks


def readyz(request: HttpRequest) -> JsonResponse:
    results: dict[str, str] = {}
    for name, check in readiness_checks().items():
        try:
            results[name] = check()
        except Exception as exc:
            logger.warning("readyz: %s check failed: %s: %s", name, type(exc).__name__, exc)
            results[name] = "fail"
            if name == "database" and not connection.in_atomic_block:
                connection.close_if_unusable_or_obsolete()  # a lost connection is opened afresh next time
    failed = [name for name, result in results.items() if result != "ok"]
    body = {"status": "fail" if failed else "ok", "checks": results, "failed": failed}
    return JsonResponse(body, status=503 if failed else 200)
