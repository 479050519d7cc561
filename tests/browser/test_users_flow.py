"""End to end in real Chromium at phone width (390 px): an administrator opens the account list from the top bar,
creates an account without e-mail and reads its temporary password once, and the list, form, account and import
pages never scroll sideways."""

import pytest
from playwright.sync_api import Page, expect

from chidao.core.models import Role, User
from tests.browser.pickers import pick
from tests.conftest import build_units

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} is {width} px wide"


def test_administrator_creates_an_account_on_a_phone(page: Page, live_server, settings):
    settings.CHIDAO_OTP_REQUIRED_ROLES = []  # the second factor has its own flow (test_otp_flow, test_go_live_flow)
    units = build_units()
    admin = User(username="quantri", full_name="Quản trị viên", role=Role.ADMIN)
    admin.set_password("Mat-khau-2026")
    admin.save()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/dang-nhap/")
    page.locator("#id_username").fill("quantri")
    page.locator("#id_password").fill("Mat-khau-2026")
    page.locator("form:has(#id_username) button[type=submit]").click()
    page.get_by_test_id("menu-toggle").click()  # on a phone the menu is folded behind its button
    page.get_by_test_id("users-link").click()
    expect(page.get_by_test_id("users")).to_contain_text("Quản trị viên")
    _no_sideways_scroll(page)
    page.get_by_test_id("user-create").click()
    _no_sideways_scroll(page)
    page.locator("#id_username").fill("tranthib")
    page.locator("#id_full_name").fill("Trần Thị Bình")
    page.locator("#id_role").select_option("personnel")
    pick(page, "unit", "tai chinh", units["stc"].name)
    page.get_by_test_id("save").click()
    password = page.get_by_test_id("password").inner_text().strip()
    _no_sideways_scroll(page)
    assert User.objects.get(username="tranthib").check_password(password)
    page.get_by_role("link", name="Xem tài khoản").click()
    expect(page.get_by_test_id("account")).to_contain_text("tranthib")
    assert password not in page.content()
    _no_sideways_scroll(page)
    page.goto("/quan-tri/nguoi-dung/nhap/")
    _no_sideways_scroll(page)
