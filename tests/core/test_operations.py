"""Operations: the load balancer's health checks, request ids and the access log, Prometheus metrics, Sentry
(chidao.core.health, logs, metrics, middleware; docs/production.md, Operations)."""

import datetime as dt
import io
import json
import logging
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import OperationalError
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from chidao import settings as chidao_settings
from chidao.core import health, logs
from chidao.core import tasks as core_tasks
from chidao.core.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db

# As a load balancer sends them: plain HTTP, to the server's own address, which ALLOWED_HOSTS does not list.
PROBE = {"HTTP_HOST": "10.0.0.5:8000", "REMOTE_ADDR": "10.0.0.1"}


@pytest.fixture
def production(settings):
    """The production switches that could get in a probe's way."""
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["chidao.example.gov.vn"]
    settings.CHIDAO_TASKS = {**settings.CHIDAO_TASKS, "heartbeat_stale_seconds": 30}
    settings.CHIDAO_READYZ_WORKER = True


def beat(seconds_ago: float) -> WorkerHeartbeat:
    return WorkerHeartbeat.objects.create(worker_id="w-1", host="app1", pid=4242,
                                          last_seen=timezone.now() - dt.timedelta(seconds=seconds_ago))


# --- /healthz and /readyz ---------------------------------------------------------------------------------


def test_healthz_answers_ok_over_plain_http_without_login_session_or_database(client, production,
                                                                             django_assert_num_queries):
    # given production settings (HTTPS redirect, one allowed host) and no session
    # when the load balancer asks over HTTP by address
    with django_assert_num_queries(0):
        response = client.get("/healthz", **PROBE)
    # then 200 {"status": "ok"}, not a redirect nor a 400 for the host; not cached; no cookie set
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert response.cookies == {}
    # (the same request to a page is redirected to HTTPS: the settings are in force)
    assert client.get("/dang-nhap/", HTTP_HOST="chidao.example.gov.vn").status_code == 301


def test_readyz_is_ready_with_a_fresh_worker_heartbeat(client, production, settings):
    # given a worker that beat 5 seconds ago
    beat(5)
    # when
    response = client.get("/readyz", **PROBE)
    # then every check passes, and the storage probe left nothing behind
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "storage": "ok", "worker": "ok"},
                               "failed": []}
    probes = Path(settings.MEDIA_ROOT) / ".readyz"
    assert list(probes.iterdir()) == []


@pytest.mark.parametrize("seconds_ago", [None, 31])
def test_readyz_is_not_ready_without_a_live_worker(client, production, seconds_ago):
    # given no heartbeat at all, or one older than heartbeat_stale_seconds (30)
    if seconds_ago is not None:
        beat(seconds_ago)
    # when
    response = client.get("/readyz", **PROBE)
    # then 503 naming the worker
    assert response.status_code == 503
    assert response.json() == {"status": "fail", "checks": {"database": "ok", "storage": "ok", "worker": "fail"},
                               "failed": ["worker"]}


def test_readyz_leaves_the_worker_out_when_told(client, production, settings):
    # given no worker, and CHIDAO_READYZ_WORKER=0
    settings.CHIDAO_READYZ_WORKER = False
    # when / then
    response = client.get("/readyz", **PROBE)
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "storage": "ok"}


def test_readyz_names_the_database_without_its_error(client, production, caplog):
    # given a live worker, and a database that refuses connections
    beat(1)
    refused = OperationalError('connection to server at "db.internal" (10.0.0.9), port 5432 failed')
    # when
    with mock.patch.object(health.connection, "cursor", side_effect=refused):
        response = client.get("/readyz", **PROBE)
    # then 503 naming the database (the worker's heartbeat cannot be read either); the error stays in the log
    assert response.status_code == 503
    assert response.json() == {"status": "fail", "checks": {"database": "fail", "storage": "ok", "worker": "fail"},
                               "failed": ["database", "worker"]}
    assert b"db.internal" not in response.content
    assert "readyz: database check failed: OperationalError" in caplog.text


def test_readyz_names_the_storage(client, production):
    # given a live worker and a file storage that cannot write
    beat(1)
    # when
    with mock.patch.object(FileSystemStorage, "save", side_effect=OSError(28, "No space left on device")):
        response = client.get("/readyz", **PROBE)
    # then
    assert response.status_code == 503
    assert response.json()["failed"] == ["storage"]
    assert b"space" not in response.content


def test_a_failing_readyz_is_not_logged_by_django_as_an_error(client, production, caplog):
    # given no worker
    # when the load balancer probes
    with caplog.at_level(logging.INFO):
        client.get("/readyz", **PROBE)
    # then one warning from the check, no "Service Unavailable" error (which Sentry would report every probe)
    # and no access-log line
    assert [(r.name, r.levelname) for r in caplog.records] == [("chidao.core.health", "WARNING")]


# --- request ids and the access log ---------------------------------------------------------------------


