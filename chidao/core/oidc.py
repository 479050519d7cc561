"""Single sign-on (OpenID Connect, mozilla-django-oidc) and the switch that turns password sign-in off.

Configured from the environment (settings.py): CHIDAO_OIDC_ISSUER turns it on; the client id and secret; the
claim that carries the login name (CHIDAO_OIDC_USERNAME_CLAIM, `preferred_username` by default). The provider's
endpoints are read from its discovery document (`<issuer>/.well-known/openid-configuration`) at the first sign-in
and kept for the life of the process (`oidc_provider_config`; a restart reads it again), so nothing is fetched
when the settings are imported and a provider that is down does not stop the application from starting.
ID tokens must be RS256, signed by a key of the provider's JWKS, for this client (`aud`) from this issuer
(`iss`), with the nonce of the request; the code exchange uses PKCE.

The provider vouches for a login name; `ChidaoOIDCBackend` signs in the EXISTING active user with that login
name (case ignored) and nobody else. An unknown name is refused with a message on the login page, and no
account is created unless CHIDAO_OIDC_CREATE_USERS=1. Each sign-in through SSO is in the change log
("sso_login"). The second factor then applies as after a password (`core.signin`).

The redirect address to register at the provider is `<site>/dang-nhap/sso/callback/`.
"""

import logging
import threading
from typing import Any

import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from .audit import change_record_create
from .errors import PermissionDenied
from .models import User
from .signin import first_factor_passed

log = logging.getLogger(__name__)

SIGN_ALGO = "RS256"
_discovered: dict[str, dict[str, Any]] = {}
_discovery_lock = threading.Lock()


class OIDCUnavailable(Exception):
    """The provider's discovery document could not be read."""


def oidc_enabled() -> bool:
    return bool(settings.CHIDAO_OIDC_ISSUER and settings.OIDC_RP_CLIENT_ID)


def oidc_provider_config() -> dict[str, Any]:
    """The provider's discovery document, fetched at first use and cached per issuer for the process."""
    issuer = settings.CHIDAO_OIDC_ISSUER
    with _discovery_lock:
        if issuer in _discovered:
            return _discovered[issuer]
        try:
            response = requests.get(f"{issuer}/.well-known/openid-configuration",
                                    timeout=settings.OIDC_TIMEOUT, verify=settings.OIDC_VERIFY_SSL)
            response.raise_for_status()
            config = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise OIDCUnavailable(str(exc)) from exc
        missing = {"authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri"} - set(config)
        if missing or str(config.get("issuer", "")).rstrip("/") != issuer:
            raise OIDCUnavailable(f"discovery document of {issuer}: wrong issuer or missing {sorted(missing)}")
        _discovered[issuer] = config
        return config


def oidc_discovery_clear() -> None:
    """Forget the cached discovery documents (tests; a provider that moved its endpoints)."""
    with _discovery_lock:
        _discovered.clear()


