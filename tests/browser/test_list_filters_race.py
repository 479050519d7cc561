"""End to end in real Chromium (issue 13, item 13): two filters changed quickly, then "Lọc", give the list for
both. The first request is held in flight, as on a slow server: without `hx-sync="this:replace"` htmx queued
the later changes behind it, so the list kept showing a stale state until the stale answer came (and a
slow server showed the first filter only); with it, the stale request is aborted and the last state wins."""

import datetime as dt

import pytest
from playwright.sync_api import Page, Route, expect

from chidao.programs import services
from chidao.programs.models import Status
from tests.browser.pickers import pick

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_last_state_of_the_filter_form_wins(page: Page, users, units, program, make_deliverable):
    # Given three deliverables: in progress at Sở Nội vụ, in progress at Sở Tài chính, not started at Sở Nội vụ
    wanted = make_deliverable(lead="snv", title="Nội vụ đang làm", deadline=dt.date(2030, 1, 1))
    other = make_deliverable(lead="stc", title="Tài chính đang làm", deadline=dt.date(2030, 1, 1))
    make_deliverable(lead="snv", title="Nội vụ chưa làm", deadline=dt.date(2030, 1, 1))
    for d in (wanted, other):
        services.deliverable_transition(actor=users["office"], deliverable=d, to_status=Status.IN_PROGRESS)
    page.goto("/dang-nhap/")
    page.locator("#id_username").fill(users["office"].username)
    page.locator("#id_password").fill("pw")
    page.locator("form:has(#id_username) button[type=submit]").click()
    page.goto(f"/chuong-trinh/{program.pk}/noi-dung/")
    rows = page.get_by_test_id("deliverables").locator("tbody tr")
    expect(rows).to_have_count(3)

    held: list[Route] = []

    def hold_the_first(route: Route) -> None:
        if not held:
            held.append(route)  # in flight until released below
        else:
            route.continue_()

    page.route(lambda url: "/noi-dung/?" in url, hold_the_first)
    # When the user picks a status, then a unit while the first answer is slow, then presses "Lọc"
    page.locator("#id_status").select_option(Status.IN_PROGRESS)
    pick(page, "unit", "noi vu", units["snv"].name)
    page.get_by_role("button", name="Lọc").click()
    # Then the list and the address reflect both filters, without waiting on the stale first answer
    expect(rows).to_have_count(1, timeout=10_000)
    expect(rows.first).to_contain_text("Nội vụ đang làm")
    assert f"unit={units['snv'].pk}" in page.url and "status=in_progress" in page.url
    # And the stale answer, arriving late, changes nothing (htmx aborted its request)
    try:
        held[0].continue_()
    except Exception:  # noqa: BLE001 - the request was aborted: nothing to release
        pass
    page.wait_for_timeout(500)
    expect(rows).to_have_count(1)
