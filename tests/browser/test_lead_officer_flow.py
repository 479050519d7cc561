"""End to end in real Chromium: a lead-agency officer submits their unit's deliverable and is kept out of
another unit's.

The officer (cb.stc, Sở Tài chính) logs in, reads the dashboard, moves one of the unit's deliverables from
"đang thực hiện" to "đã trình" through the htmx form, and sees the dashboard's counts move by exactly
one; a deliverable neither led nor coordinated by Sở Tài chính answers 404 and stays untouched.

Why Sở Tài chính and not Sở Nội vụ: the demo plays each deliverable's history through to 2024, so by
today only two are still in progress (28, led by STC, and 34, led by MTTQ); every deliverable Sở Nội
vụ leads is completed, and a completed deliverable cannot be submitted again.
"""

import re

import pytest
from django.db.models import Case, IntegerField, Value, When
from playwright.sync_api import Page, expect

from chidao.core.models import User
from chidao.demo.program import DEMO_PASSWORD, PROGRAM_NUMBER, demo_load
from chidao.programs import selectors
from chidao.programs.models import Deliverable, Program, Status, StatusChange

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OFFICER = "cb.stc"
UNIT = "STC"
# The badges as the officer reads them (the page is served in Vietnamese).
IN_PROGRESS_LABEL = "đang thực hiện"
SUBMITTED_LABEL = "đã trình"


def _count(page: Page, testid: str) -> int:
    text = page.get_by_test_id(testid).inner_text().strip()
    assert re.fullmatch(r"\d+", text), f"{testid} shows {text!r}, not a number"
    return int(text)


