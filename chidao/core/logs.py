"""Logs that can be followed across processes: every record carries the id of the request or background job it
was written for.

`RequestIdMiddleware` (chidao.core.middleware) takes a sane `X-Request-ID` from the proxy or makes one, keeps it in
`request_id` for the request's duration and sends it back in the response; `task_run` (chidao.core.tasks) does
the same with `job_id` for a background job. `ContextFilter`, on the console handler (settings.LOGGING), copies
both onto every record, so the text format prints them and the JSON format (CHIDAO_LOG_FORMAT=json, one object a
line for a log collector) has them as fields.
"""

import logging
import re
import uuid
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

request_id: ContextVar[str] = ContextVar("chidao_request_id", default="")
job_id: ContextVar[str] = ContextVar("chidao_job_id", default="")

# The operations endpoints (chidao.core.middleware.OperationsEndpointsMiddleware): a load balancer asks every few
# seconds, so they are left out of the access log, of the request metrics and of Django's "django.request" lines.
OPERATIONS_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})

# An incoming id is kept only when it is short and plain (a proxy's or load balancer's id, a UUID): anything else
# (spaces, quotes, newlines, kilobytes) could forge log lines or bloat them, and is replaced.
REQUEST_ID_RE = re.compile(r"[A-Za-z0-9._-]{1,64}")


def new_id() -> str:
    return uuid.uuid4().hex


def request_id_from(header: str | None) -> str:
    """The incoming `X-Request-ID` when it is sane, else a new id."""
    if header and REQUEST_ID_RE.fullmatch(header):
        return header
    return new_id()


class ContextFilter(logging.Filter):
    """Adds `request_id` and `job_id` (empty outside a request or a job) to every record it sees."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        if not hasattr(record, "job_id"):
            record.job_id = job_id.get()
        return True


class OperationsNoiseFilter(logging.Filter):
    """On the "django.request" logger: drops its line about an operations endpoint's answer (a 503 of /readyz
    while the worker is down, a 403 of /metrics), which would otherwise be written, and reported to Sentry,
    on every probe; /readyz logs the failed check itself, once a probe, as a warning."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        path = getattr(request, "path_info", None)
        return not (isinstance(path, str) and path.rstrip("/") in OPERATIONS_PATHS)


class JsonFormatter(_JsonFormatter):
    """One JSON object a line: time (ISO 8601), level, logger, message, request_id, job_id, and the `extra`
    fields of the call (the access log's method, path, status, ...); a traceback as `exc_info`."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(job_id)s")
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"})
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802 (logging's)
        import datetime as dt

        return dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds")
