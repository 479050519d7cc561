"""Sensitive personnel fields (phone, e-mail, address, ID number) never reach a role that may not see them.

The person of unit A carries sentinel values (conftest.SENTINELS). Only administrators and the personnel
officers of A's subtree may see them (personnel.selectors.can_see_sensitive); for every other role the raw body
of every page, every API read, every export (workbooks and Word files unzipped, PDF text extracted) and every
people search must not contain any of them, and a search by a sentinel must not find the person.
"""

import pytest
from django.test import Client

from chidao.personnel.selectors import SENSITIVE_FIELDS

from .conftest import ADMIN, ANON, AUDITOR, HR_A, HR_B, OFFICE, ROLES, SENTINELS, World
from .helpers import api_headers, api_url, body_text, login, page_url
from .matrix import OPERATIONS, PAGES

pytestmark = pytest.mark.django_db

SEES_SENSITIVE = (ADMIN, HR_A)
MAY_NOT_SEE = tuple(role for role in ROLES if role not in SEES_SENSITIVE)
# Besides every page as the matrix asks it: the exports and searches that take parameters.
EXTRA_PAGES = (
    ("deliverable_list", lambda w: {"pk": w.program.pk}, "format=xlsx"),
    ("person_list", lambda w: {}, "q=Canh"),
    ("person_export", lambda w: {}, ""),
    ("person_export", lambda w: {}, "q=Canh"),
    ("person_access_log", lambda w: {}, "q=Canh"),
    ("rotation_plan_document", lambda w: {"pk": w.round.pk, "fmt": "pdf"}, ""),
)
EXTRA_API = ({"key": "GET /api/v1/people", "query": {"q": "Canh"}},
             {"key": "GET /api/v1/people/export", "query": {"q": "Canh"}})


def _leaks(text: str) -> list[str]:
    return [name for name, value in SENTINELS.items() if value.lower() in text.lower()]


def _bodies(client: Client, world: World, role: str) -> dict[str, str]:
    """What the role gets from every page, export and API read, by URL."""
    login(client, world, role)
    urls = [page_url(name, page.kwargs(world), page.query) for name, page in PAGES.items()
            if name not in {"logout"}]
    urls += [page_url(name, kwargs(world), query) for name, kwargs, query in EXTRA_PAGES]
    out = {url: body_text(client.get(url)) for url in urls}
    api = Client()
    headers = api_headers(world, role)
    for key, op in OPERATIONS.items():
        if key.startswith("GET "):
            url = api_url(key, op.params(world), op.query)
            out[url] = body_text(api.get(url, **headers))
    for extra in EXTRA_API:
        url = api_url(str(extra["key"]), {}, extra["query"])  # type: ignore[arg-type]
        out[url] = body_text(api.get(url, **headers))
    return out


@pytest.mark.parametrize("role", MAY_NOT_SEE)
def test_no_body_carries_a_sensitive_value(client, world, role):
    # Given the person of unit A with sentinels in every sensitive field
    # When the role reads every page, export and API operation
    bodies = _bodies(client, world, role)
    # Then none of them carries a sentinel
    leaks = {url: found for url, text in bodies.items() if (found := _leaks(text))}
    assert leaks == {}


@pytest.mark.parametrize("role", SEES_SENSITIVE)
def test_those_who_may_see_them_do(client, world, role):
    # Given the same person; when an administrator or A's personnel officer opens the record (page and API)
    bodies = _bodies(client, world, role)
    record = bodies[page_url("person_detail", {"pk": world.person.pk})]
    api_record = bodies[api_url("GET /api/v1/people/{person_id}", {"person_id": world.person.pk})]
    # Then every sensitive value is there (so the scan above would see a leak)
    assert (_leaks(record), _leaks(api_record)) == (list(SENSITIVE_FIELDS), list(SENSITIVE_FIELDS))


@pytest.mark.parametrize("role", [OFFICE, HR_B, ANON])
@pytest.mark.parametrize("field", SENSITIVE_FIELDS)
def test_a_search_by_a_sensitive_value_finds_nobody(client, world, role, field):
    # Given a role that may search people (or not) but may not see A's sensitive fields
    login(client, world, role)
    api = Client()
    headers = api_headers(world, role)
    value = SENTINELS[field]
    # When it searches by the sentinel: the list page, its export, the API
    page = client.get(page_url("person_list", {}, f"q={value}"))
    export = client.get(page_url("person_export", {}, f"q={value}"))
    listed = api.get(api_url("GET /api/v1/people", {}, {"q": value}), **headers)
    exported = api.get(api_url("GET /api/v1/people/export", {}, {"q": value}), **headers)
    # Then the person is not found (and the value is not echoed back from the record)
    name = world.person.full_name
    assert [name in body_text(r) for r in (page, export, listed, exported)] == [False, False, False, False]
    if role == OFFICE:
        assert listed.json()["count"] == 0


def test_the_office_finds_the_person_by_name_but_sees_masks(client, world):
    # Given the standing office, which reads every record with the sensitive fields masked
    login(client, world, OFFICE)
    # When it searches by name and opens the record
    found = Client().get(api_url("GET /api/v1/people", {}, {"q": "Canh"}), **api_headers(world, OFFICE))
    record = Client().get(api_url("GET /api/v1/people/{person_id}", {"person_id": world.person.pk}),
                          **api_headers(world, OFFICE)).json()
    # Then the person is found, and the record says the fields are hidden
    assert [p["full_name"] for p in found.json()["items"]] == [world.person.full_name]
    assert (record["sensitive_shown"], *(record[f] for f in SENSITIVE_FIELDS)) == (False, None, None, None, None)


@pytest.mark.parametrize(("role", "shown"), [(AUDITOR, False), (ADMIN, True)])
def test_the_change_log_masks_sensitive_fields_for_auditors(world, role, shown):
    # Given the change record of the person's creation (its `after` holds every recorded field)
    url = api_url("GET /api/v1/change-records", {}, {"object_type": "personnel.person",
                                                      "object_id": str(world.person.pk)})
    # When an auditor (who may not see them) and an administrator (who may) read the change log
    records = Client().get(url, **api_headers(world, role)).json()["items"]
    created = next(r for r in records if r["action"] == "create")
    # Then the administrator gets the values; the auditor, who may not read the person, gets neither the person nor
    # any value (issue 13: the change log follows the personnel scope)
    if shown:
        assert {name: created["after"][name] for name in SENSITIVE_FIELDS} == SENTINELS
        assert created["after"]["full_name"] == world.person.full_name
    else:
        assert (created["object_repr"], created["after"]) == ("Hồ sơ cán bộ (ẩn)", None)
