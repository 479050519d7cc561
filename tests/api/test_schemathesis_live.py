"""Schemathesis from outside: the API of a running gunicorn in production mode, over HTTP, as an attacker sees it.

The in-process sweep (test_schemathesis.py) runs inside the test's transaction; this one sends real requests to
`scripts/prod-web.sh` on loopback, serving a file database with the demo, with an administrator's write token.
Every answer must be declared by the schema and none may be a server error. Derandomized and bounded.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance

from .sweep import sweep

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = 2  # per operation and kind of data


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn (scripts/prod-web.sh, production settings) over the demo in an SQLite file; yields (url, token)."""
    root = tmp_path_factory.mktemp("live")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{root / 'chidao.sqlite3'}", "CHIDAO_VAR_DIR": str(root),
           "CHIDAO_MEDIA_ROOT": str(root / "media"), "CHIDAO_DEBUG": "0", "CHIDAO_SECRET_KEY": "x" * 60,
           "CHIDAO_ALLOWED_HOSTS": "127.0.0.1", "CHIDAO_SSL_REDIRECT": "0", "CHIDAO_SECURE_COOKIES": "0",
           "CHIDAO_TASKS_BACKEND": "immediate"}

    def chidao(*args: str) -> str:
        done = subprocess.run([str(BIN / "chidao"), *args], env=env, capture_output=True, text=True, timeout=600,
                              check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    chidao("migrate", "-v0")
    chidao("demo", "--people", "30")
    chidao("collectstatic", "--noinput", "-v0")
    token = chidao("token", "create", "--user", "admin", "--scope", "write").strip().splitlines()[-1]
    port = _free_port()
    web = subprocess.Popen(["bash", str(ROOT / "scripts/prod-web.sh")], env={
        **env, "CHIDAO_BIND": f"127.0.0.1:{port}", "CHIDAO_WEB_WORKERS": "2"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/dang-nhap/", timeout=2):
                    break
            except OSError:
                assert web.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.3)
        yield url, token
    finally:
        os.killpg(web.pid, 15)
        web.wait(timeout=20)


def test_every_operation_of_the_running_server_answers_as_declared(server):
    # Given the running server, its schema and an administrator's write token
    url, token = server
    headers = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_url(f"{url}/api/v1/openapi.json")
    # When every operation is sent valid and invalid data over HTTP
    count, failures = sweep(schema, headers=headers, examples=EXAMPLES,
                            checks=[not_a_server_error, status_code_conformance], timeout=60)
    # Then no answer is a server error and every status is one the schema declares
    assert count >= 100
    assert failures == [], "\n\n".join(f[:1500] for f in failures)
