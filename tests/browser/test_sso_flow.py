"""End to end in real Chromium: single sign-on through a real OpenID Connect provider started here (node's
`oidc-provider`, tests/oidc_provider), not a mock.

The provider vouches for "CB.SSO" (Chidao's user "cb.sso": case ignored) and for "nguoi.la" (no Chidao account).
Chidao reads the provider's endpoints from its discovery document, exchanges the code (PKCE) and checks the RS256
ID token against the provider's JWKS.
"""

from urllib.parse import urlparse

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from chidao.core.models import ChangeRecord, Role, User
from chidao.core.oidc import oidc_discovery_clear
from chidao.core.otp import totp_enrol_confirm, totp_enrol_start
from tests.core.test_otp import code_for, next_code
from tests.oidc_provider import oidc_provider_running

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def provider(live_server):  # type: ignore[no-untyped-def]
    with oidc_provider_running(f"{live_server.url}/dang-nhap/sso/callback/") as running:
        yield running


@pytest.fixture
def sso(settings, provider):  # type: ignore[no-untyped-def]
    """Chidao configured for the provider, as the environment would (CHIDAO_OIDC_*)."""
    settings.CHIDAO_OIDC_ISSUER = provider.issuer
    settings.OIDC_RP_CLIENT_ID = provider.client_id
    settings.OIDC_RP_CLIENT_SECRET = provider.client_secret
    settings.CHIDAO_OIDC_USERNAME_CLAIM = "preferred_username"
    settings.CHIDAO_OIDC_CREATE_USERS = False
    settings.CHIDAO_OTP_REQUIRED_ROLES = ["admin", "personnel"]
    oidc_discovery_clear()
    yield provider
    oidc_discovery_clear()


def _sign_in_at_the_provider(page: Page, login: str) -> None:
    """Chidao's login page -> the SSO button -> the provider's sign-in form and its consent page."""
    page.goto("/dang-nhap/")
    page.get_by_test_id("sso-login").click()
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("mat-khau-o-nha-cung-cap")
    page.locator("button[type=submit]").click()
    page.get_by_role("button", name="Continue").click()


def test_a_user_signs_in_through_the_provider_and_lands_on_the_dashboard(page: Page, sso, units, settings):
    # Given Chidao's user "cb.sso", and password sign-in switched off
    user = User.objects.create(username="cb.sso", full_name="Cán bộ SSO", role=Role.LEAD_OFFICER,
                               unit=units["snv"])
    settings.CHIDAO_PASSWORD_LOGIN = False
    page.goto("/dang-nhap/")
    expect(page.locator("#id_password")).to_have_count(0)
    expect(page.get_by_test_id("sso-login")).to_have_text("Đăng nhập bằng tài khoản một lần (SSO)")
    # When they sign in at the provider as "CB.SSO"
    _sign_in_at_the_provider(page, "cb.sso")
    # Then they are on Chidao's first page for a lead officer ("Việc của tôi") as that user, and the sign-in is
    # in the change log
    expect(page.get_by_test_id("who")).to_contain_text("Cán bộ SSO")
    assert urlparse(page.url).path == "/viec-cua-toi/"
    [record] = ChangeRecord.objects.filter(action="sso_login", object_id=str(user.pk))
    assert (record.actor_id, record.after) == (user.pk, {"issuer": sso.issuer, "subject": "cb.sso"})


def test_an_unknown_login_name_is_refused_and_nothing_is_created(page: Page, sso, units):
    before = sorted(User.objects.values_list("username", flat=True))
    # When someone the provider knows but Chidao does not signs in
    _sign_in_at_the_provider(page, "nguoi.la")
    # Then they are back on the login page with the reason, not signed in, and no account was made
    expect(page.locator(".messages li.error")).to_contain_text(
        "Tài khoản “nguoi.la” của hệ thống đăng nhập một lần chưa có hoặc đã bị khóa trong Chidao.")
    expect(page.get_by_test_id("who")).to_have_count(0)
    assert "/dang-nhap/" in page.url
    assert sorted(User.objects.values_list("username", flat=True)) == before
    assert not ChangeRecord.objects.filter(action__in=["sso_login", "create"]).exists()


def test_a_deactivated_user_is_refused(page: Page, sso, units):
    User.objects.create(username="cb.sso", role=Role.LEAD_OFFICER, unit=units["snv"], is_active=False)
    _sign_in_at_the_provider(page, "cb.sso")
    expect(page.locator(".messages li.error")).to_contain_text("Tài khoản “CB.SSO”")
    expect(page.get_by_test_id("who")).to_have_count(0)
    assert not ChangeRecord.objects.filter(action="sso_login").exists()


def test_after_the_provider_a_user_with_a_second_factor_enters_the_code(page: Page, sso, units):
    user = User.objects.create(username="cb.sso", full_name="Cán bộ SSO", role=Role.PERSONNEL, unit=units["snv"])
    device = totp_enrol_start(actor=user)
    totp_enrol_confirm(actor=user, code=code_for(device))
    device = TOTPDevice.objects.get(pk=device.pk)
    _sign_in_at_the_provider(page, "cb.sso")
    # The provider vouched, but the code is asked before anything opens
    expect(page.get_by_test_id("otp-verify")).to_be_visible()
    expect(page.get_by_test_id("who")).to_have_count(0)
    page.locator("#id_code").fill(next_code(device))
    page.get_by_test_id("otp-submit").click()
    expect(page.get_by_test_id("who")).to_contain_text("Cán bộ SSO")


def test_with_account_creation_on_an_unknown_name_gets_an_account_with_the_least_rights(page: Page, sso, settings):
    settings.CHIDAO_OIDC_CREATE_USERS = True
    _sign_in_at_the_provider(page, "nguoi.la")
    expect(page.get_by_test_id("who")).to_contain_text("Người Lạ")
    user = User.objects.get(username="nguoi.la")
    assert (user.full_name, user.email, user.role, user.unit_id, user.has_usable_password()) == (
        "Người Lạ", "nguoi.la@example.vn", Role.LEAD_OFFICER, None, False)
    assert list(ChangeRecord.objects.filter(object_id=str(user.pk)).values_list("action", "actor_id")) == [
        ("sso_login", user.pk), ("create", None)]
