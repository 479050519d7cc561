"""Schemathesis against /api/v1/openapi.json, in-process on the Django WSGI app: every operation, with an
administrator's write token, on a small demo world. No answer may be a server error, and every answer must be
declared by the schema (status) and match it (body). Derandomized and bounded, so CI is deterministic and quick.

Each operation runs with valid data (generated, and again with the path ids of real demo objects) and with
invalid data. The operations are driven by Hypothesis directly (`APIOperation.as_strategy`): Schemathesis'
pytest plugin does not run on pytest 9.2 (it reads `Node._nodeid`, which pytest removed).
"""


import pytest
import schemathesis
from django.apps import apps
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from chidao.core.models import Role, User
from chidao.core.tokens import api_token_create
from chidao.demo.indicators import indicators_load
from chidao.demo.people import people_load
from chidao.demo.procedures import procedures_load
from chidao.demo.program import demo_load
from chidao.demo.rotation import rounds_load
from chidao.programs.models import Program

from .sweep import sweep

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
EXAMPLES = 3  # per operation and kind of data (an operation without any input is called once): ~700 requests


def _demo_world() -> None:
    """Program 01-CTr/TU with its deliverables, the procedures registry, 30 people, a rotation round, indicators."""
    demo_load()
    procedures_load()
    people_load(count=30)
    rounds_load()
    indicators_load()


def _real_ids(names: set[str]) -> dict[str, int]:
    """A path parameter "<model>_id" gets the first existing <model> (e.g. program_id, person_id)."""
    models = {m._meta.model_name: m for m in apps.get_models()}
    out = {}
    for name in names:
        model = models.get(name.removesuffix("_id").replace("_", ""))
        pk = model._base_manager.order_by("pk").values_list("pk", flat=True).first() if model else None
        if pk is not None:
            out[name] = pk
    return out


@pytest.fixture
def wsgi_app():
    """The Django WSGI app, keeping the test's database connection open across requests (as Django's test
    client does): at the end of each request Django closes a connection it finds inside a transaction, which
    on PostgreSQL would close the test's own."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_every_operation_conforms_to_the_schema(wsgi_app):
    # Given the demo world, an administrator's write token and the schema the app serves
    _demo_world()
    admin = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
    assert admin is not None
    headers = {"Authorization": f"Bearer {api_token_create(user=admin, name='schemathesis', scope='write')[1]}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    # When every operation is called with valid data (random ids, then real ones) and with invalid data
    count, failures = sweep(schema, headers=headers, examples=EXAMPLES, checks=CHECKS, real_ids=_real_ids)
    # Then no answer is a server error or differs from what the schema declares
    assert count >= 10
    assert failures == [], "\n\n".join(f[:1500] for f in failures)


# --- What Schemathesis found, pinned (chidao/api/api.py and common.py) -----------------------------------


@pytest.fixture
def office_token(users) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=users['office'], name='t', scope='write')[1]}"}


def test_a_body_that_is_not_json_is_invalid_input(client, units, office_token):
    # Given a body that does not parse as JSON
    before = Program.objects.count()
    # When it is posted
    response = client.post("/api/v1/programs", "{\"number\": ", content_type="application/json", **office_token)
    # Then it is answered as invalid input (422, Vietnamese), not ninja's undeclared 400, and nothing is written
    assert (response.status_code, response.json()) == (422, {
        "detail": "Không đọc được nội dung yêu cầu (JSON hoặc biểu mẫu không hợp lệ).",
        "errors": {"__all__": ["Không đọc được nội dung yêu cầu (JSON hoặc biểu mẫu không hợp lệ)."]}})
    assert Program.objects.count() == before


@pytest.mark.parametrize("page", ["1000001", "99999999999999999999999"])
def test_a_page_number_beyond_the_pager_is_invalid_input(client, program, office_token, page):
    # When a list is asked for a page whose offset no database integer holds
    response = client.get(f"/api/v1/programs?page={page}", **office_token)
    # Then it is invalid input naming the field, not a server error
    assert (response.status_code, list(response.json()["errors"])) == (422, ["page"])


def test_the_last_page_number_is_accepted(client, program, office_token):
    response = client.get("/api/v1/programs?page=1000000", **office_token)
    assert (response.status_code, response.json()) == (200, {"items": [], "count": 1})


def test_a_read_refused_outright_is_declared(client):
    # Given the schema: the people list answers 403 to a role that reads no personnel record
    schema = client.get("/api/v1/openapi.json").json()
    # Then 403 is among its declared answers, as on every read
    reads = [op for item in schema["paths"].values() for method, op in item.items() if method == "get"]
    assert "403" in schema["paths"]["/api/v1/people"]["get"]["responses"]
    assert all("403" in op["responses"] for op in reads if "401" in op["responses"])
