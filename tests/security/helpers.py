"""What the security tests share: the routes the code has, requests as a role, the database fingerprint, and
the text of any response body (workbooks and Word files unzipped)."""

import functools
import html
import io
import json
import zipfile
from typing import Any

from django.apps import apps
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .conftest import ANON, World

API_PREFIX = "/api/v1"
HTTP_METHODS = ("get", "put", "post", "delete", "patch")
# Tables a request may touch without changing anything that matters: the session, and the token's last use.
SKIPPED_TABLES = frozenset({"sessions.Session"})
VOLATILE_COLUMNS = frozenset({("core.ApiToken", "last_used_at"), ("core.User", "last_login")})


def page_patterns() -> dict[str, URLPattern]:
    """Every named URL pattern ("namespace:name") except the API operations (the OpenAPI schema lists those)."""
    found: dict[str, URLPattern] = {}

    def walk(resolver: URLResolver, namespace: str | None) -> None:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                walk(p, p.namespace or namespace)
            elif getattr(p.callback, "__module__", "") != "ninja.operation":
                name = f"{namespace}:{p.name}" if namespace else str(p.name)
                found[name] = p

    walk(get_resolver(), None)
    return found


def api_operations(client: Client) -> set[str]:
    """Every operation of the OpenAPI schema as "METHOD /path"."""
    schema = client.get(f"{API_PREFIX}/openapi.json").json()
    return {f"{method.upper()} {path}" for path, item in schema["paths"].items() for method in item
            if method in HTTP_METHODS}


def login(client: Client, world: World, role: str) -> None:
    if role == ANON:
        client.logout()
    else:
        client.force_login(world.users[role])  # type: ignore[arg-type]


def page_url(name: str, kwargs: dict[str, Any], query: str = "") -> str:
    url = reverse(name, kwargs=kwargs or None)
    return f"{url}?{query}" if query else url


def api_url(key: str, params: dict[str, Any], query: dict[str, str] | None = None) -> str:
    path = key.split(" ", 1)[1].format(**params)
    if query:
        path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return path


def api_headers(world: World, role: str, *, read: bool = False) -> dict[str, str]:
    if role == ANON:
        return {}
    token = (world.read_tokens if read else world.tokens)[role]
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def fingerprint() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (the world is small), so an update shows as well as an insert or delete.

    Read with plain SQL, the values as the database stores them: comparing is all it is for, and the ORM's
    conversion of each value would make it several times slower."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    with connection.cursor() as cursor:
        for label, sql in _fingerprint_queries():
            cursor.execute(sql)
            rows[label] = cursor.fetchall()
    return rows


@functools.cache
def _fingerprint_queries() -> tuple[tuple[str, str], ...]:
    queries = []
    quote = connection.ops.quote_name
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.label in SKIPPED_TABLES:
            continue
        columns = [f.column for f in meta.concrete_fields if (meta.label, f.attname) not in VOLATILE_COLUMNS]
        queries.append((meta.label, f"SELECT {', '.join(map(quote, columns))} FROM {quote(meta.db_table)} "
                                    f"ORDER BY {quote(meta.pk.column)}"))
    return tuple(queries)


def changed_tables(before: dict[str, list[tuple[Any, ...]]], after: dict[str, list[tuple[Any, ...]]]) -> list[str]:
    return sorted(label for label in before.keys() | after.keys() if before.get(label) != after.get(label))


def body_text(response: HttpResponse) -> str:
    """The response body as text; an Office file (zip) gives the text of all its XML parts."""
    content = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    if content[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                # openpyxl writes non-ASCII letters as character references (&#7889;): read them back
                return html.unescape("\n".join(archive.read(n).decode("utf-8", "replace")
                                               for n in archive.namelist() if n.endswith((".xml", ".rels"))))
        except zipfile.BadZipFile:
            pass
    text = content.decode("utf-8", "replace")
    if response.get("Content-Type", "").startswith("application/json"):
        # JSON may escape any character (\u1ed1): read it back to plain text
        text += "\n" + json.dumps(json.loads(content), ensure_ascii=False)
    if content[:5] == b"%PDF-":
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError

        try:
            text += "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
        except PyPdfError:  # not a whole PDF (the test attachments): the raw bytes are the text
            pass
    return text
