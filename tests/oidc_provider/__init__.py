"""A real OpenID Connect provider for the single sign-on tests: node's `oidc-provider` (version pinned in
package.json and package-lock.json), run from provider.mjs on a free port.

`oidc_provider_running(redirect_uri)` installs the node packages with `npm ci` when node_modules is missing
(into tests/oidc_provider/node_modules, gitignored; needs the npm registry once), starts the provider, waits
until it listens and stops it afterwards. Needs node 18.12 or later and npm (`make test` installs Debian's
nodejs and npm through scripts/install-system-deps.sh); the tests skip, like the browser tests without
Chromium, when node is missing.
"""

import os
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
CLIENT_ID = "chidao"
CLIENT_SECRET = "chidao-test-secret"
START_SECONDS = 30


@dataclass(frozen=True)
class Provider:
    issuer: str
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def node_packages_install() -> None:
    """`npm ci` from package-lock.json when node_modules is missing."""
    if (HERE / "node_modules" / "oidc-provider").is_dir():
        return
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm not found: needed to install the test OpenID provider (apt-get install nodejs npm)")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=HERE, check=True, timeout=600)


@contextmanager
def oidc_provider_running(redirect_uri: str) -> Iterator[Provider]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node not found: needed for the test OpenID provider (apt-get install nodejs npm)")
    node_packages_install()
    port = _free_port()
    env = {**os.environ, "PORT": str(port), "REDIRECT_URI": redirect_uri, "CLIENT_ID": CLIENT_ID,
           "CLIENT_SECRET": CLIENT_SECRET, "NODE_ENV": "test"}
    process = subprocess.Popen([node, str(HERE / "provider.mjs")], cwd=HERE, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    ready = threading.Event()
    output: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
            if line.startswith("ready "):
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        if not ready.wait(START_SECONDS):
            raise RuntimeError("the test OpenID provider did not start:\n" + "".join(output))
        yield Provider(issuer=f"http://127.0.0.1:{port}")
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
