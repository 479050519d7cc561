"""Issue 14, end to end in real Chromium: an administrator (with a second factor) creates an agency and a department
inside it, creates a personnel officer there; the officer sets a password from the mailed link, enrols TOTP (a
required role), logs in with password and code, changes the password; the administrator deactivates the officer,
and the officer's open session and API token stop working at once."""

import base64
import re
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from chidao.core.models import ApiToken, ChangeRecord, Role, Unit, UnitKind, UnitLevel, User
from chidao.core.otp import totp_enrol_confirm, totp_enrol_start
from chidao.core.tokens import api_token_create
from tests.browser.pickers import pick
from tests.core.test_otp import code_for, next_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADMIN_PASSWORD = "Quan-tri-2026-dai"
FIRST, SECOND = "Mat-khau-dau-tien-2026", "Mat-khau-moi-hon-2026"


def _app_code(secret: str) -> str:
    raw = secret.replace(" ", "")
    return f"{totp(base64.b32decode(raw + '=' * (-len(raw) % 8)), step=30, t0=0, digits=6):06d}"


def _password(page: Page, username: str, password: str) -> None:
    page.goto("/dang-nhap/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("form:has(#id_username) button[type=submit]").click()


def _code(page: Page, user: User) -> None:
    expect(page.get_by_test_id("otp-verify")).to_be_visible()
    page.locator("#id_code").fill(next_code(TOTPDevice.objects.get(user=user)))
    page.get_by_test_id("otp-submit").click()


def test_a_committee_goes_live_from_the_pages(page: Page, chromium, live_server, settings):
    settings.CHIDAO_OTP_REQUIRED_ROLES = ["admin", "personnel"]
    settings.CHIDAO_SITE_URL = live_server.url
    city = Unit.objects.create(code="HN", name="Thành phố Hà Nội", kind=UnitKind.LOCALITY, level=UnitLevel.PROVINCE)
    admin = User(username="quantri", full_name="Quản trị viên", role=Role.ADMIN, email="quantri@example.vn")
    admin.set_password(ADMIN_PASSWORD)
    admin.save()
    totp_enrol_confirm(actor=admin, code=code_for(totp_enrol_start(actor=admin)))

    # --- The administrator signs in with password and code.
    _password(page, "quantri", ADMIN_PASSWORD)
    _code(page, admin)
    expect(page.get_by_test_id("who")).to_contain_text("Quản trị viên")

    # --- An agency, then a department inside it from the agency's shortcut.
    page.get_by_test_id("units-link").click()
    page.get_by_test_id("unit-create").click()
    pick(page, "parent", "ha noi", city.name)
    page.locator("#id_code").fill("SKHCN")
    page.locator("#id_name").fill("Sở Khoa học và Công nghệ")
    page.locator("#id_kind").select_option("department")
    page.locator("#id_level").select_option("province")
    page.locator("#id_headcount").fill("60")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("unit-name")).to_have_text("Sở Khoa học và Công nghệ")
    page.get_by_test_id("add-department").click()
    page.locator("#id_code").fill("SKHCN-TCCB")
    page.locator("#id_name").fill("Phòng Tổ chức cán bộ")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("unit-name")).to_have_text("Phòng Tổ chức cán bộ")
    department = Unit.objects.get(code="SKHCN-TCCB")
    assert department.parent == Unit.objects.get(code="SKHCN")
    assert department.kind == UnitKind.DEPARTMENT

    # --- A personnel officer in the department; the set-password link goes by mail.
    page.get_by_test_id("users-link").click()
    page.get_by_test_id("user-create").click()
    page.locator("#id_username").fill("tccb.khcn")
    page.locator("#id_full_name").fill("Đinh Tiến Dũng")
    page.locator("#id_email").fill("dung.dt@skhcn.example.vn")
    page.locator("#id_role").select_option("personnel")
    pick(page, "unit", "to chuc can bo", department.name)
    page.get_by_test_id("save").click()
    officer = User.objects.get(username="tccb.khcn")
    assert (officer.role, officer.unit_id, officer.has_usable_password()) == (Role.PERSONNEL, department.pk, False)
    assert [m.to for m in mail.outbox] == [["dung.dt@skhcn.example.vn"]]
    link = re.search(r"(\S+/mat-khau/dat-lai/\S+/)", mail.outbox[0].body).group(1)
    assert link.startswith(live_server.url)

    # --- The officer, in their own browser, sets the password from the link...
    context = chromium.new_context(base_url=live_server.url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                   extra_http_headers={"Accept-Language": "vi"})
    context.set_default_timeout(30000)
    own = context.new_page()
    own.goto(link)
    own.locator("#id_new_password1").fill(FIRST)
    own.locator("#id_new_password2").fill(FIRST)
    own.get_by_test_id("set-password").click()
    expect(own.get_by_test_id("reset-complete")).to_be_visible()
    # ...signs in, is held on the enrolment page (a personnel officer must have a second factor), enrols...
    _password(own, "tccb.khcn", FIRST)
    expect(own.get_by_test_id("otp-required")).to_be_visible()
    own.get_by_test_id("otp-start").click()
    secret = own.get_by_test_id("otp-secret").inner_text()
    own.locator("#id_code").fill(_app_code(secret))
    own.get_by_test_id("otp-confirm").click()
    expect(own.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    # ...signs out and in again with password and code...
    own.locator("form[action='/dang-xuat/'] button").click()
    _password(own, "tccb.khcn", FIRST)
    _code(own, officer)
    expect(own.get_by_test_id("who")).to_contain_text("Đinh Tiến Dũng")
    # ...and changes the password.
    own.get_by_test_id("password-link").click()
    own.locator("#id_old_password").fill(FIRST)
    own.locator("#id_new_password1").fill(SECOND)
    own.locator("#id_new_password2").fill(SECOND)
    own.get_by_test_id("change-password").click()
    officer.refresh_from_db()
    assert officer.check_password(SECOND)
    own.goto("/thong-bao/")
    expect(own.get_by_test_id("who")).to_contain_text("Đinh Tiến Dũng")
    _token, raw = api_token_create(user=officer, name="Máy trạm", scope="read")
    api = Client()
    assert api.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200

    # --- The administrator deactivates the officer: their open session and their token stop at once.
    page.goto(f"/quan-tri/nguoi-dung/{officer.pk}/")
    page.locator("#id_reason").fill("Chuyển công tác")
    page.once("dialog", lambda d: d.accept())  # "Ngừng tài khoản …? Người này không đăng nhập được nữa; …"
    page.get_by_test_id("deactivate").click()
    expect(page.get_by_test_id("reactivate")).to_be_visible()
    officer.refresh_from_db()
    assert officer.is_active is False
    own.goto("/thong-bao/")
    assert urlparse(own.url).path == "/dang-nhap/"
    assert api.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert ApiToken.objects.get(user=officer).revoked_at is not None
    record = ChangeRecord.objects.filter(object_id=str(officer.pk), reason="Chuyển công tác").get()
    assert (record.actor, record.before, record.after) == (admin, {"is_active": True},
                                                           {"is_active": False, "tokens_revoked": 1})
    context.close()
