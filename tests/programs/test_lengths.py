"""Item 6 of issue 13: titles, notes, descriptions and names have a maximum, enforced in the service layer, so
the page, the API and the import refuse an over-long value with the same message and write nothing."""

import datetime as dt

import pytest

from chidao.core.errors import ValidationError
from chidao.core.limits import NOTE_MAX, TITLE_MAX, lengths_check
from chidao.core.models import ChangeRecord
from chidao.core.tokens import api_token_create
from chidao.programs import excel, services
from chidao.programs.models import Deliverable, Meeting, Note
from tests.programs.test_import import _office_workbook

pytestmark = pytest.mark.django_db
JSON = "application/json"
LONG_TITLE = "T" * (TITLE_MAX + 1)
LONG_NOTE = "N" * (NOTE_MAX + 1)
TITLE_MESSAGE = "Quá dài: tối đa 1.000 ký tự (đã nhập 1.001)."
NOTE_MESSAGE = "Quá dài: tối đa 20.000 ký tự (đã nhập 20.001)."


@pytest.fixture
def bearer(users):
    def make(user_key: str) -> dict[str, str]:
        _token, raw = api_token_create(user=users[user_key], name="test", scope="write")
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return make


def test_the_limits_are_one_helper():
    # A TextField by its kind, a CharField by its max_length
    lengths_check(Deliverable, title="T" * TITLE_MAX, code="C" * 16)
    with pytest.raises(ValidationError) as exc:
        lengths_check(Deliverable, title=LONG_TITLE, code="C" * 17, description=None)
    assert exc.value.message_dict == {"title": [TITLE_MESSAGE],
                                      "code": ["Quá dài: tối đa 16 ký tự (đã nhập 17)."]}


def test_the_service_refuses_a_long_title_on_create_and_update(users, program, units, make_deliverable):
    with pytest.raises(ValidationError) as exc:
        services.deliverable_create(actor=users["office"], program=program, code="99", kind="de_an",
                                    title=LONG_TITLE, lead_unit=units["snv"], original_deadline=dt.date(2021, 9, 30))
    assert exc.value.message_dict == {"title": [TITLE_MESSAGE]}
    d = make_deliverable(lead="snv")
    with pytest.raises(ValidationError) as exc:
        services.deliverable_update(actor=users["snv"], deliverable=d, expected_version=1, title=LONG_TITLE)
    assert exc.value.message_dict == {"title": [TITLE_MESSAGE]}
    d.refresh_from_db()
    assert (d.title, d.version, Deliverable.objects.count()) == ("Đề án thử số 1", 1, 1)


def test_the_page_refuses_a_long_title_and_a_long_note(client, users, program, units, make_deliverable):
    client.force_login(users["office"])
    created = client.post(f"/chuong-trinh/{program.pk}/giao-noi-dung/", {
        "code": "99", "kind": "de_an", "title": LONG_TITLE, "lead_unit": units["snv"].pk,
        "original_deadline": "30/09/2021"})
    assert TITLE_MESSAGE in created.content.decode() and not Deliverable.objects.exists()
    d = make_deliverable(lead="snv")
    note = client.post(f"/noi-dung/{d.pk}/trao-doi/", {"kind": "comment", "text": LONG_NOTE})
    assert NOTE_MESSAGE in note.content.decode() and not Note.objects.exists()


def test_the_api_refuses_a_long_title_and_a_long_note(client, program, units, bearer, make_deliverable):
    created = client.post(f"/api/v1/programs/{program.pk}/deliverables", {
        "code": "99", "kind": "de_an", "title": LONG_TITLE, "lead_unit_id": units["snv"].pk,
        "original_deadline": "2021-09-30"}, content_type=JSON, **bearer("office"))
    assert (created.status_code, created.json()["errors"]) == (422, {"title": [TITLE_MESSAGE]})
    d = make_deliverable(lead="snv")
    patched = client.patch(f"/api/v1/deliverables/{d.pk}", {"version": 1, "title": LONG_TITLE}, content_type=JSON,
                           **bearer("snv"))
    note = client.post(f"/api/v1/deliverables/{d.pk}/notes", {"kind": "comment", "text": LONG_NOTE},
                       content_type=JSON, **bearer("snv"))
    assert (patched.status_code, patched.json()["errors"]) == (422, {"title": [TITLE_MESSAGE]})
    assert (note.status_code, note.json()["errors"]) == (422, {"text": [NOTE_MESSAGE]})
    d.refresh_from_db()
    assert (d.title, d.version, Note.objects.count()) == ("Đề án thử số 1", 1, 0)


def test_the_import_refuses_a_long_title_by_row_and_column(users, program):
    # Given a title one character over the limit
    changes = ChangeRecord.objects.count()
    rows = [["01", "Đề án", LONG_TITLE, "Sở Nội vụ", "", "", "30/06/2021", ""]]
    result = excel.deliverables_import(actor=users["office"], program=program, file=_office_workbook(rows))
    # (the import's column spec takes its limit from the same place, and names the column)
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (5, "Tên nội dung", "Tên nội dung dài quá 1000 ký tự.")]
    assert (Deliverable.objects.count(), ChangeRecord.objects.count()) == (0, changes)


def test_meetings_refuse_long_minutes(users, program):
    with pytest.raises(ValidationError) as exc:
        services.meeting_create(actor=users["office"], program=program, kind=Meeting.Kind.STOCKTAKE, title="Họp",
                                held_on=dt.date(2021, 6, 1), chair="Bí thư", minutes="M" * 100_001)
    assert exc.value.message_dict == {"minutes": ["Quá dài: tối đa 100.000 ký tự (đã nhập 100.001)."]}


def test_every_app_refuses_over_long_text(users, units):
    """The same helper guards the other apps' services (one case each)."""
    from chidao.indicators import services as indicator_services
    from chidao.personnel.planning import planning_term_create
    from chidao.procedures import services as procedure_services

    with pytest.raises(ValidationError) as exc:
        planning_term_create(actor=users["admin"], name="N" * 33, start_year=2025, end_year=2030)
    assert exc.value.message_dict == {"name": ["Quá dài: tối đa 32 ký tự (đã nhập 33)."]}
    with pytest.raises(ValidationError) as exc:
        procedure_services.procedure_create(actor=users["admin"], code="1.000001", name="N" * 1_001, level="province",
                                            field="Y tế", unit=units["snv"])
    assert exc.value.message_dict == {"name": ["Quá dài: tối đa 1.000 ký tự (đã nhập 1.001)."]}
    with pytest.raises(ValidationError) as exc:
        indicator_services.task_force_create(actor=users["admin"], name="Tổ", remit="R" * 20_001)
    assert exc.value.message_dict == {"remit": ["Quá dài: tối đa 20.000 ký tự (đã nhập 20.001)."]}