@pytest.fixture
def json_log():
    """The access log as the JSON handler of production writes it."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(logs.ContextFilter())
    handler.setFormatter(logs.JsonFormatter())
    logger = logging.getLogger("chidao.request")
    logger.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in out.getvalue().splitlines()]
    finally:
        logger.removeHandler(handler)


def test_a_request_id_is_made_and_returned(client):
    # when two requests come without an id
    first = client.get("/dang-nhap/")
    second = client.get("/dang-nhap/")
    # then each gets its own uuid4 hex
    assert len(first["X-Request-ID"]) == 32 and int(first["X-Request-ID"], 16) >= 0
    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.parametrize("incoming", ["lb-7f3a.01_x", "a" * 64])
def test_a_sane_incoming_request_id_is_kept(client, incoming):
    assert client.get("/dang-nhap/", HTTP_X_REQUEST_ID=incoming)["X-Request-ID"] == incoming


@pytest.mark.parametrize("incoming", ["", "a" * 65, "id with spaces", 'x"}\n{"forged": 1', "id;drop", "ý"])
def test_a_bad_incoming_request_id_is_replaced(client, incoming):
    returned = client.get("/dang-nhap/", HTTP_X_REQUEST_ID=incoming)["X-Request-ID"]
    assert returned != incoming
    assert len(returned) == 32


def test_one_json_access_line_per_request_without_query_values(client, users, json_log):
    # given a signed-in user
    client.force_login(users["admin"])
    # when they search by a person's name
    response = client.get("/dang-nhap/?q=Nguyễn Văn A&page=2", HTTP_X_REQUEST_ID="req-1")
    # then one line: the request's id, method, path with the query's names only, status, duration, user id
    (line,) = json_log()
    assert line["request_id"] == "req-1"
    assert line["job_id"] == ""
    assert line["logger"] == "chidao.request"
    assert line["level"] == "INFO"
    assert (line["method"], line["path"], line["status"], line["user_id"]) == (
        "GET", "/dang-nhap/?q=&page=", response.status_code, users["admin"].pk)
    assert isinstance(line["duration_ms"], float)
    assert "Nguy" not in json.dumps(line)


def test_the_password_links_token_is_masked_in_the_access_log(client, json_log):
    client.get("/mat-khau/dat-lai/MQ/c8x1k2-0123456789abcdef/")
    (line,) = json_log()
    assert line["path"] == "/mat-khau/dat-lai/***/***/"
    assert line["user_id"] is None


def test_health_checks_stay_out_of_the_access_log(client, json_log):
    client.get("/healthz")
    client.get("/readyz")
    assert json_log() == []


def test_a_background_jobs_records_carry_its_job_id(caplog):
    # when a job fails, its records carry a job id, and the id is gone after the job
    def failed(exc, attempts):
        logging.getLogger("chidao.test").warning("recorded")

    with caplog.at_level(logging.WARNING), pytest.raises(ValueError):
        core_tasks.task_run(label="report job 7", body=lambda attempt: (_ for _ in ()).throw(ValueError("x")),
                            failed=failed)
    ids = {r.getMessage(): logs.ContextFilter().filter(r) and r.job_id for r in caplog.records}
    assert len(ids["recorded"]) == 32
    assert ids["report job 7 failed after 1 attempt(s)"] == ids["recorded"]
    assert logs.job_id.get() == ""


# --- /metrics --------------------------------------------------------------------------------------------


def scrape(client, **extra) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics", **extra)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(response.content.decode()) for s in family.samples}


def test_metrics_need_the_token_when_one_is_set(client, settings):
    # given a token
    settings.CHIDAO_METRICS_TOKEN = "s3cret-token"
    # then no header, another scheme or another token is refused, even from loopback; the token is let in
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Basic s3cret-token").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-tokeN").status_code == 403
    ok = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token", **PROBE)
    assert ok.status_code == 200
    assert b"chidao_workers_alive" in ok.content


def test_metrics_without_a_token_only_from_loopback_and_the_allowed_addresses(client, settings):
    settings.CHIDAO_METRICS_TOKEN = ""
    settings.CHIDAO_METRICS_ALLOWED_IPS = ["10.0.0.0/24", "not-an-address"]
    settings.CHIDAO_TRUSTED_PROXY_COUNT = 0
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.7").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
    # through a proxy the settings do not count, everyone would be on loopback: refused
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 403
    # behind the one nginx that is counted, the client's own address decides
    settings.CHIDAO_TRUSTED_PROXY_COUNT = 1
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.0.0.8").status_code == 200


def test_metrics_show_request_durations_by_route_name(client, settings):
    settings.CHIDAO_METRICS_TOKEN = "t"
    key = ("chidao_http_request_duration_seconds_count",
           (("method", "GET"), ("route", "password_reset_confirm"), ("status", "2xx")))
    before = REGISTRY.get_sample_value(key[0], dict(key[1])) or 0.0
    # when a page with ids in its path is asked for twice
    client.get("/mat-khau/dat-lai/MQ/abc-123/")
    client.get("/mat-khau/dat-lai/Mg/def-456/")
    # then the route's series counts both; no series holds the raw path; the scrape itself is not counted
    samples = scrape(client, HTTP_AUTHORIZATION="Bearer t")
    assert samples[key] == before + 2
    assert not any("abc-123" in value for _name, labels in samples for _label, value in labels)
    assert not any(dict(labels).get("route") == "metrics" for _name, labels in samples)


def test_metrics_show_the_queue_and_the_live_workers(client, settings):
    settings.CHIDAO_METRICS_TOKEN = "t"
    # given two jobs waiting on "default", one running on "reports", a live and a dead worker
    for queue, status in [("default", "READY"), ("default", "READY"), ("reports", "RUNNING"), ("default", "FAILED")]:
        DBTaskResult.objects.create(args_kwargs={"args": [], "kwargs": {}}, task_path="x.y", queue_name=queue,
                                    status=TaskResultStatus[status], backend_name="default",
                                    run_after=timezone.now(), exception_class_path="", traceback="")
    beat(1)
    WorkerHeartbeat.objects.create(worker_id="w-dead", host="app2", pid=1,
                                   last_seen=timezone.now() - dt.timedelta(minutes=5))
    # when
    samples = scrape(client, HTTP_AUTHORIZATION="Bearer t")
    # then
    queue = {labels: value for (name, labels), value in samples.items() if name == "chidao_task_queue_length"}
    assert queue == {(("queue", "default"), ("status", "READY")): 2.0,
                     (("queue", "default"), ("status", "RUNNING")): 0.0,
                     (("queue", "reports"), ("status", "RUNNING")): 1.0}
    assert samples[("chidao_workers_alive", ())] == 1.0


def test_metrics_count_a_failed_background_job_by_its_task(client, settings):
    settings.CHIDAO_METRICS_TOKEN = "t"
    key = ("chidao_task_failures_total", (("task", "report_build_task"),))
    before = REGISTRY.get_sample_value(key[0], dict(key[1])) or 0.0

    def report_build_task():
        def failed(exc, attempts):
            pass

        core_tasks.task_run(label="report job 12", body=lambda attempt: 1 / 0, failed=failed)

    # when a job fails for good
    with pytest.raises(ZeroDivisionError):
        report_build_task()
    # then its task's failures count one more, and its duration is recorded as failed
    samples = scrape(client, HTTP_AUTHORIZATION="Bearer t")
    assert samples[key] == before + 1
    assert samples[("chidao_task_duration_seconds_count", (("outcome", "failed"), ("task", "report_build_task")))] >= 1


def test_task_kind_is_bounded():
    def reminders_send_task():
        def failed(exc, attempts):
            pass

        return failed

    assert core_tasks.task_kind("reminders", reminders_send_task()) == "reminders_send_task"
    assert core_tasks.task_kind("rotation plan for round 5", lambda e, a: None) == "rotation plan for round"


# --- Sentry ----------------------------------------------------------------------------------------------


def test_sentry_is_off_without_a_dsn():
    import sentry_sdk

    with mock.patch("sentry_sdk.init") as init:
        assert chidao_settings.sentry_init({}) is False
        assert chidao_settings.sentry_init({"CHIDAO_SENTRY_DSN": "  "}) is False
    init.assert_not_called()
    assert chidao_settings.CHIDAO_SENTRY is False
    assert sentry_sdk.get_client().is_active() is False


def test_sentry_starts_with_a_dsn_and_sends_no_personal_data():
    from sentry_sdk.integrations.django import DjangoIntegration

    with mock.patch("sentry_sdk.init") as init:
        started = chidao_settings.sentry_init({"CHIDAO_SENTRY_DSN": "https://public@sentry.example.gov.vn/3",
                                               "CHIDAO_SENTRY_ENVIRONMENT": "staging",
                                               "CHIDAO_SENTRY_RELEASE": "chidao@1.4.0"})
    assert started is True
    init.assert_called_once()
    kwargs = init.call_args.kwargs
    assert kwargs["dsn"] == "https://public@sentry.example.gov.vn/3"
    assert kwargs["send_default_pii"] is False
    assert (kwargs["environment"], kwargs["release"], kwargs["traces_sample_rate"]) == ("staging", "chidao@1.4.0",
                                                                                          0.0)
    assert [type(i) for i in kwargs["integrations"]] == [DjangoIntegration]


def test_sentry_reports_name_the_request_id(client, settings):
    # given Sentry on
    settings.CHIDAO_SENTRY = True
    # when a request comes with an id
    with mock.patch("sentry_sdk.set_tag") as set_tag:
        client.get("/dang-nhap/", HTTP_X_REQUEST_ID="req-9")
    # then the request's scope is tagged with it
    set_tag.assert_called_once_with("request_id", "req-9")
