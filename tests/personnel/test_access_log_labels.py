"""The access log in words (issue 15, audit pages): every action code has Vietnamese words, the recorded details read
as an official would say them ("page q=dong" -> "tìm: dong"), the page filters by reader, action, days and person,
and the page, its Excel export and the API say the same."""

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

import chidao
from chidao.core.tokens import api_token_create
from chidao.personnel import selectors
from chidao.personnel.access_labels import ACCESS_ACTION_LABELS, access_action_label, access_detail_text
from chidao.personnel.models import AccessLog
from tests.conftest import at

pytestmark = pytest.mark.django_db

URL = "/can-bo/nhat-ky-truy-cap/"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _written_actions() -> set[str]:
    """Every action an AccessLog row is written with across chidao/."""
    codes: set[str] = set()
    for path in Path(chidao.__file__).resolve().parent.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for call in re.finditer(r"AccessLog(?:\.objects\.create)?\(|_log\(user=", text):
            codes.update(re.findall(r'action="([a-z_]+)"', text[call.end():call.end() + 200])[:1])
        codes.update(re.findall(r'^LOG_ACTION = "([a-z_]+)"', text, re.M))
    return codes


def test_every_access_action_has_vietnamese_words():
    codes = _written_actions()
    assert codes == {"view", "list", "export", "planning_view", "change_log"}
    assert sorted(codes - set(ACCESS_ACTION_LABELS)) == []
    assert [access_action_label(c) for c in sorted(codes)] == [
        "xem nhật ký thay đổi hồ sơ", "xuất dữ liệu", "xem danh sách cán bộ", "xem quy hoạch cán bộ", "xem hồ sơ"]


def test_the_details_read_as_words(units):
    assert access_detail_text("page q=dong") == "tìm: dong"
    assert access_detail_text(f"api q=đông văn unit={units['snv'].pk} gender=female key_post=1") == (
        "Qua API · tìm: đông văn · đơn vị: Sở Nội vụ · giới tính: nữ · chỉ chức danh chủ chốt")
    assert access_detail_text("page") == ""
    assert access_detail_text("api") == "Qua API"
    assert access_detail_text("12 hồ sơ") == "12 hồ sơ"
    assert access_detail_text("api Quy hoạch nhiệm kỳ 2025-2030") == "Qua API · Quy hoạch nhiệm kỳ 2025-2030"
    assert access_detail_text("personnel.discipline #3, bản ghi thay đổi #9 (ẩn)") == (
        "Kỷ luật #3, bản ghi thay đổi #9 (ẩn)")


@pytest.fixture
def reads(users, make_person):
    """Three reads by two readers over three days: the admin lists people searching "dong", the office (Nguyễn
    Thị Hằng) opens a record, then exports."""
    person = make_person(name="Đồng Văn Xem")
    AccessLog.objects.all().delete()
    users["office"].full_name = "Nguyễn Thị Hằng"
    users["office"].save()
    selectors.person_list(user=users["admin"], filters=selectors.PersonFilters(q="dong"))
    selectors.person_get(user=users["office"], pk=person.pk)
    AccessLog.objects.create(user=users["office"], action="export", detail="1 hồ sơ")
    rows = list(AccessLog.objects.order_by("id"))
    for row, day in zip(rows, (at(2025, 3, 1, 8), at(2025, 3, 2, 23), at(2025, 3, 3, 0)), strict=True):
        AccessLog.objects.filter(pk=row.pk).update(at=day)
    return person, {"list": rows[0], "view": rows[1], "export": rows[2]}


def _ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-testid="access-(\d+)"', html)]


def test_the_page_shows_words_not_codes(users, reads):
    person, rows = reads
    html = _client(users["auditor"]).get(URL).content.decode()
    assert _ids(html) == [rows["export"].pk, rows["view"].pk, rows["list"].pk]
    row = html[html.index(f'data-testid="access-{rows["list"].pk}"'):]
    row = row[:row.index("</tr>")]
    assert "<td>Xem danh sách cán bộ</td>" in row and "<td>tìm: dong</td>" in row
    assert "page q=dong" not in html and ">list<" not in html and ">view<" not in html
    assert "Xem hồ sơ" in html and f"Đồng Văn Xem ({person.code})" in html and "Xuất dữ liệu" in html


@pytest.mark.parametrize("query, expected", [
    ("who=hang", ["export", "view"]),
    ("who=ADMIN", ["list"]),
    ("action=view", ["view"]),
    ("action=export&who=hằng", ["export"]),
    ("start=02/03/2025&end=02/03/2025", ["view"]),  # one day, both ends included
    ("start=02/03/2025", ["export", "view"]),
    ("end=01/03/2025", ["list"]),
    ("q=dong+van", ["view"]),  # the person read
])
def test_each_filter_keeps_exactly_its_rows(users, reads, query, expected):
    _person, rows = reads
    response = _client(users["auditor"]).get(f"{URL}?{query}")
    assert response.status_code == 200
    assert _ids(response.content.decode()) == [rows[n].pk for n in expected]


def test_the_person_filter_and_a_bad_range(users, reads):
    person, rows = reads
    assert _ids(_client(users["admin"]).get(f"{URL}?person={person.pk}").content.decode()) == [rows["view"].pk]
    response = _client(users["admin"]).get(f"{URL}?start=03/03/2025&end=01/03/2025")
    assert response.status_code == 422 and _ids(response.content.decode()) == []
    assert "Đến ngày phải từ ngày 03/03/2025 trở đi." in response.content.decode()


def test_the_export_and_the_api_say_the_same(users, reads):
    person, rows = reads
    response = _client(users["auditor"]).get(f"{reverse('person_access_log_export')}?start=01/03/2025&end=02/03/2025")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    assert [list(r) for r in ws.iter_rows(min_row=4, values_only=True)] == [
        ["STT", "Thời điểm", "Người xem", "Tên đăng nhập", "Thao tác", "Hồ sơ", "Chi tiết"],
        [1, "02/03/2025 23:00:00", "Nguyễn Thị Hằng", "office", "Xem hồ sơ", f"Đồng Văn Xem ({person.code})", None],
        [2, "01/03/2025 08:00:00", "admin", "admin", "Xem danh sách cán bộ", None, "tìm: dong"],
    ]
    _token, raw = api_token_create(user=users["auditor"], name="t", scope="read")
    items = Client().get("/api/v1/access-log?action=list", HTTP_AUTHORIZATION=f"Bearer {raw}").json()["items"]
    assert [(i["id"], i["action"], i["action_label"], i["detail"], i["detail_text"]) for i in items] == [
        (rows["list"].pk, "list", "xem danh sách cán bộ", "page q=dong", "tìm: dong")]


def test_a_lead_officer_gets_403_and_nothing(users, reads):
    before = AccessLog.objects.count()
    for url in (URL, reverse("person_access_log_export"), f"{URL}?q=dong"):
        response = _client(users["snv"]).get(url)
        assert response.status_code == 403
        assert "Đồng Văn Xem" not in response.content.decode()
    assert AccessLog.objects.count() == before


def test_dates_are_local_days(users, reads):
    # 00:00 on 3 March in Hà Nội is still 2 March in UTC: the day filter uses the local day
    _person, rows = reads
    assert AccessLog.objects.get(pk=rows["export"].pk).at.astimezone(dt.UTC).day == 2
    assert _ids(_client(users["auditor"]).get(f"{URL}?start=03/03/2025").content.decode()) == [rows["export"].pk]
