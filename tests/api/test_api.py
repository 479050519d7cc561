"""API v1: the same rules as the pages, token or session authentication, clear errors."""

import datetime as dt

import pytest

from chidao.core.tokens import api_token_create
from chidao.programs import services
from chidao.programs.models import Deliverable, Status
from tests.conftest import at, pdf_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def bearer(users):
    def make(user_key: str, scope: str = "write") -> dict[str, str]:
        _token, raw = api_token_create(user=users[user_key], name="test", scope=scope)
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return make


def test_anonymous_is_refused(client, program):
    assert client.get("/api/v1/programs").status_code == 401
    assert client.get("/api/v1/programs", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401


def test_programs_list(client, program, bearer):
    response = client.get("/api/v1/programs", **bearer("auditor", "read"))
    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert [(p["id"], p["number"]) for p in response.json()["items"]] == [(program.pk, "01-CTr/TU")]


def test_summary_as_of_a_date(client, program, users, bearer, make_deliverable):
    d = make_deliverable(deadline=dt.date(2021, 9, 30))
    services.deliverable_transition(actor=users["snv"], deliverable=d, to_status=Status.IN_PROGRESS)
    headers = bearer("office", "read")
    past = client.get(f"/api/v1/programs/{program.pk}/summary?as_of=2021-03-29", **headers).json()
    assert (past["as_of"], past["deliverables"]) == ("2021-03-29", 0)
    on = client.get(f"/api/v1/programs/{program.pk}/summary?as_of=2021-10-01", **headers).json()
    assert {k: on[k] for k in ("deliverables", "lead_units", "completed", "awaiting_approval", "in_progress",
                               "not_started")} == {
        "deliverables": 1, "lead_units": 1, "completed": 0, "awaiting_approval": 0, "in_progress": 0,
        "not_started": 1}
    assert on["deadline_classes"] == {"done_on_time": 0, "done_late": 0, "open_on_time": 0, "open_overdue": 1}
    today = client.get(f"/api/v1/programs/{program.pk}/summary", **headers).json()
    assert today["in_progress"] == 1
    bad = client.get(f"/api/v1/programs/{program.pk}/summary?as_of=28/12/2021", **headers)
    assert bad.status_code == 422


def test_transition_follows_the_page_rules(client, users, bearer, make_deliverable):
    d = make_deliverable(lead="snv")
    url = f"/api/v1/deliverables/{d.pk}/transition"
    ok = client.post(url, {"to_status": "in_progress", "version": 1}, content_type="application/json",
                     **bearer("snv"))
    assert ok.status_code == 200
    assert (ok.json()["status"], ok.json()["version"], ok.json()["allowed_transitions"]) == (
        "in_progress", 2, ["draft_done", "submitted"])
    stale = client.post(url, {"to_status": "submitted", "version": 1}, content_type="application/json",
                        **bearer("snv"))
    assert stale.status_code == 409
    wrong = client.post(url, {"to_status": "completed", "version": 2}, content_type="application/json",
                        **bearer("snv"))
    assert wrong.status_code == 422
    assert "Không thể chuyển từ “đang thực hiện” sang “đã hoàn thành”." in wrong.json()["detail"]
    assert Deliverable.objects.get(pk=d.pk).status == Status.IN_PROGRESS


def test_denials_change_nothing(client, users, bearer, make_deliverable):
    d = make_deliverable(lead="stc")
    url = f"/api/v1/deliverables/{d.pk}/transition"
    body = {"to_status": "in_progress", "version": 1}
    assert client.post(url, body, content_type="application/json", **bearer("snv")).status_code == 404
    assert client.post(url, body, content_type="application/json", **bearer("stc", "read")).status_code == 403
    # The auditor holds read tokens only (no write token for a role that may not write)
    assert client.post(url, body, content_type="application/json", **bearer("auditor", "read")).status_code == 403
    assert Deliverable.objects.get(pk=d.pk).status == Status.NOT_STARTED
    assert d.status_changes.count() == 1


def test_completion_through_the_api_with_an_uploaded_document(client, users, bearer, make_deliverable):
    d = make_deliverable(lead="snv")
    for status in (Status.IN_PROGRESS, Status.SUBMITTED):
        d = services.deliverable_transition(actor=users["snv"], deliverable=d, to_status=status, at=at(2021, 9, 1))
    headers = bearer("office")
    upload = client.post(f"/api/v1/deliverables/{d.pk}/attachments", {"file": pdf_file(), "purpose": "approval"},
                         **headers)
    assert upload.status_code == 201
    done = client.post(f"/api/v1/deliverables/{d.pk}/transition", {
        "to_status": "completed", "doc_number": "7/QĐ", "doc_date": "2021-10-01", "version": d.version,
        "attachment_id": upload.json()["id"]}, content_type="application/json", **headers)
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["approval_doc_number"]) == ("completed", "7/QĐ")


def test_session_authentication_works(client, users, make_deliverable):
    d = make_deliverable(lead="snv")
    client.force_login(users["snv"])
    assert client.get(f"/api/v1/deliverables/{d.pk}").json()["code"] == d.code
    response = client.post(f"/api/v1/deliverables/{d.pk}/transition", {"to_status": "in_progress", "version": 1},
                           content_type="application/json")
    assert response.status_code == 200


