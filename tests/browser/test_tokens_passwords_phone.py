"""End to end in real Chromium at phone width (390 px): the token pages and the password pages fit the screen
(no sideways scroll), and a forgotten password is set again from the emailed link."""

import re

import pytest
from django.core import mail
from django.core.cache import caches
from playwright.sync_api import Page, expect

from chidao.core.tokens import api_token_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
NEW = "Sông Hồng chảy 2025!"


def _fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url}: {width} px wide"


def _log_in(page: Page, username: str, password: str = "pw") -> None:
    page.goto("/dang-nhap/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("form:has(#id_username) button[type=submit]").click()


def test_the_token_and_password_pages_fit_a_phone(page: Page, users, settings):
    settings.CHIDAO_OTP_REQUIRED_ROLES = []  # the second factor has its own flow (test_otp_flow, test_go_live_flow)
    # Given tokens of two users, one of them with a long name
    api_token_create(user=users["snv"], name="Đồng bộ số liệu báo cáo hằng tháng của Sở Nội vụ", scope="write")
    api_token_create(user=users["admin"], name="Quản trị", scope="read")
    page.set_viewport_size(PHONE)
    # When the administrator opens the token pages and the password page on a phone
    _log_in(page, "admin")
    for url in ("/tai-khoan/ma-truy-cap/", "/quan-tri/ma-truy-cap/", "/quan-tri/ma-truy-cap/?state=active",
                "/tai-khoan/mat-khau/"):
        page.goto(url)
        expect(page.locator("h1")).to_be_visible()
        # Then none scrolls sideways
        _fits(page)
    page.goto("/quan-tri/ma-truy-cap/")
    expect(page.get_by_test_id("tokens").locator("tbody tr")).to_have_count(2)


def test_a_forgotten_password_is_set_again_from_the_mail(page: Page, users, settings, live_server):
    # Given an officer with an email address, on a phone
    caches["limits"].clear()
    settings.CHIDAO_SITE_URL = live_server.url
    officer = users["snv"]
    officer.email = "can.bo@snv.example.vn"
    officer.save()
    page.set_viewport_size(PHONE)
    # When they follow "Quên mật khẩu?" from the login page and give their address
    page.goto("/dang-nhap/")
    page.get_by_test_id("forgot-password").click()
    _fits(page)
    page.locator("#id_email").fill("can.bo@snv.example.vn")
    page.get_by_test_id("send-reset").click()
    expect(page.get_by_test_id("reset-sent")).to_be_visible()
    _fits(page)
    # Then the mail's link opens the form; the new password is set and signs them in
    link = re.search(r"(\S+/mat-khau/dat-lai/\S+/)", mail.outbox[0].body).group(1)
    assert link.startswith(live_server.url)
    page.goto(link)
    page.locator("#id_new_password1").fill(NEW)
    page.locator("#id_new_password2").fill(NEW)
    _fits(page)
    page.get_by_test_id("set-password").click()
    expect(page.get_by_test_id("reset-complete")).to_be_visible()
    _log_in(page, "officer_snv", NEW)
    expect(page.get_by_test_id("who")).to_contain_text("officer_snv")
    # And the same link again is refused
    page.goto(link)
    expect(page.get_by_test_id("invalid-link")).to_be_visible()
