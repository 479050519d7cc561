"""Item 9 of issue 13: a write that changes a versioned object names the version it read, and a write that
changes nothing changes no version and writes no change record (no phantom versions, no spurious 409s)."""

import datetime as dt

import pytest

from chidao.core.errors import ValidationError
from chidao.core.models import ChangeRecord
from chidao.core.tokens import api_token_create
from chidao.programs import services
from chidao.programs.models import Deliverable

pytestmark = pytest.mark.django_db
JSON = "application/json"
MISSING = "Thiếu phiên bản (version) của nội dung như khi đọc; gửi kèm để không ghi đè thay đổi của người khác."


@pytest.fixture
def bearer(users):
    def make(user_key: str) -> dict[str, str]:
        _token, raw = api_token_create(user=users[user_key], name="test", scope="write")
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return make


def _state(d: Deliverable) -> tuple:
    d.refresh_from_db()
    return d.version, d.title, ChangeRecord.objects.filter(action="update", object_id=str(d.pk)).count()


def test_a_patch_without_version_is_refused_and_changes_nothing(client, bearer, make_deliverable):
    d = make_deliverable(lead="snv")
    # When two writers patch without saying which version they read
    first = client.patch(f"/api/v1/deliverables/{d.pk}", {"title": "A"}, content_type=JSON, **bearer("snv"))
    second = client.patch(f"/api/v1/deliverables/{d.pk}", {"title": "B"}, content_type=JSON, **bearer("office"))
    # Then both are refused with 422 naming `version`, and the deliverable is as it was
    assert (first.status_code, second.status_code) == (422, 422)
    assert "version" in first.json()["errors"]
    assert _state(d) == (1, "Đề án thử số 1", 0)


def test_an_empty_patch_changes_no_version(client, bearer, make_deliverable):
    d = make_deliverable(lead="snv")
    # When an empty patch, then one that repeats the stored values, are sent with the version read
    empty = client.patch(f"/api/v1/deliverables/{d.pk}", {"version": 1}, content_type=JSON, **bearer("snv"))
    same = client.patch(f"/api/v1/deliverables/{d.pk}", {"version": 1, "title": "Đề án thử số 1", "description": None},
                        content_type=JSON, **bearer("snv"))
    # Then both answer the deliverable unchanged: same version, no change record
    assert (empty.status_code, empty.json()["version"], same.status_code, same.json()["version"]) == (200, 1, 200, 1)
    assert _state(d) == (1, "Đề án thử số 1", 0)
    # And the version read still saves a real change
    real = client.patch(f"/api/v1/deliverables/{d.pk}", {"version": 1, "title": "Tên mới"}, content_type=JSON,
                        **bearer("snv"))
    assert (real.status_code, real.json()["version"]) == (200, 2)
    assert _state(d) == (2, "Tên mới", 1)


def test_the_service_requires_the_version(users, make_deliverable):
    d = make_deliverable(lead="snv")
    with pytest.raises(ValidationError) as exc:
        services.deliverable_update(actor=users["snv"], deliverable=d, expected_version=None, title="X")
    assert exc.value.message_dict == {"version": [MISSING]}
    assert _state(d) == (1, "Đề án thử số 1", 0)


def test_the_edit_page_saving_unchanged_values_keeps_the_version(client, users, make_deliverable):
    d = make_deliverable(lead="snv")
    client.force_login(users["snv"])
    # When the edit form is saved as it was loaded
    ok = client.post(f"/noi-dung/{d.pk}/sua/", {"version": 1, "title": "Đề án thử số 1",
                                               "responsible_leader": "Nguyễn Văn An"})
    # Then nothing changed, and the next save with the same version is not a conflict
    assert ok.status_code == 302 and _state(d) == (1, "Đề án thử số 1", 0)
    again = client.post(f"/noi-dung/{d.pk}/sua/", {"version": 1, "title": "Tên mới",
                                                  "responsible_leader": "Nguyễn Văn An"})
    assert again.status_code == 302 and _state(d) == (2, "Tên mới", 1)


def test_an_extension_without_version_is_refused(client, users, bearer, make_deliverable):
    d = make_deliverable(deadline=dt.date(2021, 9, 30))
    body = {"new_deadline": "2021-12-31", "reason": "Chờ số liệu", "approved_by": "Trưởng ban",
            "approved_on": "2021-09-20"}
    api = client.post(f"/api/v1/deliverables/{d.pk}/extensions", body, content_type=JSON, **bearer("office"))
    client.force_login(users["office"])
    page = client.post(f"/noi-dung/{d.pk}/gia-han/", {"ext-new_deadline": "31/12/2021", "ext-approved_by": "Trưởng ban",
                                                      "ext-approved_on": "20/09/2021", "ext-reason": "Chờ số liệu"})
    assert (api.status_code, page.status_code) == (422, 422)
    assert "version" in api.json()["errors"]
    d.refresh_from_db()
    assert (d.deadline, d.version) == (dt.date(2021, 9, 30), 1)


def test_a_transition_without_version_is_refused(client, bearer, make_deliverable):
    d = make_deliverable(lead="snv")
    response = client.post(f"/api/v1/deliverables/{d.pk}/transition", {"to_status": "in_progress"},
                           content_type=JSON, **bearer("snv"))
    assert (response.status_code, response.json()["errors"]) == (
        422, {"version": ["Trường “version” bắt buộc phải có."]})
    d.refresh_from_db()
    assert (d.status, d.version) == ("not_started", 1)
