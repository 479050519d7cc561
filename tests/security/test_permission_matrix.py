"""Every page and every API operation against every role (the table is tests/security/matrix.py).

Pages come from the URL resolver and operations from the OpenAPI schema, so a new page or endpoint that the
table does not list fails `test_every_page_is_in_the_matrix` / `test_every_api_operation_is_in_the_matrix`.
Each GET is asked as every role; each write is posted as every role the table refuses (the status is the
table's and not one row of the database changes) and as every role it allows (it succeeds and changes the
database, inside a savepoint rolled back afterwards).
The world is built once per module (conftest.py), and each test runs in a savepoint rolled back after it.
"""

from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client

from .conftest import ANON, ROLES, World, refresh
from .helpers import (
    api_headers,
    api_operations,
    api_url,
    changed_tables,
    fingerprint,
    login,
    page_patterns,
    page_url,
)
from .matrix import OK, OPERATIONS, PAGES, Operation, Page

pytestmark = pytest.mark.django_db

SUCCESS = frozenset({200, 201, 202, 204, 302})
WRITE_PAGES = sorted(name for name, page in PAGES.items() if page.post is not None)
WRITE_OPERATIONS = sorted(key for key in OPERATIONS if not key.startswith("GET "))


def test_every_page_is_in_the_matrix():
    missing = sorted(set(page_patterns()) - set(PAGES))
    gone = sorted(set(PAGES) - set(page_patterns()))
    assert not missing, f"not in the permission matrix: {missing}"
    assert not gone, f"in the permission matrix but no longer a page: {gone}"


def test_every_api_operation_is_in_the_matrix(client):
    operations = api_operations(client)
    missing = sorted(operations - set(OPERATIONS))
    gone = sorted(set(OPERATIONS) - operations)
    assert not missing, f"not in the permission matrix: {missing}"
    assert not gone, f"in the permission matrix but no longer an API operation: {gone}"


def _get_page(client: Client, world: World, name: str, page: Page, role: str) -> Any:
    login(client, world, role)
    return client.get(page_url(name, page.kwargs(world), page.query))


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_get_as_every_role(client, world, name):
    # Given the world of unit A and one user per role
    page = PAGES[name]
    # When each role asks for the page
    responses = {role: _get_page(client, world, name, page, role) for role in ROLES}
    # Then each gets what the matrix says, and an anonymous visitor of a private page is sent to log in
    assert {role: r.status_code for role, r in responses.items()} == page.get
    if page.get[ANON] == 302 and name not in {"set_language"}:
        assert responses[ANON]["Location"].startswith(resolve_url(settings.LOGIN_URL))


def _post_page(client: Client, world: World, name: str, page: Page) -> Any:
    return client.post(page_url(name, page.kwargs(world)), page.data(world))


@pytest.mark.parametrize("name", WRITE_PAGES)
def test_page_write_refused_changes_nothing(client, world, name):
    page = PAGES[name]
    assert page.post is not None
    refused = {role: status for role, status in page.post.items() if status != OK}
    got, changes = {}, {}
    for role in refused:
        # Given the database as it is
        login(client, world, role)
        before = fingerprint()
        # When a role the matrix refuses posts a valid form
        got[role] = _post_page(client, world, name, page).status_code
        # Then it is refused and nothing changed
        changes[role] = changed_tables(before, fingerprint())
    assert got == refused
    assert changes == {role: page.refusal_writes.get(role, []) for role in refused}


@pytest.mark.parametrize("name", WRITE_PAGES)
def test_page_write_allowed_succeeds(client, world, name):
    page = PAGES[name]
    assert page.post is not None
    allowed = [role for role, status in page.post.items() if status == OK]
    got = {}
    for role in allowed:
        login(client, world, role)
        with transaction.atomic():
            # Given the state the write needs
            if page.prepare:
                page.prepare(world)
            before = fingerprint()
            # When a role the matrix allows posts the same form
            status = _post_page(client, world, name, page).status_code
            # Then it succeeds and writes
            got[role] = (status in SUCCESS, bool(changed_tables(before, fingerprint())))
            transaction.set_rollback(True)
        refresh(world)
    assert got == {role: (True, True) for role in allowed}


def _call(world: World, key: str, op: Operation, role: str, *, read: bool = False) -> Any:
    method = key.split(" ", 1)[0].lower()
    url = api_url(key, op.params(world), op.query)
    headers = api_headers(world, role, read=read)
    client = Client()
    if method == "get":
        return client.get(url, **headers)
    if op.multipart is not None:
        return getattr(client, method)(url, op.multipart(world), **headers)
    return getattr(client, method)(url, op.json(world) if op.json else {}, content_type="application/json",
                                   **headers)


@pytest.mark.parametrize("key", sorted(k for k in OPERATIONS if k.startswith("GET ")))
def test_api_read_as_every_role(world, key):
    # Given a write token per role (anonymous: none)
    op = OPERATIONS[key]
    # When each role calls the operation
    got = {role: _call(world, key, op, role).status_code for role in ROLES}
    # Then each gets what the matrix says
    assert got == op.expect


@pytest.mark.parametrize("key", WRITE_OPERATIONS)
def test_api_write_refused_changes_nothing(world, key):
    op = OPERATIONS[key]
    refused = {role: status for role, status in op.expect.items() if status != OK}
    got, changes = {}, {}
    for role in refused:
        before = fingerprint()
        got[role] = _call(world, key, op, role).status_code
        changes[role] = changed_tables(before, fingerprint())
    assert got == refused
    assert changes == {role: [] for role in refused}


@pytest.mark.parametrize("key", WRITE_OPERATIONS)
def test_api_write_with_a_read_token_refused(world, key):
    # Given the roles allowed to write, each with a read-only token
    op = OPERATIONS[key]
    allowed = [role for role, status in op.expect.items() if status == OK]
    before = fingerprint()
    # When they call the write
    got = {role: _call(world, key, op, role, read=True).status_code for role in allowed}
    # Then it is refused before the endpoint runs and nothing changed
    assert got == {role: 403 for role in allowed}
    assert changed_tables(before, fingerprint()) == []


@pytest.mark.parametrize("key", WRITE_OPERATIONS)
def test_api_write_allowed_succeeds(world, key):
    op = OPERATIONS[key]
    allowed = [role for role, status in op.expect.items() if status == OK]
    got = {}
    for role in allowed:
        with transaction.atomic():
            if op.prepare:
                op.prepare(world)
            before = fingerprint()
            status = _call(world, key, op, role).status_code
            got[role] = (status in SUCCESS, bool(changed_tables(before, fingerprint())))
            transaction.set_rollback(True)
        refresh(world)
    assert got == {role: (True, True) for role in allowed}

