"""Item 5 of issue 13: one accepted date range on every path (forms, API, imports, query parameters), and a
stored extreme date never turns a page or a report into a 500."""

import datetime as dt
import io

import openpyxl
import pytest

from chidao.core.dates import add_days, parse_date
from chidao.core.imports import read_date
from chidao.core.tokens import api_token_create
from chidao.programs import excel
from chidao.programs.models import Deliverable
from chidao.reports.models import ReportJob

pytestmark = pytest.mark.django_db
RANGE = "Ngày phải trong khoảng từ 01/01/1900 đến 31/12/2100."
JSON = "application/json"


def _bearer(user) -> dict[str, str]:
    _token, raw = api_token_create(user=user, name="test", scope="write")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def far(make_deliverable) -> Deliverable:
    """A deliverable whose deadline was stored as 30/12/9999 (before the range was enforced)."""
    d = make_deliverable(lead="snv")
    Deliverable.objects.filter(pk=d.pk).update(deadline=dt.date(9999, 12, 30), original_deadline=dt.date(9999, 12, 30))
    return d


def test_pages_survive_a_stored_far_deadline(client, users, program, far):
    # Given a stored deadline of 30/12/9999
    client.force_login(users["office"])
    # When the reports page and the program page are opened
    reports = client.get(f"/chuong-trinh/{program.pk}/bao-cao/")
    page = client.get(f"/chuong-trinh/{program.pk}/")
    # Then both answer
    assert (reports.status_code, page.status_code) == (200, 200)


def test_a_report_build_survives_a_stored_far_deadline(client, users, program, far):
    # When a stocktake is built over it through the API
    response = client.post(f"/api/v1/programs/{program.pk}/report-jobs",
                           {"kind": "stocktake", "format": "xlsx", "as_of": "2021-12-28"},
                           content_type=JSON, **_bearer(users["office"]))
    # Then the job is done
    assert response.status_code == 201
    assert ReportJob.objects.get().state == "done"


def test_an_as_of_outside_the_range_is_refused_not_a_500(client, users, program, make_deliverable):
    make_deliverable(lead="snv")
    client.force_login(users["office"])
    # When the program page is asked as of 31/12/9999
    page = client.get(f"/chuong-trinh/{program.pk}/", {"as_of": "31/12/9999"})
    # Then it answers, and the API names the range
    assert page.status_code == 200
    api = client.get(f"/api/v1/programs/{program.pk}/summary", {"as_of": "9999-12-31"}, **_bearer(users["office"]))
    assert (api.status_code, api.json()["errors"]) == (422, {"as_of": [RANGE]})


def test_the_api_refuses_a_deadline_outside_the_range(client, users, units, program):
    # When a deliverable is assigned with a deadline of 30/12/9999
    response = client.post(f"/api/v1/programs/{program.pk}/deliverables", {
        "code": "99", "kind": "de_an", "title": "Xa", "lead_unit_id": units["snv"].pk,
        "original_deadline": "9999-12-30"}, content_type=JSON, **_bearer(users["office"]))
    # Then it is refused with the range named, and nothing is written
    assert (response.status_code, response.json()["errors"]) == (422, {"original_deadline": [RANGE]})
    assert not Deliverable.objects.exists()


def test_the_extension_form_refuses_a_deadline_outside_the_range(client, users, make_deliverable):
    d = make_deliverable(deadline=dt.date(2021, 9, 30))
    client.force_login(users["office"])
    bad = client.post(f"/noi-dung/{d.pk}/gia-han/", {"ext-version": 1, "ext-new_deadline": "30/12/9999",
                                                     "ext-approved_by": "Trưởng ban", "ext-approved_on": "01/09/2021",
                                                     "ext-reason": "Chờ số liệu"})
    assert bad.status_code == 422 and RANGE in bad.content.decode()
    assert Deliverable.objects.get(pk=d.pk).deadline == dt.date(2021, 9, 30)


def test_the_import_refuses_a_deadline_outside_the_range(users, program):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Số thứ tự", "Loại", "Tên nội dung", "Đơn vị chủ trì", "Đơn vị phối hợp", "Lãnh đạo phụ trách",
               "Thời hạn", "Ghi chú"])
    ws.append(["01", "Đề án", "Đề án xa", "Sở Nội vụ", "", "", "31/12/9999", ""])
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    result = excel.deliverables_import(actor=users["office"], program=program, file=buffer)
    assert [RANGE in e.message for e in result.errors] == [True]
    assert not Deliverable.objects.exists()


def test_the_parsers_share_the_range():
    assert parse_date("15/05/1948") == dt.date(1948, 5, 15)
    for reader in (parse_date, read_date):
        with pytest.raises(ValueError, match="01/01/1900"):
            reader("31/12/9999")
    assert add_days(dt.date(9999, 12, 30), 30) == dt.date.max
    assert add_days(dt.date(1, 1, 2), -30) == dt.date.min
