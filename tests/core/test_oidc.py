"""Single sign-on settings and discovery (core.oidc), against the real test provider (tests/oidc_provider) where a
provider is needed; the whole sign-in runs in Chromium in tests/browser/test_sso_flow.py."""

import pytest

from chidao.core.oidc import OIDCUnavailable, oidc_discovery_clear, oidc_provider_config
from tests.oidc_provider import oidc_provider_running

START = "/dang-nhap/sso/"
CALLBACK = "/dang-nhap/sso/callback/"
UNAVAILABLE = "Không kết nối được máy chủ đăng nhập một lần; hãy thử lại sau."


@pytest.fixture(autouse=True)
def _fresh_discovery():
    oidc_discovery_clear()
    yield
    oidc_discovery_clear()


def _configure(settings, issuer: str) -> None:
    settings.CHIDAO_OIDC_ISSUER = issuer
    settings.OIDC_RP_CLIENT_ID = "chidao"
    settings.OIDC_RP_CLIENT_SECRET = "chidao-test-secret"


def test_without_an_issuer_there_is_no_sso_button_and_its_pages_are_404(client, db, settings):
    settings.CHIDAO_OIDC_ISSUER = ""
    assert 'data-testid="sso-login"' not in client.get("/dang-nhap/").content.decode()
    assert client.get(START).status_code == 404
    assert client.get(CALLBACK, {"code": "x", "state": "y"}).status_code == 404


def test_with_an_issuer_the_login_page_offers_sso(client, db, settings):
    _configure(settings, "http://127.0.0.1:9")
    page = client.get("/dang-nhap/?next=/thong-bao/").content.decode()
    assert "Đăng nhập bằng tài khoản một lần (SSO)" in page
    assert 'href="/dang-nhap/sso/?next=/thong-bao/"' in page


def test_the_discovery_document_is_read_at_first_use_and_kept(settings):
    with oidc_provider_running("http://localhost:8000/dang-nhap/sso/callback/") as provider:
        _configure(settings, provider.issuer)
        config = oidc_provider_config()
        assert (config["authorization_endpoint"], config["jwks_uri"]) == (
            f"{provider.issuer}/auth", f"{provider.issuer}/jwks")
    # The provider is gone: the document read before is still used
    assert oidc_provider_config() == config


def test_a_document_naming_another_issuer_is_refused(settings):
    with oidc_provider_running("http://localhost:8000/dang-nhap/sso/callback/") as provider:
        _configure(settings, provider.issuer.replace("127.0.0.1", "localhost"))
        with pytest.raises(OIDCUnavailable):
            oidc_provider_config()


def test_an_unreachable_provider_sends_back_to_the_login_page_with_a_message(client, db, settings):
    _configure(settings, "http://127.0.0.1:9")
    response = client.get(START, follow=True)
    assert response.redirect_chain == [("/dang-nhap/", 302)]
    assert UNAVAILABLE in response.content.decode()
    assert "oidc_states" not in client.session