def _log_in(page: Page, user: User, password: str) -> None:
    page.goto("/dang-nhap/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(password)
    page.locator("form:has(#id_username) button[type=submit]").click()
    expect(page.get_by_test_id("who")).to_contain_text(str(user))


def test_lead_officer_submits_own_deliverable_and_cannot_open_another_units(page: Page, live_server, results_dir):
    # --- Data: the demo program, the officer's in-progress deliverable, another unit's deliverable.
    assert demo_load() is True
    officer = User.objects.select_related("unit").get(username=OFFICER)
    assert officer.unit is not None and officer.unit.code == UNIT
    program = Program.objects.get(number=PROGRAM_NUMBER)

    own = (
        Deliverable.objects.filter(program=program, lead_unit__code=UNIT, status=Status.IN_PROGRESS)
        .order_by("code").first()
    )
    assert own is not None, f"the demo should leave {UNIT} at least one deliverable in progress"
    own_version = own.version
    own_changes = StatusChange.objects.filter(deliverable=own).count()

    # Prefer one still open (so a change would be possible and "unchanged" means something).
    visible = Deliverable.objects.visible_to(officer).values("pk")
    closed = When(status__in=[Status.COMPLETED, Status.CANCELLED], then=Value(1))
    other = (
        Deliverable.objects.filter(program=program).exclude(lead_unit__code=UNIT)
        .exclude(coordinating_units__code=UNIT).exclude(pk__in=visible)
        .order_by(Case(closed, default=Value(0), output_field=IntegerField()), "code").first()
    )
    assert other is not None, f"the demo should have a deliverable {UNIT} neither leads nor coordinates"
    other_status, other_version = other.status, other.version
    other_changes = StatusChange.objects.filter(deliverable=other).count()

    # Expected dashboard figures, computed server-side the way the page computes them.
    before = selectors.program_summary(user=officer, program=program)
    assert before.in_progress >= 1

    page_errors: list[str] = []
    page.on("pageerror", lambda exc: page_errors.append(str(exc)))

    # --- Log in: "/" sends a lead officer to "Việc của tôi"; the program's dashboard is one click away.
    _log_in(page, officer, DEMO_PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/viec-cua-toi/")
    page.goto(f"/chuong-trinh/{program.pk}/")
    expect(page.get_by_test_id("count-total")).to_have_text(str(before.deliverables))
    awaiting_before = _count(page, "count-awaiting")
    in_progress_before = _count(page, "count-in-progress")
    assert (awaiting_before, in_progress_before) == (before.awaiting_approval, before.in_progress)

    # --- Move the deliverable to "đã trình" through the htmx form.
    page.goto(f"/noi-dung/{own.pk}/")
    expect(page.get_by_test_id("status")).to_have_text(IN_PROGRESS_LABEL)
    # The form posts through htmx (deferred script): wait until it is loaded so we exercise that path.
    page.wait_for_function("() => typeof window.htmx === 'object'", polling=100)
    select = page.locator("#id_to_status")
    expect(select.locator(f"option[value='{Status.SUBMITTED}']")).to_have_count(1)
    select.select_option(Status.SUBMITTED.value)
    transition_url = f"{live_server.url}/noi-dung/{own.pk}/chuyen-trang-thai/"
    with page.expect_response(lambda r: r.url == transition_url and r.request.method == "POST") as posted:
        page.get_by_test_id("transition-submit").click()
    response = posted.value
    assert response.status == 204, f"transition answered {response.status}: {response.text()[:500]}"
    assert response.request.headers.get("hx-request") == "true"
    assert response.headers.get("hx-redirect") == f"/noi-dung/{own.pk}/"

    expect(page.get_by_test_id("status")).to_have_text(SUBMITTED_LABEL)
    expect(page).to_have_url(f"{live_server.url}/noi-dung/{own.pk}/")
    expect(page.locator("ul.messages li.success")).to_contain_text(SUBMITTED_LABEL)
    expect(page.get_by_test_id("status-history")).to_contain_text(SUBMITTED_LABEL)

    own.refresh_from_db()
    assert own.status == Status.SUBMITTED
    assert own.version == own_version + 1
    assert StatusChange.objects.filter(deliverable=own).count() == own_changes + 1
    change = StatusChange.objects.filter(deliverable=own).latest("at", "id")
    assert (change.from_status, change.to_status, change.by_id) == (Status.IN_PROGRESS, Status.SUBMITTED, officer.pk)

    # --- The dashboard shows the new counts: one more awaiting approval, one fewer in progress.
    page.goto(f"/chuong-trinh/{program.pk}/")
    expect(page.get_by_test_id("count-awaiting")).to_have_text(str(awaiting_before + 1))
    expect(page.get_by_test_id("count-in-progress")).to_have_text(str(in_progress_before - 1))
    expect(page.get_by_test_id("count-total")).to_have_text(str(before.deliverables))
    after = selectors.program_summary(user=officer, program=program)
    assert (after.awaiting_approval, after.in_progress) == (awaiting_before + 1, in_progress_before - 1)
    page.screenshot(path=str(results_dir / "lead_officer_dashboard.png"), full_page=True)

    # --- Another unit's deliverable is out of reach: 404, nothing changed.
    denied = page.goto(f"/noi-dung/{other.pk}/")
    assert denied is not None, "no response for another unit's deliverable"
    assert denied.status == 404, f"another unit's deliverable answered {denied.status}"
    expect(page.get_by_test_id("transition-submit")).to_have_count(0)
    # Posting the transition directly, with the officer's session and CSRF token, is refused the same way.
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    forged = page.request.post(
        f"/noi-dung/{other.pk}/chuyen-trang-thai/", headers={"X-CSRFToken": csrf},
        form={"to_status": Status.SUBMITTED.value, "version": str(other_version)},
    )
    assert forged.status == 404, f"posting to another unit's deliverable answered {forged.status}"
    other.refresh_from_db()
    assert (other.status, other.version) == (other_status, other_version)
    assert StatusChange.objects.filter(deliverable=other).count() == other_changes

    assert page_errors == [], f"JavaScript errors in the page: {page_errors}"
