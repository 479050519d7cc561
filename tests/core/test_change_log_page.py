"""The change log page (/quan-tri/nhat-ky-thay-doi/) and its Excel export (issue 15, audit pages): administrators
and auditors filter by who, kind of record, record, dates and action; the rows read in Vietnamese; personnel records
follow the personnel scope exactly as the API's; anyone else gets a 403 and nothing."""

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

import chidao
from chidao.core import changelog_views
from chidao.core.audit import ACTION_LABELS, action_label, change_record_create
from chidao.core.models import ChangeRecord, Role, RoleGrant
from chidao.core.tokens import api_token_create
from chidao.personnel.models import AccessLog
from chidao.programs.models import Note
from tests.conftest import at

pytestmark = pytest.mark.django_db

URL = "/quan-tri/nhat-ky-thay-doi/"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _record(actor, action, obj, when, before=None, after=None, reason="") -> ChangeRecord:
    record = change_record_create(actor=actor, action=action, obj=obj, before=before, after=after, reason=reason)
    ChangeRecord.objects.filter(pk=record.pk).update(at=when)
    return record


@pytest.fixture
def log(users, units):
    """Five records on units by three people over five days (local time), nothing else in the log."""
    ChangeRecord.objects.all().delete()
    users["office"].full_name = "Nguyễn Thị Hằng"
    users["office"].save()
    return {
        "feb28": _record(users["admin"], "update", units["snv"], at(2025, 2, 28, 23) + dt.timedelta(minutes=59),
                         {"name": "Sở Nội vụ cũ"}, {"name": "Sở Nội vụ"}),
        "mar1": _record(users["office"], "update", units["stc"], at(2025, 3, 1, 0) + dt.timedelta(minutes=30),
                        {"short_name": ""}, {"short_name": "STC"}, reason="Bổ sung tên viết tắt"),
        "mar5": _record(users["office"], "create", units["stp"], at(2025, 3, 5, 23) + dt.timedelta(minutes=50),
                        None, {"name": "Sở Tư pháp", "kind": "department"}),
        "mar6": _record(users["admin"], "unit_merge", units["stp"], at(2025, 3, 6, 0) + dt.timedelta(minutes=10),
                        {"valid_to": None}, {"valid_to": "2025-03-06"}),
        "mar7": _record(users["auditor"], "update", users["snv"], at(2025, 3, 7), {"phone": ""}, {"phone": "0901"}),
    }


