"""Several machines on one: two app servers (gunicorn, production settings, the same secret key) behind nginx as a
round-robin load balancer, two workers, one PostgreSQL database and an S3-compatible server (moto in server
mode). Everything is started by the `cluster` fixture (free ports, a temporary folder) and stopped when the
module ends, whether its tests pass or fail.

Runs only with `-m multinode` (.ci/run: `DATABASE_URL=postgres://... pytest -m multinode tests/multinode`); needs
nginx (scripts/install-system-deps.sh) and PostgreSQL on 127.0.0.1:5432 (trust auth, user postgres). The database
is DATABASE_URL's when it is a PostgreSQL one, else chidao_multinode; it is dropped and created again.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import boto3
import psycopg
import pytest
import requests

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[2]
BUCKET = "chidao-media"
PASSWORD = "pw"  # tests.conftest.build_users

NGINX_CONF = """
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
{user}
events {{ worker_connections 256; }}
http {{
    access_log {tmp}/nginx-access.log;
    client_body_temp_path {tmp}/nginx-body;
    proxy_temp_path {tmp}/nginx-proxy;
    fastcgi_temp_path {tmp}/nginx-fastcgi;
    uwsgi_temp_path {tmp}/nginx-uwsgi;
    scgi_temp_path {tmp}/nginx-scgi;
    upstream chidao {{
        server 127.0.0.1:{port_a};
        server 127.0.0.1:{port_b};
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 25m;
        location / {{
            proxy_pass http://chidao;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


def nginx() -> str | None:
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return url
    return "postgres://postgres@127.0.0.1:5432/chidao_multinode"


class Cluster:
    """The processes and what the tests need to reach them."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.procs: dict[str, subprocess.Popen] = {}
        self.db_url = database_url()
        self.port_a, self.port_b, self.port_lb, self.port_s3 = (free_port() for _ in range(4))
        self.s3_url = f"http://127.0.0.1:{self.port_s3}"
        self.mail_dir = tmp / "mail"
        self.base_env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("CHIDAO_", "DJANGO_"))},
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "chidao.settings",
            "DATABASE_URL": self.db_url,
            "CHIDAO_DEBUG": "0",
            "CHIDAO_SECRET_KEY": "multinode-test-secret-key-shared-by-every-node-0123456789",
            "CHIDAO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CHIDAO_SECURE_COOKIES": "0",
            "CHIDAO_SSL_REDIRECT": "0",
            "CHIDAO_HSTS_SECONDS": "0",
            "CHIDAO_OTP_REQUIRED_ROLES": "",
            "CHIDAO_VAR_DIR": str(tmp / "var"),  # one collectstatic build, as on shared release files
            "CHIDAO_STORAGE": "s3",
            "CHIDAO_S3_BUCKET": BUCKET,
            "CHIDAO_S3_ENDPOINT_URL": self.s3_url,
            "CHIDAO_S3_REGION": "us-east-1",
            "CHIDAO_S3_ACCESS_KEY_ID": "multinode",
            "CHIDAO_S3_SECRET_ACCESS_KEY": "multinode-secret",
            "CHIDAO_CACHE_URL": "db://chidao_cache",
            "CHIDAO_TASKS_HEARTBEAT_SECONDS": "1",
            "CHIDAO_TASKS_HEARTBEAT_STALE_SECONDS": "4",
            "CHIDAO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "CHIDAO_EMAIL_FILE_PATH": str(self.mail_dir),
            "CHIDAO_LOG_LEVEL": "WARNING",
        }

    # --- each node's environment and processes ---------------------------------------------------------------

    def env(self, node: str) -> dict[str, str]:
        """A node's environment: the shared one, and its own local disk (which must stay empty)."""
        return {**self.base_env, "CHIDAO_MEDIA_ROOT": str(self.media_root(node))}

    def media_root(self, node: str) -> Path:
        return self.tmp / f"node-{node}" / "media"

    def run(self, node: str, *args: str, timeout: float = 300) -> str:
        done = subprocess.run(args, env=self.env(node), cwd=ROOT, capture_output=True, text=True, check=False,
                              timeout=timeout)
        assert done.returncode == 0, f"{args}: {done.stderr[-3000:]}"
        return done.stdout

    def start(self, name: str, node: str, *args: str) -> subprocess.Popen:
        log = (self.tmp / f"{name}.log").open("ab")
        proc = subprocess.Popen(args, env=self.env(node), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        log.close()
        self.procs[name] = proc
        return proc

    def stop(self, name: str, sig: int = signal.SIGTERM) -> None:
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)  # the group this fixture started (gunicorn's workers, nginx's)
            proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)

    def stop_all(self) -> None:
        for name in list(self.procs):
            self.stop(name)

    def worker(self, node: str) -> subprocess.Popen:
        return self.start(f"worker-{node}", node, str(BIN / "chidao"), "worker", "--queue-name", "*",
                          "--no-startup-delay", "--worker-id", f"w-{node}", "-v0")

    def url(self, where: str) -> str:
        port = {"a": self.port_a, "b": self.port_b, "lb": self.port_lb}[where]
        return f"http://127.0.0.1:{port}"

    # --- the database and the bucket, read directly --------------------------------------------------------------

    def sql(self, query: str, params: tuple = ()) -> list[tuple]:
        with psycopg.connect(self.db_url, autocommit=True) as conn:
            return conn.execute(query, params).fetchall()  # type: ignore[arg-type]

    def wait_sql(self, query: str, params: tuple, expected: list[tuple], seconds: float,
                 poll: float = 0.2) -> None:
        deadline = time.monotonic() + seconds
        while (rows := self.sql(query, params)) != expected:
            if time.monotonic() > deadline:
                pytest.fail(f"after {seconds} s: {rows!r} instead of {expected!r}; logs in {self.tmp}")
            time.sleep(poll)

    def s3(self):  # noqa: ANN201
        return boto3.client("s3", endpoint_url=self.s3_url, region_name="us-east-1",
                            aws_access_key_id="multinode", aws_secret_access_key="multinode-secret")

    def bucket_keys(self) -> dict[str, int]:
        listed = self.s3().list_objects_v2(Bucket=BUCKET)
        return {o["Key"]: o["Size"] for o in listed.get("Contents", [])}

    # --- browsers -------------------------------------------------------------------------------------------------

    def login(self, where: str, username: str = "office") -> requests.Session:
        """A browser signed in through `where` (a node or the load balancer) with the login form and its CSRF."""
        browser = requests.Session()
        page = browser.get(f"{self.url(where)}/dang-nhap/", timeout=30)
        assert page.status_code == 200
        signed_in = browser.post(f"{self.url(where)}/dang-nhap/", data={
            "csrfmiddlewaretoken": csrf_token(page.text), "username": username, "password": PASSWORD, "next": "/"},
            allow_redirects=False, timeout=30)
        assert (signed_in.status_code, signed_in.headers.get("Location")) == (302, "/"), signed_in.text[:2000]
        return browser


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def _wait_http(url: str, proc: subprocess.Popen, seconds: float, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"{url}: the process stopped ({proc.returncode}): {log.read_text()[-3000:]}")
        try:
            requests.get(url, timeout=20)
            return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.1)
    pytest.fail(f"{url} did not answer in {seconds} s")


def _fresh_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]
        conn.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    if nginx() is None:
        pytest.fail("nginx is missing: bash scripts/install-system-deps.sh")
    c = Cluster(tmp_path_factory.mktemp("multinode"))
    try:
        c.mail_dir.mkdir()
        # One static build for both nodes (collectstatic, alongside the rest of the setup)
        static = c.start("collectstatic", "a", str(BIN / "chidao"), "collectstatic", "--noinput", "-v0")
        # The object store and its private bucket
        s3 = c.start("s3", "a", str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(c.port_s3))
        # One database, migrated once, with the shared cache's table and the test's data
        _fresh_database(c.db_url)
        c.run("a", str(BIN / "chidao"), "migrate", "--noinput", "-v0")
        c.run("a", str(BIN / "chidao"), "createcachetable")
        c.program_id, c.deliverable_id = (int(x) for x in c.run(
            "a", sys.executable, str(Path(__file__).with_name("setup_data.py"))).split())
        _wait_http(c.s3_url, s3, 60, c.tmp / "s3.log")
        c.s3().create_bucket(Bucket=BUCKET)
        assert static.wait(timeout=300) == 0, (c.tmp / "collectstatic.log").read_text()[-3000:]
        # Two app servers, production settings, each with its own (unused) local disk
        for node, port in (("a", c.port_a), ("b", c.port_b)):
            c.start(f"web-{node}", node, str(BIN / "gunicorn"), "chidao.wsgi:application", "--bind",
                    f"127.0.0.1:{port}", "--workers", "1", "--threads", "4", "--timeout", "120")
        # nginx in front, round robin over both
        conf = c.tmp / "nginx.conf"
        conf.write_text(NGINX_CONF.format(tmp=c.tmp, port=c.port_lb, port_a=c.port_a, port_b=c.port_b,
                                          user="user root;" if os.geteuid() == 0 else ""))
        c.start("nginx", "a", nginx() or "nginx", "-p", str(c.tmp), "-c", str(conf))
        for name, where in (("web-a", "a"), ("web-b", "b"), ("nginx", "lb")):
            _wait_http(f"{c.url(where)}/dang-nhap/", c.procs[name], 60, c.tmp / f"{name}.log")
        yield c
    finally:
        c.stop_all()
