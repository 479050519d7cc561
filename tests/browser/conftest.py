"""Fixtures for end-to-end tests in real Chromium (Playwright driving Debian's chromium executable).

Playwright's own browser builds are not used: the tests launch the system Chromium
(CHIDAO_CHROMIUM overrides the path). Pages talk to pytest-django's ``live_server``.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API keeps an asyncio event loop running in the test thread; Django refuses ORM
# calls from such a thread unless told it is safe (it is: the loop only drives the browser).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHIDAO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
RESULTS_DIR = Path(__file__).resolve().parents[2] / "test-results"
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def results_dir() -> Path:
    """Where screenshots go (gitignored)."""
    RESULTS_DIR.mkdir(exist_ok=True)
    return RESULTS_DIR


@pytest.fixture(scope="session")
def chromium() -> Iterator["object"]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (set CHIDAO_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(chromium, live_server) -> Iterator["object"]:  # type: ignore[no-untyped-def]
    """A fresh browser context (no cookies) in Vietnamese, Hanoi time, pointed at the live server."""
    from playwright.sync_api import expect

    context = chromium.new_context(  # type: ignore[attr-defined]
        base_url=live_server.url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
        viewport={"width": 1280, "height": 900}, extra_http_headers={"Accept-Language": "vi"},
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
