"""Every text that enters through a request is Unicode NFC, the form Vietnamese text is stored and compared in.

The same word typed on a Mac, pasted from a PDF or sent by a script may arrive decomposed (NFD: "e" + combining
marks) or composed (NFC). Stored as it came, "Nguyễn" would be two different codes and search would miss half
of them. Query strings, form fields, uploaded file names and JSON bodies are normalized here, once, before any
view, form or endpoint sees them; the Excel imports normalize their cells the same way (`core.text.nfc`).
"""

import json
import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.request import RawPostDataException
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from . import logs, metrics
from .text import nfc, nfc_deep


def _normalized(query: QueryDict) -> QueryDict | None:
    """A copy of `query` in NFC, or None when it already is."""
    if all(nfc(k) == k and all(nfc(v) == v for v in vs) for k, vs in query.lists()):
        return None
    out = QueryDict(mutable=True, encoding=query.encoding)
    for key, values in query.lists():
        out.setlist(nfc(key), [nfc(v) for v in values])
    out._mutable = False
    return out


class NFCMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (query := _normalized(request.GET)) is not None:
            request.GET = query  # type: ignore[assignment]
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            self._body(request)
        return self.get_response(request)

    def _body(self, request: HttpRequest) -> None:
        if request.content_type == "application/json":
            try:
                raw = request.body
                data = json.loads(raw)
            except (RawPostDataException, ValueError):
                return  # unreadable: the endpoint answers it as it would
            normalized = nfc_deep(data)
            if normalized != data:
                request._body = json.dumps(normalized, ensure_ascii=False).encode()  # type: ignore[attr-defined]
            return
        if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            post: Any = request.POST  # parses the body once; Django keeps it on the request
            if (form := _normalized(post)) is not None:
                request._post = form  # type: ignore[attr-defined]
            for _field, uploads in request.FILES.lists():
                for upload in uploads:
                    if upload.name:
                        upload.name = nfc(upload.name)


# Pages a user who must change their password may still open: the change page itself, signing out, the reset
# pages (a link from the mail), the language switch. Static files and media are never held back.
PASSWORD_CHANGE_OPEN_URL_NAMES = frozenset({
    "password_change", "logout", "set_language", "password_reset", "password_reset_done",
    "password_reset_confirm", "password_reset_complete",
})


class PasswordChangeRequiredMiddleware:
    """A signed-in user with `must_change_password` (a temporary password given by an administrator) is sent to
    the change-password page from every other page until they change it.

    API: a request signed in by the session gets 403 with a message; a request with `Authorization: Bearer`
    is let through (a token is a separate credential the user made earlier, on the token page, and the
    temporary password is not what authenticates it; revoking tokens is the administrator's tool). Only with
    password sign-in on (CHIDAO_PASSWORD_LOGIN): with single sign-on only no password is ever asked."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and getattr(user, "must_change_password", False)
                and settings.CHIDAO_PASSWORD_LOGIN and not self._open(request)):
            return self._refuse(request)
        return self.get_response(request)

    @staticmethod
    def _open(request: HttpRequest) -> bool:
        path = request.path_info
        static = [p for p in (settings.STATIC_URL, settings.MEDIA_URL) if p and p != "/"]
        if any(path.startswith(p if p.startswith("/") else "/" + p) for p in static):
            return True
        if path.startswith("/api/") and request.META.get("HTTP_AUTHORIZATION", "").lower().startswith("bearer "):
            return True
        try:
            match = resolve(path)
        except Resolver404:
            return False
        return match.url_name in PASSWORD_CHANGE_OPEN_URL_NAMES

    @staticmethod
    def _refuse(request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": _("Bạn cần đổi mật khẩu tạm thời trước khi dùng hệ thống.")},
                                status=403)
        url = reverse("password_change")
        if request.headers.get("HX-Request") == "true":  # (django-htmx's request.htmx is set after this)
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)


class OTPEnrolmentMiddleware:
    """A user whose role requires a second factor and who signed in without one (the sign-in flow set
    `core.signin.ENROL_KEY` in the session) reaches only the enrolment page, logout and the language switch
    until they enrol; pages redirect there (htmx: HX-Redirect), the API answers 403."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from .signin import ENROL_KEY

        if getattr(request, "session", None) is not None and request.session.get(ENROL_KEY):
            # A temporary password is replaced first (its own check sends there); enrolment comes next.
            if request.user.is_authenticated and not getattr(request.user, "must_change_password", False):
                blocked = self._blocked(request)
                if blocked is not None:
                    return blocked
            elif not request.user.is_authenticated:
                request.session.pop(ENROL_KEY, None)
        return self.get_response(request)

    def _blocked(self, request: HttpRequest) -> HttpResponse | None:
        from django.http import JsonResponse
        from django.shortcuts import redirect
        from django.urls import reverse
        from django.utils.translation import gettext as _

        enrol = reverse("otp_enrol")
        if request.path_info in {enrol, reverse("logout"), reverse("set_language")}:
            return None
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": _("Hãy đăng ký xác thực hai lớp trước khi dùng hệ thống.")}, status=403)
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = enrol
            return response
        return redirect(enrol)