def _ids(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-testid="change-(\d+)"', response.content.decode())]


def _pks(log, *names) -> list[int]:
    return [log[n].pk for n in names]


def test_the_auditor_reads_the_whole_log_newest_first(users, log):
    response = _client(users["auditor"]).get(URL)
    assert response.status_code == 200
    assert _ids(response) == _pks(log, "mar7", "mar6", "mar5", "mar1", "feb28")


@pytest.mark.parametrize("query, expected", [
    ("who=hang", ["mar5", "mar1"]),  # the full name, diacritics ignored
    ("who=NGUYỄN+hằng", ["mar5", "mar1"]),
    ("who=admin", ["mar6", "feb28"]),  # the user name
    ("who=khong-co-ai", []),
    ("object_type=core.user", ["mar7"]),
    ("object_type=core.unit&object_id=STP", []),
    ("action=create", ["mar5"]),
    ("action=unit_merge", ["mar6"]),
    ("since=01/03/2025&until=05/03/2025", ["mar5", "mar1"]),  # both days included, in local time
    ("since=06/03/2025", ["mar7", "mar6"]),
    ("until=28/02/2025", ["feb28"]),
    ("who=admin&since=01/03/2025&until=06/03/2025", ["mar6"]),
])
def test_each_filter_keeps_exactly_its_rows(users, log, query, expected):
    response = _client(users["auditor"]).get(f"{URL}?{query}")
    assert response.status_code == 200
    assert _ids(response) == _pks(log, *expected)


def test_the_record_filter_keeps_one_records_history(users, units, log):
    response = _client(users["admin"]).get(f"{URL}?object_type=core.unit&object_id={units['stp'].pk}")
    assert _ids(response) == _pks(log, "mar6", "mar5")


def test_a_range_that_ends_before_it_starts_is_refused_with_no_rows(users, log):
    response = _client(users["auditor"]).get(f"{URL}?since=06/03/2025&until=01/03/2025")
    assert response.status_code == 422
    assert _ids(response) == []
    assert "Đến ngày phải từ ngày 06/03/2025 trở đi." in response.content.decode()


def test_the_rows_read_in_vietnamese(users, log):
    # The filters offer the kinds of record and the actions by their names
    html = _client(users["auditor"]).get(f"{URL}?object_type=core.unit").content.decode()
    assert '<option value="core.unit" selected>Đơn vị</option>' in html
    assert '<option value="unit_merge">Hợp nhất đơn vị</option>' in html.replace("hợp nhất", "Hợp nhất")
    row = html[html.index(f'data-testid="change-{log["mar1"].pk}"'):]
    row = row[:row.index("</tr>")]
    # The action in words, the field by its label, the reason, the actor by name
    assert "Sửa thông tin" in row and "<b>Tên viết tắt</b>: ∅ → STC" in row
    assert "Bổ sung tên viết tắt" in row and "Nguyễn Thị Hằng" in row
    merge = html[html.index(f'data-testid="change-{log["mar6"].pk}"'):]
    assert "<b>Hiệu lực đến</b>: ∅ → 06/03/2025" in merge[:merge.index("</tr>")]


def test_the_export_holds_exactly_the_filtered_rows(users, log):
    response = _client(users["auditor"]).get(f"{reverse('change_log_export')}?who=hang&since=01/03/2025")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="nhat-ky-thay-doi-')
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in ws.iter_rows(min_row=4, values_only=True)]
    assert rows == [
        ["STT", "Thời điểm", "Người thực hiện", "Thao tác", "Loại hồ sơ", "Số hiệu", "Hồ sơ", "Nội dung thay đổi",
         "Lý do"],
        [1, "05/03/2025 23:50:00", "Nguyễn Thị Hằng", "Tạo mới", "Đơn vị", str(log["mar5"].object_id), "Sở Tư pháp",
         "Tên: ∅ → Sở Tư pháp\nLoại: ∅ → Sở, ban, ngành; phòng, ban, văn phòng", None],
        [2, "01/03/2025 00:30:00", "Nguyễn Thị Hằng", "Sửa thông tin", "Đơn vị", str(log["mar1"].object_id),
         "Sở Tài chính", "Tên viết tắt: ∅ → STC", "Bổ sung tên viết tắt"],
    ]


def test_an_export_over_the_cap_is_refused_with_a_message(users, log, monkeypatch):
    monkeypatch.setattr(changelog_views, "EXPORT_MAX", 2)
    client = _client(users["auditor"])
    # Two rows (the cap) are exported
    response = client.get(f"{reverse('change_log_export')}?who=admin")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    # Five are refused: back to the same filtered page, which says why
    response = client.get(f"{reverse('change_log_export')}?action=&who=")
    assert response.status_code == 302 and response["Location"] == f"{URL}?action=&who="
    assert ("Có 5 bản ghi phù hợp, nhiều hơn mức tối đa 2 bản ghi cho một lần xuất. Hãy thu hẹp bộ lọc "
            "(ví dụ theo khoảng ngày) rồi xuất lại.") in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("name", ["snv", "office", "steering"])
def test_anyone_but_administrators_and_auditors_gets_403_and_nothing(users, log, name):
    client = _client(users[name])
    for url in (URL, reverse("change_log_export"), f"{URL}?object_type=core.unit"):
        response = client.get(url)
        assert response.status_code == 403
        assert "Sở Tư pháp" not in response.content.decode()
        assert "xlsx" not in response.get("Content-Disposition", "")
    assert ChangeRecord.objects.count() == 5  # nothing written, nothing read into an access log
    assert AccessLog.objects.count() == 0


def test_anonymous_users_are_sent_to_sign_in(log):
    response = Client().get(URL)
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


# --- personnel records: the same selector, the same scope as the API ------------------------------------------


@pytest.fixture
def people(users, make_person):
    """A person of Sở Nội vụ and one of Sở Tài chính; their records made by the administrator."""
    ChangeRecord.objects.all().delete()
    snv = make_person(name="Trần Văn Nội", post="snv_staff", phone="0911111111")
    stc = make_person(name="Lê Thị Tài", post="stc_staff", phone="0922222222")
    AccessLog.objects.all().delete()
    return snv, stc


