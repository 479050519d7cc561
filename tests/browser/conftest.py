"""Fixtures for end-to-end tests in real Chromium (Playwright driving Debian's chromium executable).

Playwright's own browser builds are not used: the tests launch the system Chromium
(CHIDAO_CHROMIUM overrides the path). Pages talk to pytest-django's ``live_server``.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHIDAO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
RESULTS_DIR = Path(__file__).resolve().parents[2] / "test-results"
# Generous: a loaded two-core CI runner can take over 15 s for Chromium's first page load.
TIMEOUT_MS = int(os.environ.get("CHIDAO_BROWSER_TIMEOUT_MS", "30000"))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):  # type: ignore[no-untyped-def]
    """Remember each phase's report on the item so the page fixture can tell a failed test."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def results_dir() -> Path:
    """Where screenshots go (gitignored)."""
    RESULTS_DIR.mkdir(exist_ok=True)
    return RESULTS_DIR


@pytest.fixture(scope="module")
def chromium() -> Iterator["object"]:
    """Headless Chromium for one test module.

    Playwright's sync API keeps an asyncio event loop running in the test thread while it is started;
    Django refuses ORM calls from such a thread unless DJANGO_ALLOW_ASYNC_UNSAFE is set (safe here: the
    loop only drives the browser). The variable is set only while Playwright runs, and Playwright is
    stopped at the end of the module, so the rest of the suite keeps Django's check.
    """
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (set CHIDAO_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()


@pytest.fixture
def page(request, chromium, live_server, results_dir) -> Iterator["object"]:  # type: ignore[no-untyped-def]
    """A fresh browser context (no cookies) in Vietnamese, Hanoi time, pointed at the live server.

    When the test fails, a screenshot of the page is saved to test-results/<test name>-failure.png and
    the requests that failed are printed (pytest shows them with the failure).
    """
    from playwright.sync_api import expect

    context = chromium.new_context(  # type: ignore[attr-defined]
        base_url=live_server.url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
        viewport={"width": 1280, "height": 900}, extra_http_headers={"Accept-Language": "vi"},
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    page = context.new_page()
    failed_requests: list[str] = []
    page.on("requestfailed", lambda r: failed_requests.append(f"{r.method} {r.url}: {r.failure}"))
    try:
        yield page
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            try:
                shot = results_dir / f"{request.node.name}-failure.png"
                page.screenshot(path=str(shot), full_page=True)
                print(f"Failure screenshot: {shot} (page {page.url})")
            except Exception as exc:  # noqa: BLE001 - best effort while reporting a failure
                print(f"No failure screenshot: {exc}")
            if failed_requests:
                print("Failed requests:\n  " + "\n  ".join(failed_requests))
        context.close()
