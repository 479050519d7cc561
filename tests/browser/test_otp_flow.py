"""End to end in real Chromium: a personnel officer (a role that must have a second factor) logs in with the
password, is kept on the enrolment page, enrols an authenticator app (the secret read from the page, codes
computed as the app would: django_otp.oath.totp), keeps the recovery codes, then logs in again with password and
code; a wrong code is refused with a message."""

import base64
from urllib.parse import urlparse

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from chidao.core.models import Role, User
from tests.core.test_otp import next_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-dung-2026"


def _app_code(secret: str) -> str:
    """What an authenticator app shows now for the secret typed from the page."""
    raw = secret.replace(" ", "")
    key = base64.b32decode(raw + "=" * (-len(raw) % 8))
    return f"{totp(key, step=30, t0=0, digits=6):06d}"


def _password(page: Page, username: str) -> None:
    page.goto("/dang-nhap/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form:has(#id_username) button[type=submit]").click()


def test_personnel_officer_enrols_then_logs_in_with_password_and_code(page: Page, units, settings):
    settings.CHIDAO_OTP_REQUIRED_ROLES = ["admin", "personnel"]
    user = User(username="tccb.thu", full_name="Cán bộ Tổ chức", role=Role.PERSONNEL, unit=units["snv"])
    user.set_password(PASSWORD)
    user.save()

    # --- The password alone opens only the enrolment page.
    _password(page, "tccb.thu")
    expect(page.get_by_test_id("otp-required")).to_be_visible()
    page.goto("/thong-bao/")
    assert urlparse(page.url).path == "/tai-khoan/xac-thuc-hai-lop/"

    # --- Enrol: the QR code and the secret show; the app's code confirms; ten recovery codes show once.
    page.get_by_test_id("otp-start").click()
    expect(page.get_by_test_id("otp-qr").locator("svg")).to_be_visible()
    secret = page.get_by_test_id("otp-secret").inner_text()
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: the page does not scroll sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("#id_code").fill(_app_code(secret))
    page.get_by_test_id("otp-confirm").click()
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    assert TOTPDevice.objects.get(user=user).confirmed is True
    page.goto("/thong-bao/")
    expect(page.get_by_test_id("who")).to_contain_text("Cán bộ Tổ chức")

    # --- Log out, log in again: the code is asked; a wrong one is refused, the right one lets in.
    page.locator("form[action='/dang-xuat/'] button").click()
    _password(page, "tccb.thu")
    expect(page.get_by_test_id("otp-verify")).to_be_visible()
    right = next_code(TOTPDevice.objects.get(user=user))  # the enrolment's code is spent: the app's next one
    page.locator("#id_code").fill(f"{(int(right) + 500_000) % 1_000_000:06d}")
    page.get_by_test_id("otp-submit").click()
    expect(page.get_by_test_id("otp-error")).to_contain_text("Mã xác thực không đúng hoặc đã được dùng.")
    expect(page.get_by_test_id("who")).to_have_count(0)
    page.wait_for_timeout(1100)  # django-otp waits a second after one wrong code before it checks the next
    page.locator("#id_code").fill(right)
    page.get_by_test_id("otp-submit").click()
    expect(page.get_by_test_id("who")).to_contain_text("Cán bộ Tổ chức")
    assert urlparse(page.url).path == "/"
