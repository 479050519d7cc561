"""REST API v1 (django-ninja): one router per app, assembled here, with the error handlers.

Endpoints are thin: each calls one selector or service, the same the pages call. Authentication: a
session (with CSRF) or `Authorization: Bearer <token>` (read or write scope, see `common.TokenAuth`).
Errors are `{"detail": ...}` (422 adds `errors` per field) in the request's language."""

import sys
from importlib import import_module
from typing import Any

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError
from ninja.security import django_auth

from chidao.core.errors import ConflictError, PermissionDenied, ValidationError
from chidao.core.htmx import error_dict
from chidao.core.http import AuthedRequest

from .common import TokenAuth
from .inputs import CHOICE_ERROR


class _Api(NinjaAPI):
    def get_openapi_operation_id(self, operation: Any) -> str:
        """`<module>_<function>`, where a module split out of another (along a seam) names the one it came
        from in `OPERATION_MODULE`, so operation ids (and clients generated from them) stay as they were."""
        module = getattr(sys.modules[operation.view_func.__module__], "OPERATION_MODULE",
                         operation.view_func.__module__)
        return f"{module}_{operation.view_func.__name__}".replace(".", "_")


api = _Api(
    title="Chidao API", version="1", urls_namespace="api_v1", auth=[TokenAuth(), django_auth],
    openapi_url="/openapi.json", docs_url="/docs",
    description=(
        "Chidao REST API. Authenticate with `Authorization: Bearer <token>` (`chidao token create`, or the "
        "token page) or a session. Read tokens may only read. Lists are paged with `page` and `page_size`. "
        "Errors: `{\"detail\": ...}`; 422 adds `errors` per field. Send `Accept-Language: en` for English."
    ),
)


def _invalid(request: AuthedRequest, errors: dict[str, list[str]]) -> HttpResponse:
    detail = "; ".join(m for msgs in errors.values() for m in msgs)
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


@api.exception_handler(ValidationError)
def _validation(request: AuthedRequest, exc: ValidationError) -> HttpResponse:
    return _invalid(request, error_dict(exc))


def _schema_message(error: dict[str, Any]) -> str:
    """Pydantic's reason for one field, said in the request's language."""
    kind = error.get("type", "")
    if kind == "missing":
        return _("bắt buộc phải có.")
    if kind.startswith("int_") or kind == "int_type":
        return _("phải là số nguyên.")
    if kind.startswith("date"):
        return _("phải là ngày dạng YYYY-MM-DD.")
    if kind.startswith("bool"):
        return _("phải là true hoặc false.")
    if kind in {"greater_than_equal", "greater_than", "less_than_equal", "less_than"}:
        limit = next(iter((error.get("ctx") or {}).values()), "")
        return {
            "greater_than_equal": _("phải lớn hơn hoặc bằng %(limit)s."),
            "greater_than": _("phải lớn hơn %(limit)s."),
            "less_than_equal": _("phải nhỏ hơn hoặc bằng %(limit)s."),
            "less_than": _("phải nhỏ hơn %(limit)s."),
        }[kind] % {"limit": limit}
    if kind.startswith("float"):
        return _("phải là số.")
    if kind in {"string_too_long", "too_long"}:
        return _("quá dài.")
    if kind in {"literal_error", "enum"}:
        return _("không phải giá trị được phép.")
    if kind in {"json_invalid", "model_attributes_type", "dict_type", "model_type"}:
        return _("không đúng định dạng JSON.")
    return _("không hợp lệ.")


@api.exception_handler(SchemaValidationError)
def _schema_invalid(request: AuthedRequest, exc: SchemaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        # ninja's location starts with where the value came from ("body", "payload", ...): drop that part,
        # but keep the field itself, even when it is called "file".
        loc = [str(p) for p in error.get("loc", ())]
        while len(loc) > 1 and loc[0] in {"body", "query", "path", "form", "file", "payload", "filters"}:
            loc.pop(0)
        field = ".".join(loc) or "__all__"
        if error.get("type") == CHOICE_ERROR:  # already the whole sentence, as `choice_check` says it
            errors.setdefault(field, []).append(str(error.get("msg", "")))
            continue
        errors.setdefault(field, []).append(_("Trường “%(field)s” %(reason)s") % {
            "field": field, "reason": _schema_message(error)})
    return _invalid(request, errors)


@api.exception_handler(HttpError)
def _http_error(request: AuthedRequest, exc: HttpError) -> HttpResponse:
    """ninja's own refusals; its 400 (a body that is not JSON) is invalid input like any other: 422."""
    if exc.status_code == 400:
        return _invalid(request, {"__all__": [_("Không đọc được nội dung yêu cầu (JSON hoặc biểu mẫu không hợp lệ).")]})
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: AuthedRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request, {"detail": _("Chưa đăng nhập hoặc mã truy cập không hợp lệ.")}, status=401)


@api.exception_handler(PermissionDenied)
def _denied(request: AuthedRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or _("Bạn không có quyền.")}, status=403)


@api.exception_handler(ConflictError)
def _conflict(request: AuthedRequest, exc: ConflictError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message}, status=409)


@api.exception_handler(Http404)
def _not_found(request: AuthedRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or _("Không tìm thấy.")}, status=404)


def _mount() -> None:
    from . import (
        indicators,
        meetings,
        otp,
        people,
        planning,
        procedures,
        programs,
        register,
        reports,
        reviews,
        rotation,
        rules,
        system,
    )
    from .extensions import router as extensions_router
    from .inbox import router as inbox_router
    from .users import router as users_router

    import_module("chidao.api.units")  # the unit writes, declared on the system router

    # Reviews before procedures: `/procedures/{procedure_id}` would otherwise take `/procedures/reviews`.
    for module in (system, programs, meetings, register, reports, people, planning, rotation, reviews, procedures,
                   indicators, otp, rules):
        api.add_router("", module.router)
    api.add_router("", users_router)
    api.add_router("", extensions_router)
    api.add_router("", inbox_router)


_mount()
