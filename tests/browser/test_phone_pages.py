"""End to end in real Chromium at phone size (390 × 844): as each role, every page of the menu and the main
detail pages fit the screen (no sideways scroll of the page), the menu folds behind its button and opens to
reach the logout button, and the skip link is the first thing the keyboard reaches.

The data is the whole demo (`chidao demo --people 120`): the program, procedures, cadre records, a rotation
round with its plan, indicators and the extra accounts.
"""

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Page, expect

from chidao.core.models import Unit, User
from chidao.demo.program import DEMO_PASSWORD
from chidao.indicators.models import Indicator, TaskForce
from chidao.personnel.models import Person, PlanningTerm
from chidao.procedures.models import Procedure
from chidao.programs.models import Deliverable, Meeting, Program
from chidao.rotation.models import RotationRound

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
# One account per role, as the demo names them.
ROLES = {
    "admin": "admin",
    "office": "thuongtruc",
    "steering": "bcd",
    "lead officer": "cb.stc",
    "personnel": "tccb.snv",
    "reform": "cchc",
    "auditor": "kiemtra",
}


def _fits(page: Page, where: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{where} ({page.url}): the page is {width} px wide on a 390 px phone"


def _log_in(page: Page, username: str) -> None:
    page.goto("/dang-nhap/")
    _fits(page, "login page")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("form:has(#id_username) button[type=submit]").click()
    expect(page.get_by_test_id("menu-toggle")).to_be_visible()


def _open_menu(page: Page) -> None:
    toggle = page.get_by_test_id("menu-toggle")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_test_id("logout")).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")


def _detail_pages() -> list[str]:
    """The main detail pages of the demo, whoever may open them (a role that may not answers 403 or 404)."""
    program = Program.objects.order_by("pk").first()
    assert program is not None
    urls = [
        reverse("program_dashboard", args=[program.pk]), reverse("deliverable_list", args=[program.pk]),
        reverse("meeting_list", args=[program.pk]), reverse("program_reports", args=[program.pk]),
    ]
    for model, name in ((Deliverable, "deliverable_detail"), (Meeting, "meeting_detail"),
                        (Procedure, "procedure_detail"), (Indicator, "indicator_detail"),
                        (TaskForce, "task_force_detail"), (Person, "person_detail"), (RotationRound, "round_detail"),
                        (PlanningTerm, "planning_term_detail"), (User, "user_detail"),
                        (Unit, "unit_admin_detail")):
        first = model.objects.order_by("pk").first()
        if first is not None:
            urls.append(reverse(name, args=[first.pk]))
    # The deliverable with the longest title, the widest of the demo's detail pages.
    longest = max(Deliverable.objects.all(), key=lambda d: len(d.title))
    urls.append(reverse("deliverable_detail", args=[longest.pk]))
    return urls


def test_every_page_fits_a_phone_for_every_role(page: Page, settings, results_dir):
    # The second factor has its own flows (test_otp_flow, test_go_live_flow).
    settings.CHIDAO_OTP_REQUIRED_ROLES = []
    # Given the whole demo
    call_command("demo", people=120, verbosity=0)
    details = _detail_pages()
    page.set_viewport_size(PHONE)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    for role, username in ROLES.items():
        # When the role logs in on a phone
        _log_in(page, username)
        _fits(page, f"{role}: home")
        # Then the menu is folded; opened, it shows every page the role has and the logout button
        _open_menu(page)
        logout = page.get_by_test_id("logout")
        expect(logout).to_be_visible()
        box = logout.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
        assert box["height"] >= 44, f"{role}: the logout button is {box['height']} px high"
        _fits(page, f"{role}: menu open")
        links = page.locator("#site-nav a[href]").evaluate_all("els => els.map(e => e.getAttribute('href'))")
        assert len(links) >= 5, f"{role}: the menu has {links}"
        # And every page of the menu and every main detail page it may open fits the screen
        for url in [*links, *details]:
            response = page.goto(url)
            assert response is not None
            if response.status in (403, 404):
                continue
            assert response.status == 200, f"{role}: {url} answered {response.status}"
            expect(page.locator("main h1").first).to_be_visible()
            _fits(page, f"{role}: {url}")
        # And the logout button is reachable from the last page through the menu
        _open_menu(page)
        page.get_by_test_id("logout").click()
        expect(page.locator("#id_username")).to_be_visible()
    page.screenshot(path=str(results_dir / "phone-login.png"))
    assert errors == [], f"JavaScript errors: {errors}"


def test_the_skip_link_is_the_first_stop_and_leads_to_the_content(page: Page, settings):
    settings.CHIDAO_OTP_REQUIRED_ROLES = []
    # Given the demo program and the standing office on a phone
    call_command("demo", people=0, verbosity=0)
    page.set_viewport_size(PHONE)
    _log_in(page, "thuongtruc")
    page.goto("/chuong-trinh/")
    skip = page.get_by_test_id("skip-link")
    # The link is out of sight until focused
    box = skip.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 0
    # When the keyboard's first Tab is pressed, the skip link has the focus and shows
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_have_text("Bỏ qua, đến nội dung chính")
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0
    # And Enter moves the focus to the main content
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "noi-dung"
    # And the menu opens and closes with its button (and Escape)
    toggle = page.get_by_test_id("menu-toggle")
    toggle.click()
    expect(page.get_by_test_id("logout")).to_be_visible()
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_test_id("logout")).to_be_hidden()
    expect(toggle).to_be_focused()
