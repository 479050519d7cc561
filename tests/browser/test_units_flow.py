"""End to end in real Chromium, at phone width: an administrator creates an agency with the parent picked by a
search without diacritics, adds a department inside it from the agency's page, gives it a post, and dissolves
it; every page fits 390 px."""

import pytest
from playwright.sync_api import Page, expect

from chidao.core.models import Role, Unit, UnitKind, UnitLevel, User
from chidao.personnel.models import Position
from tests.browser.pickers import pick

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_administrator_builds_an_agency_with_a_department(page: Page, live_server, settings, results_dir):
    settings.CHIDAO_OTP_REQUIRED_ROLES = []  # the second factor has its own flow (test_otp_flow, test_go_live_flow)
    city = Unit.objects.create(code="HN", name="Thành phố Hà Nội", kind=UnitKind.LOCALITY, level=UnitLevel.PROVINCE)
    Unit.objects.create(code="UBND", name="Ủy ban nhân dân Thành phố", kind=UnitKind.PEOPLES_COMMITTEE,
                        level=UnitLevel.PROVINCE, parent=city)
    admin = User(username="quantri", role=Role.ADMIN, full_name="Quản trị")
    admin.set_password("Mat-khau-dai-1")
    admin.save()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/dang-nhap/")
    page.locator("#id_username").fill("quantri")
    page.locator("#id_password").fill("Mat-khau-dai-1")
    page.locator("form:has(#id_username) button[type=submit]").click()
    # On a phone the menu is folded behind its button.
    page.get_by_test_id("menu-toggle").click()
    expect(page.get_by_test_id("who")).to_be_visible()

    # Create the agency: the parent found by typing without diacritics.
    page.get_by_test_id("units-link").click()
    page.get_by_test_id("unit-create").click()
    _fits(page)
    pick(page, "parent", "uy ban nhan dan", "Ủy ban nhân dân Thành phố")
    page.locator("#id_code").fill("SXD")
    page.locator("#id_name").fill("Sở Xây dựng")
    page.locator("#id_kind").select_option("department")
    page.locator("#id_level").select_option("province")
    page.locator("#id_headcount").fill("80")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("unit-name")).to_have_text("Sở Xây dựng")
    expect(page.get_by_test_id("headcount")).to_have_text("80")
    _fits(page)

    # A department inside it, from the shortcut: kind and parent preset.
    page.get_by_test_id("add-department").click()
    expect(page.locator("#id_kind")).to_have_value("department")
    page.locator("#id_code").fill("SXD-VP")
    page.locator("#id_name").fill("Văn phòng Sở Xây dựng")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("unit-name")).to_have_text("Văn phòng Sở Xây dựng")
    office = Unit.objects.get(code="SXD-VP")
    assert office.parent == Unit.objects.get(code="SXD")

    # A post of the department, from its count.
    page.get_by_test_id("counts").get_by_role("link").click()
    page.locator("#id_title").fill("Chánh Văn phòng")
    page.locator("#id_level").select_option("2")
    page.get_by_test_id("save-post").click()
    expect(page.get_by_test_id("posts")).to_contain_text("Chánh Văn phòng")
    _fits(page)
    assert Position.objects.filter(unit=office, title="Chánh Văn phòng").exists()

    # A unit with a post cannot be deleted, only dissolved.
    page.goto(f"/quan-tri/don-vi/{office.pk}/xoa/")
    page.get_by_test_id("confirm-delete").click()
    expect(page.get_by_test_id("form-errors")).to_contain_text("chỉ có thể giải thể")
    page.goto(f"/quan-tri/don-vi/{office.pk}/giai-the/")
    page.locator("#id_on").fill("31/12/2025")
    # Dissolving asks first, naming the unit and what follows.
    asked: list[str] = []
    page.once("dialog", lambda d: (asked.append(d.message), d.accept()))
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("valid-to")).to_have_text("31/12/2025")
    assert asked and asked[0].startswith(f"Giải thể đơn vị “{office.name}”?")
    page.screenshot(path=str(results_dir / "units-dissolved.png"))