class PasswordLoginSwitchBackend:
    """With CHIDAO_PASSWORD_LOGIN=0 every password sign-in is refused here, before the model backends see it:
    the login form and any other caller of `authenticate(username=..., password=...)` alike. Deliberately no
    `get_user` (nor BaseBackend): it never holds a session, and the test client's `force_login` skips it."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None, password: str | None = None,
                     **kwargs: Any) -> None:
        if password is not None and not settings.CHIDAO_PASSWORD_LOGIN:
            raise PermissionDenied(_("Đăng nhập bằng mật khẩu đã tắt; hãy đăng nhập bằng tài khoản một lần (SSO)."))
        return None


class ChidaoOIDCBackend(OIDCAuthenticationBackend):
    """Signs in the existing active user whose login name the provider's claim carries (see the module)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Not the parent's: its endpoints come from the discovery document at the first sign-in, not settings.
        from django.contrib.auth import get_user_model

        self.UserModel = get_user_model()
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.OIDC_OP_TOKEN_ENDPOINT = self.OIDC_OP_USER_ENDPOINT = self.OIDC_OP_JWKS_ENDPOINT = ""

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:  # type: ignore[override]
        # Only the callback of the code flow (it passes the nonce), never a password sign-in.
        if request is None or "nonce" not in kwargs or "password" in kwargs or not oidc_enabled():
            return None
        try:
            config = oidc_provider_config()
            self.OIDC_OP_TOKEN_ENDPOINT = config["token_endpoint"]
            self.OIDC_OP_USER_ENDPOINT = config["userinfo_endpoint"]
            self.OIDC_OP_JWKS_ENDPOINT = config["jwks_uri"]
            return super().authenticate(request, **kwargs)  # type: ignore[no-any-return]
        except (OIDCUnavailable, SuspiciousOperation, requests.RequestException) as exc:
            log.warning("single sign-on refused: %s", exc)
            request.chidao_sso_error = True  # type: ignore[attr-defined]
            return None

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """The parent checks the signature (RS256, the provider's JWKS), the expiry and the nonce; the issuer
        and the audience are checked here."""
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        if str(payload.get("iss", "")).rstrip("/") != settings.CHIDAO_OIDC_ISSUER:
            raise SuspiciousOperation("ID token from another issuer")
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token for another client")
        return payload

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> User | None:
        info = self.get_userinfo(access_token, id_token, payload)
        if info.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("userinfo for another subject")
        claims = {**payload, **info}
        name = str(claims.get(settings.CHIDAO_OIDC_USERNAME_CLAIM) or "").strip()
        request = self.request
        if not name:
            request.chidao_sso_refused = ""
            return None
        matches = list(User.objects.filter(username__iexact=name, is_active=True)[:2])
        if len(matches) == 1:
            user = matches[0]
        elif not matches and settings.CHIDAO_OIDC_CREATE_USERS and not User.objects.filter(
                username__iexact=name).exists():
            user = self._create(name, claims)
        else:
            request.chidao_sso_refused = name
            return None
        change_record_create(actor=user, action="sso_login", obj=user,
                             after={"issuer": settings.CHIDAO_OIDC_ISSUER, "subject": str(claims.get("sub", ""))})
        return user

    def _create(self, name: str, claims: dict[str, Any]) -> User:
        """CHIDAO_OIDC_CREATE_USERS=1: a new account with the least rights (the default role, no unit, no
        password) that an administrator then completes."""
        email = str(claims.get("email") or "").strip()
        if email and User.objects.filter(email__iexact=email).exists():
            email = ""
        user = User(username=name, email=email, full_name=str(claims.get("name") or "")[:150])
        user.set_unusable_password()
        user.save()
        change_record_create(actor=None, action="create", obj=user,
                             after={"username": user.username, "email": user.email, "full_name": user.full_name},
                             reason=_("Tạo khi đăng nhập một lần (SSO)"))
        return user

    def get_user(self, user_id: Any) -> User | None:
        user = User._default_manager.select_related("unit").prefetch_related("role_grants").filter(pk=user_id).first()
        return user if user is not None and user.is_active else None


class OIDCStartView(OIDCAuthenticationRequestView):
    """/dang-nhap/sso/: to the provider's sign-in page (404 when single sign-on is not configured)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)  # the endpoint comes at get()
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get(self, request: HttpRequest) -> HttpResponse:
        if not oidc_enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = oidc_provider_config()["authorization_endpoint"]
        except OIDCUnavailable as exc:
            log.warning("single sign-on unavailable: %s", exc)
            messages.error(request, _("Không kết nối được máy chủ đăng nhập một lần; hãy thử lại sau."))
            return redirect("login")
        return super().get(request)  # type: ignore[no-any-return]


class OIDCCallbackView(OIDCAuthenticationCallbackView):
    """/dang-nhap/sso/callback/: the provider's answer; on success the second factor follows, as after a
    password (`core.signin.first_factor_passed`); a refusal is said on the login page."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not oidc_enabled():
            raise Http404
        return super().get(request)  # type: ignore[no-any-return]

    def login_success(self) -> HttpResponse:
        user: User = self.user
        return first_factor_passed(self.request, user, backend=user.backend,  # type: ignore[attr-defined]
                                   next_url=self.success_url)

    def login_failure(self) -> HttpResponse:
        refused = getattr(self.request, "chidao_sso_refused", None)
        if refused:
            messages.error(self.request, _(
                "Tài khoản “%(name)s” của hệ thống đăng nhập một lần chưa có hoặc đã bị khóa trong Chidao. "
                "Hãy đề nghị quản trị hệ thống tạo tài khoản với đúng tên đăng nhập này.") % {"name": refused})
        elif refused == "":
            messages.error(self.request, _("Hệ thống đăng nhập một lần không cho biết tên đăng nhập; không thể "
                                           "đăng nhập."))
        else:
            messages.error(self.request, _("Đăng nhập một lần không thành công; hãy thử lại."))
        return redirect("login")