class PageLanguageMiddleware(LocaleMiddleware):
    """Pages speak Vietnamese unless the user chose English with the language switch (its cookie): an official's
    browser set to English must not turn the committee's pages English. The API keeps following the request's
    Accept-Language (`Accept-Language: en` for English), as its clients ask."""

    def process_request(self, request: HttpRequest) -> None:
        if request.path_info.startswith("/api/"):
            super().process_request(request)
            return
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


# --- Operations: request ids, the access log, request metrics, health checks and /metrics ----------------

access_log = logging.getLogger("chidao.request")

OPERATIONS_PATHS = logs.OPERATIONS_PATHS
# URL arguments that are secrets (the password link's token and user id): their values never reach the log.
SECRET_URL_KWARGS = frozenset({"token", "uidb64"})


def _log_path(request: HttpRequest) -> str:
    """The path for the access log: the query string's names only (`?q=&page=`), never its values (a search may
    be a person's name, a link may carry a token), and the values of secret URL arguments masked."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is not None:
        for key, value in match.kwargs.items():
            if key in SECRET_URL_KWARGS and value:
                path = path.replace(str(value), "***")
    if request.GET:
        path += "?" + "&".join(f"{key}=" for key in request.GET)
    return path


def _route(request: HttpRequest) -> str:
    """A bounded name for the request metrics: the resolved view name, "static" for static files, else
    "unresolved" (a 404, a redirect before resolving)."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name:
        return match.view_name
    static = "/" + settings.STATIC_URL.lstrip("/")
    return "static" if request.path_info.startswith(static) else "unresolved"


def _user_id(request: HttpRequest) -> int | None:
    for user in (getattr(request, "auth", None), getattr(request, "user", None)):
        if user is not None and getattr(user, "is_authenticated", False):
            return user.pk
    return None


class RequestIdMiddleware:
    """First of all: the request's id (a sane incoming X-Request-ID, else a new one) in `core.logs.request_id` for
    every log record written while it is answered, and in the response's X-Request-ID; then one access-log line
    on `chidao.request` (method, path without query values, status, duration, user id) and the request metrics."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = logs.request_id_from(request.META.get("HTTP_X_REQUEST_ID"))
        token = logs.request_id.set(rid)
        if getattr(settings, "CHIDAO_SENTRY", False):  # an error report names the request, as its log lines do
            import sentry_sdk

            sentry_sdk.set_tag("request_id", rid)
        start = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = rid
            if request.path_info.rstrip("/") not in OPERATIONS_PATHS:
                self._record(request, response, time.perf_counter() - start)
            return response
        finally:
            logs.request_id.reset(token)

    @staticmethod
    def _record(request: HttpRequest, response: HttpResponse, seconds: float) -> None:
        try:
            metrics.request_observe(method=request.method or "", route=_route(request), status=response.status_code,
                                    seconds=seconds)
            path = _log_path(request)
            user_id = _user_id(request)
        except Exception:  # the answer goes out whatever happens to its record
            access_log.exception("access log: the request could not be recorded")
            return
        access_log.info("%s %s %s %.1f ms", request.method, path, response.status_code, seconds * 1000,
                        extra={"method": request.method, "path": path, "status": response.status_code,
                               "duration_ms": round(seconds * 1000, 1), "user_id": user_id})


class OperationsEndpointsMiddleware:
    """/healthz, /readyz (chidao.core.health) and /metrics (chidao.core.metrics), answered here, before
    SecurityMiddleware: a load balancer or Prometheus reaches the server over plain HTTP by its address, so the
    HTTPS redirect, the host name check (ALLOWED_HOSTS), sessions, the login and second-factor checks and the
    lockout must not see these requests. /metrics checks its own access."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info.rstrip("/")
        if path in OPERATIONS_PATHS and request.method in ("GET", "HEAD"):
            from . import health

            views = {"/healthz": health.healthz, "/readyz": health.readyz, "/metrics": metrics.metrics_view}
            response = views[path](request)
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)
