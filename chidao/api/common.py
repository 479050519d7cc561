"""What every API router shares: authentication with token scope, error schemas, pagination.

Routers (one module per app) declare endpoints that call one selector or service each; `api.py`
assembles them and turns domain errors into status codes with messages in the request's language
(`Accept-Language: en` for English, Vietnamese otherwise)."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination
from ninja.security import HttpBearer

from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.keyset import BadCursor, cursor_make, cursor_read, keyset_read
from chidao.core.models import TokenScope, User
from chidao.core.tokens import api_token_authenticate

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_PAGE = 1_000_000


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`. A read token may only read: any other method is refused here,
    once for every endpoint, before the endpoint runs."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = api_token_authenticate(token)
        if found is None:
            return None
        request.user = found.user
        request.token_scope = found.scope  # type: ignore[attr-defined]
        if request.method not in SAFE_METHODS and found.scope != TokenScope.WRITE:
            raise PermissionDenied(_("Mã truy cập này chỉ có quyền đọc."))
        return found.user


class ErrorOut(Schema):
    """Every refusal: `detail` says what is wrong in the request's language."""

    detail: str


class ValidationErrorOut(Schema):
    """Invalid input: `detail` in one sentence, `errors` per field (`__all__` for the whole request)."""

    detail: str
    errors: dict[str, list[str]]


# The statuses every endpoint may answer besides its success.
# A read may be refused outright (403: e.g. people to a role that reads no personnel record).
READ_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}
WRITE_ERRORS: dict[int, Any] = {**READ_ERRORS, 403: ErrorOut, 409: ErrorOut}


class Pager(PageNumberPagination):
    """`?page=N` (from 1) and `page_size` (default 50, at most 200); the body is `{"items": [...], "count": N}`."""

    class Input(PageNumberPagination.Input):
        # Bounded so the offset stays a database integer (SQLite: "datatype mismatch" beyond 2**63).
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(page_size=50, max_page_size=200, **kwargs)


class KeysetPager(Pager):
    """A long list (ADR 0015): `?page=N` as `Pager`, or `?after=<cursor>` for the rows after a cursor, read on the
    index of the list's order however deep (`core.keyset`). The body adds `next`: the cursor of the page's last
    row when more rows follow (null at the end), to pass as `after`. A cursor this list did not make: 422."""

    class Input(Pager.Input):
        after: str | None = Field(None, max_length=500)

    class Output(Schema):
        items: list[Any]
        count: int
        next: str | None = None

    def __init__(self, *, keys: tuple[str, str], name: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.keys, self.name = keys, name

    def paginate_queryset(self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any) -> Any:
        size = self._get_page_size(pagination.page_size)
        count = self._items_count(queryset)
        if pagination.after:
            try:
                values = cursor_read(pagination.after, keys=self.keys, name=self.name)
            except BadCursor as exc:
                raise ValidationError({"after": [str(exc)]}) from exc
            page = keyset_read(queryset, keys=self.keys, name=self.name, per_page=size, after=values)
            return {"items": page.object_list, "count": count, "next": page.next_cursor}
        offset = (pagination.page - 1) * size
        items = list(queryset.order_by(*self.keys)[offset:offset + size])
        more = bool(items) and offset + len(items) < count
        return {"items": items, "count": count,
                "next": cursor_make(items[-1], keys=self.keys, name=self.name) if more else None}