def test_deliverable_list_filters_and_paginates(client, program, bearer, make_deliverable):
    make_deliverable(lead="snv", leader="Đinh Tiến Dũng")
    make_deliverable(lead="stc")
    data = client.get(f"/api/v1/programs/{program.pk}/deliverables?q=dinh+tien+dung", **bearer("office")).json()
    assert data["count"] == 1
    assert data["items"][0]["responsible_leader"] == "Đinh Tiến Dũng"


def test_openapi_schema_is_published(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/programs", "/api/v1/programs/{program_id}/summary",
            "/api/v1/deliverables/{deliverable_id}/transition"} <= set(schema["paths"])


NEW_PATHS = {
    # programs, deliverables, meetings
    "/api/v1/programs/{program_id}", "/api/v1/programs/{program_id}/deliverables/export",
    "/api/v1/programs/{program_id}/deliverables/import", "/api/v1/deliverable-import-template",
    "/api/v1/deliverables/{deliverable_id}/status-changes", "/api/v1/deliverables/{deliverable_id}/extensions",
    "/api/v1/deliverables/{deliverable_id}/notes", "/api/v1/deliverables/{deliverable_id}/attachments",
    "/api/v1/attachments/{attachment_id}/file", "/api/v1/programs/{program_id}/meetings",
    "/api/v1/meetings/{meeting_id}", "/api/v1/meetings/{meeting_id}/agenda-items",
    "/api/v1/meetings/{meeting_id}/points", "/api/v1/meetings/{meeting_id}/conclusions",
    # reports
    "/api/v1/report-jobs", "/api/v1/programs/{program_id}/report-jobs", "/api/v1/report-jobs/{job_id}",
    "/api/v1/report-jobs/{job_id}/file", "/api/v1/report-templates", "/api/v1/report-templates/{kind}",
    "/api/v1/report-templates/{kind}/file",
    # system
    "/api/v1/me", "/api/v1/units", "/api/v1/units/{unit_id}", "/api/v1/notifications", "/api/v1/notifications/read",
    "/api/v1/tokens", "/api/v1/tokens/{token_id}/revoke", "/api/v1/change-records",
}


def test_openapi_lists_every_program_report_and_system_path_with_its_methods(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert NEW_PATHS <= set(paths)
    assert set(paths["/api/v1/programs"]) == {"get", "post"}
    assert set(paths["/api/v1/programs/{program_id}/deliverables"]) == {"get", "post"}
    assert set(paths["/api/v1/deliverables/{deliverable_id}"]) == {"get", "patch"}
    assert set(paths["/api/v1/meetings/{meeting_id}"]) == {"get", "patch"}
    assert set(paths["/api/v1/report-templates/{kind}"]) == {"post", "delete"}
    assert set(paths["/api/v1/tokens"]) == {"get", "post"}
    # Downloads declare their file type; writes declare every refusal
    download = paths["/api/v1/report-jobs/{job_id}/file"]["get"]["responses"]
    assert "application/pdf" in download["200"]["content"]
    assert {"401", "403", "404", "409", "422"} <= set(paths["/api/v1/meetings/{meeting_id}/conclusions"]["post"][
        "responses"])
    assert {"403"} <= set(paths["/api/v1/change-records"]["get"]["responses"])


def test_the_program_report_and_system_schemas_have_names_of_their_own():
    """OpenAPI components are keyed by class name: a name used by two routers would describe one of them wrongly."""
    import inspect

    from ninja import Schema

    from chidao.api import (
        indicators,
        meetings,
        people,
        planning,
        procedures,
        programs,
        reports,
        reviews,
        rotation,
        system,
    )

    def names(module) -> set[str]:
        return {n for n, c in inspect.getmembers(module, inspect.isclass)
                if issubclass(c, Schema) and c.__module__ == module.__name__}

    mine = names(programs) | names(meetings) | names(reports) | names(system)
    assert len(mine) == len(names(programs)) + len(names(meetings)) + len(names(reports)) + len(names(system))
    for other in (people, planning, procedures, reviews, rotation, indicators):
        assert mine & names(other) == set(), other.__name__


def test_openapi_lists_the_choices_of_the_deliverable_list_filters(client):
    # Given the published schema
    schema = client.get("/api/v1/openapi.json").json()
    # When reading the deliverable list's query parameters
    params = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/programs/{program_id}/deliverables"]["get"][
        "parameters"]}
    # Then status, kind and deadline_class list their allowed values ("" is all)
    assert params["status"]["enum"] == ["not_started", "in_progress", "draft_done", "submitted", "completed",
                                        "returned", "cancelled", ""]
    assert params["kind"]["enum"] == ["chuyen_de", "de_an", "de_tai", "ke_hoach", "nhiem_vu", ""]
    assert params["deadline_class"]["enum"] == ["done_on_time", "done_late", "open_on_time", "open_overdue", ""]


def test_openapi_lists_the_gender_choices_of_the_people_list_filter(client):
    schema = client.get("/api/v1/openapi.json").json()
    params = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/people"]["get"]["parameters"]}
    assert params["gender"]["enum"] == ["male", "female", ""]


def test_openapi_lists_the_choices_of_the_procedure_list_filter(client):
    schema = client.get("/api/v1/openapi.json").json()
    params = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/procedures"]["get"]["parameters"]}
    assert params["status"]["enum"] == ["in_force", "not_yet", "abolished", "replaced", ""]
    assert params["level"]["enum"][-1] == ""