def _api(user) -> list[dict]:
    _token, raw = api_token_create(user=user, name="t", scope="read")
    response = Client().get("/api/v1/change-records?object_type=personnel.person&page_size=100",
                            HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    return response.json()["items"]


def test_a_personnel_scoped_auditor_reads_personnel_records_exactly_as_the_api_gives_them(users, tree, people):
    snv, stc = people
    # Given an auditor who also keeps the records of Sở Nội vụ (a personnel grant on that unit)
    auditor = users["auditor"]
    RoleGrant.objects.create(user=auditor, role=Role.PERSONNEL, unit=tree["snv"])
    auditor.grants_clear()
    # When the auditor reads the person records' log on the page, then through the API
    html = _client(auditor).get(f"{URL}?object_type=personnel.person").content.decode()
    page_logs = list(AccessLog.objects.order_by("id").values_list("person", "action"))
    AccessLog.objects.all().delete()
    api = {int(e["id"]): e for e in _api(auditor)}
    # Then the person of Sở Nội vụ is named (the phone masked: only administrators read it), the other is blanked
    snv_entry = next(e for e in api.values() if e["object_id"] == str(snv.pk))
    stc_entry = next(e for e in api.values() if e["object_id"] == str(stc.pk))
    assert snv_entry["object_repr"] == str(snv) and snv_entry["after"]["phone"] == "••••"
    assert (stc_entry["object_repr"], stc_entry["after"]) == ("Hồ sơ cán bộ (ẩn)", None)
    # And the page shows the same: the same records, named and blanked alike
    assert [int(pk) for pk in re.findall(r'data-testid="change-(\d+)"', html)] == sorted(api, reverse=True)
    assert "Trần Văn Nội" in html and "0911111111" not in html
    assert "Lê Thị Tài" not in html and "0922222222" not in html and "Hồ sơ cán bộ (ẩn)" in html
    # And each read is in the access log, as the API writes it (the blanked one naming nobody)
    assert sorted(page_logs, key=str) == sorted(AccessLog.objects.values_list("person", "action"), key=str)
    assert sorted(page_logs, key=str) == sorted([(snv.pk, "change_log"), (None, "change_log")], key=str)


def test_the_export_masks_personnel_records_as_the_page_does(users, people):
    snv, stc = people
    response = _client(users["auditor"]).get(f"{reverse('change_log_export')}?object_type=personnel.person")
    ws = load_workbook(io.BytesIO(response.content)).active
    text = "\n".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None)
    assert "Trần Văn Nội" not in text and "Lê Thị Tài" not in text and "0911111111" not in text
    assert text.count("Hồ sơ cán bộ (ẩn)") == 2


# --- links from a record's page -------------------------------------------------------------------------------


def test_a_deliverable_page_links_to_its_history_for_log_readers_only(users, make_deliverable):
    deliverable = make_deliverable()
    link = f"{URL}?object_type=programs.deliverable&amp;object_id={deliverable.pk}"
    page = reverse("deliverable_detail", kwargs={"pk": deliverable.pk})
    assert link in _client(users["auditor"]).get(page).content.decode()
    lead = _client(users["snv"]).get(page).content.decode()
    assert link not in lead and 'data-testid="change-log"' in lead  # the lead unit keeps its own history card


def test_a_person_page_links_to_its_history(users, people):
    snv, _stc = people
    html = _client(users["admin"]).get(reverse("person_detail", kwargs={"pk": snv.pk})).content.decode()
    assert f'{URL}?object_type=personnel.person&amp;object_id={snv.pk}' in html


# --- every action code has words -------------------------------------------------------------------------------


def _recorded_actions() -> set[str]:
    """Every literal action passed to change_record_create / task_failure_record across chidao/."""
    codes: set[str] = set()
    root = Path(chidao.__file__).resolve().parent
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for call in re.finditer(r"(?:change_record_create|task_failure_record)\(", text):
            codes.update(re.findall(r'action="([a-z_]+)"', text[call.end():call.end() + 300])[:1])
        codes.update(re.findall(r'_cease\([^"]*"(unit_[a-z_]+)"', text))  # core.units passes its action along
        for pair in re.findall(r'action="([a-z_]+)" if [^\n]* else "([a-z_]+)"', text):
            codes.update(pair)
    codes.update(f"note_{kind}" for kind in Note.Kind.values)  # action=f"note_{kind}"
    return codes


def test_every_recorded_action_has_vietnamese_words():
    codes = _recorded_actions()
    assert {"create", "update", "transition", "unit_merge", "unit_dissolve", "include", "exclude",
            "notification_email_failed", "otp_reset", "note_directive"} <= codes
    assert sorted(c for c in codes if c not in ACTION_LABELS) == []
    assert action_label("notification_email_failed") == "gửi thư thông báo không thành công"
