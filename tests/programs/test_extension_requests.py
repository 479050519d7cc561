"""Deadline extension requests: the lead unit asks, the standing office grants or refuses; each side is told.
Services, the deliverable page and the API."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from chidao.core.audit import change_records_for
from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.models import ChangeRecord, Notification
from chidao.core.tokens import api_token_create
from chidao.programs import extension_selectors, extensions, services
from chidao.programs.models import DeadlineExtension, DeadlineExtensionRequest, Deliverable, Status

pytestmark = pytest.mark.django_db
State = DeadlineExtensionRequest.State
JSON = "application/json"


@pytest.fixture
def d(users, units, program):
    """A deliverable of the Sở Nội vụ (the Sở Tài chính coordinating), due 30/09/2026, assigned now."""
    created = services.deliverable_create(
        actor=users["office"], program=program, code="05", kind="de_an", title="Đề án vị trí việc làm",
        lead_unit=units["snv"], coordinating_units=[units["stc"]], original_deadline=dt.date(2026, 9, 30))
    Notification.objects.all().delete()
    return created


def _ask(users, d, who="snv", new=dt.date(2026, 12, 31), reason="Chờ ý kiến thẩm định của Bộ Nội vụ"):
    return extensions.extension_request_create(actor=users[who], deliverable=d, new_deadline=new, reason=reason)


def told(kind: str) -> list[tuple[str, str, str]]:
    return [(n.user.username, n.subject, n.link) for n in
            Notification.objects.filter(kind=kind).order_by("user__username", "id")]


def state(d) -> tuple:
    """What a refused request or decision must leave as it was."""
    d.refresh_from_db()
    return (d.deadline, d.version, list(DeadlineExtensionRequest.objects.values_list("state", "decided_by_id")),
            DeadlineExtension.objects.count(), ChangeRecord.objects.count(), Notification.objects.count())


# --- Asking --------------------------------------------------------------------------------------------------


def test_the_lead_officer_asks_and_the_office_is_told(users, d):
    # When the Sở Nội vụ's officer asks to move the deadline to 31/12/2026
    request = _ask(users, d)
    # Then the request waits, the change is recorded, and those who decide are told
    assert (request.state, request.requested_by, request.requested_deadline) == (
        State.PENDING, users["snv"], dt.date(2026, 12, 31))
    assert [(c.action, c.actor, c.after["state"]) for c in change_records_for(request)] == [
        ("create", users["snv"], "pending")]
    link = f"/noi-dung/{d.pk}/"
    assert told("extension_requested") == [
        ("admin", "Đề nghị gia hạn: 05. Đề án vị trí việc làm", link),
        ("office", "Đề nghị gia hạn: 05. Đề án vị trí việc làm", link),
    ]
    assert Notification.objects.get(user=users["office"]).body == (
        "officer_snv đề nghị gia hạn nội dung 05. Đề án vị trí việc làm (Chương trình số 01-CTr/TU, Sở Nội vụ chủ "
        "trì) từ 30/09/2026 đến 31/12/2026.\nLý do: Chờ ý kiến thẩm định của Bộ Nội vụ\nĐề nghị xem xét, quyết định.")
    # And the deliverable itself is unchanged until someone decides
    d.refresh_from_db()
    assert d.deadline == dt.date(2026, 9, 30)


@pytest.mark.parametrize("who", ["stc", "stp", "steering", "auditor"])
def test_others_may_not_ask_and_nothing_changes(users, d, who):
    # Given the coordinating unit's officer, another unit's officer, a steering member, an auditor
    before = state(d)
    # When they ask for an extension of the Sở Nội vụ's deliverable
    with pytest.raises(PermissionDenied):
        _ask(users, d, who=who)
    # Then it is refused and nothing changed
    assert state(d) == before


def test_a_request_needs_a_later_deadline_and_a_reason(users, d):
    before = state(d)
    with pytest.raises(ValidationError) as refused:
        _ask(users, d, new=dt.date(2026, 9, 30), reason="  ")
    assert refused.value.message_dict == {
        "new_deadline": ["Thời hạn đề nghị phải sau thời hạn hiện hành (30/09/2026)."],
        "reason": ["Cần nêu lý do đề nghị gia hạn."]}
    assert state(d) == before


def test_one_request_waits_at_a_time(users, d):
    _ask(users, d)
    before = state(d)
    with pytest.raises(ValidationError) as refused:
        _ask(users, d, who="office", new=dt.date(2027, 3, 31))
    assert refused.value.message_dict == {"__all__": ["Nội dung này đang có đề nghị gia hạn chờ quyết định."]}
    assert state(d) == before


def test_a_finished_deliverable_cannot_be_extended(users, d):
    services.deliverable_transition(actor=users["office"], deliverable=d, to_status=Status.CANCELLED,
                                    reason="Không còn phù hợp")
    with pytest.raises(ValidationError) as refused:
        _ask(users, d)
    assert refused.value.message_dict == {"new_deadline": ["Nội dung đã kết thúc, không thể đề nghị gia hạn."]}


# --- Deciding ------------------------------------------------------------------------------------------------


def test_the_office_grants_the_extension_is_recorded_and_the_unit_told_once(users, d):
    request = _ask(users, d)
    Notification.objects.all().delete()
    # When the office grants it, approved by the Standing Committee on 02/06/2025
    decided = extensions.extension_request_decide(
        actor=users["office"], request=request, grant=True, note="Đồng ý theo Kết luận 15",
        approved_by="Thường trực Thành ủy", approved_on=dt.date(2025, 6, 2))
    # Then the extension is recorded to the requested deadline and the request is granted
    d.refresh_from_db()
    extension = DeadlineExtension.objects.get()
    assert (d.deadline, extension.previous_deadline, extension.new_deadline, extension.approved_by,
            extension.reason) == (dt.date(2026, 12, 31), dt.date(2026, 9, 30), dt.date(2026, 12, 31),
                                  "Thường trực Thành ủy", "Chờ ý kiến thẩm định của Bộ Nội vụ")
    assert (decided.state, decided.decided_by, decided.extension, decided.decision_note) == (
        State.GRANTED, users["office"], extension, "Đồng ý theo Kết luận 15")
    # And the lead unit's officer (also the requester) gets one message, the decision's
    assert [(n.user.username, n.kind, n.subject) for n in Notification.objects.all()] == [
        ("officer_snv", "extension_decided", "Đồng ý gia hạn: 05. Đề án vị trí việc làm")]
    assert Notification.objects.get().body == (
        f"Đề nghị gia hạn ngày {timezone.localdate(decided.requested_at):%d/%m/%Y} cho nội dung 05. Đề án vị trí "
        "việc làm (Chương trình số 01-CTr/TU) được chấp thuận: thời hạn mới 31/12/2026 (trước đây 30/09/2026), "
        "Thường trực Thành ủy phê duyệt ngày 02/06/2025.\nÝ kiến: Đồng ý theo Kết luận 15")


def test_the_office_refuses_with_a_reason_and_the_deadline_stays(users, d):
    request = _ask(users, d, who="office")
    Notification.objects.all().delete()
    # When the office (another office user than the one who asked) refuses without a reason, then with one
    with pytest.raises(ValidationError) as refused:
        extensions.extension_request_decide(actor=users["admin"], request=request, grant=False, note=" ")
    assert refused.value.message_dict == {"note": ["Cần nêu lý do không đồng ý gia hạn."]}
    decided = extensions.extension_request_decide(actor=users["admin"], request=request, grant=False,
                                                  note="Thời hạn đã được gia hạn một lần")
    # Then the request is refused, the deadline unchanged, and the lead unit and the requester are told why
    d.refresh_from_db()
    assert (decided.state, decided.extension, d.deadline, DeadlineExtension.objects.count()) == (
        State.REFUSED, None, dt.date(2026, 9, 30), 0)
    assert told("extension_decided") == [
        ("office", "Không đồng ý gia hạn: 05. Đề án vị trí việc làm", f"/noi-dung/{d.pk}/"),
        ("officer_snv", "Không đồng ý gia hạn: 05. Đề án vị trí việc làm", f"/noi-dung/{d.pk}/"),
    ]
    assert Notification.objects.get(user=users["snv"]).body.endswith(
        "đến 31/12/2026 không được chấp thuận.\nLý do: Thời hạn đã được gia hạn một lần\nThời hạn vẫn là 30/09/2026.")


def test_a_grant_needs_who_approved_and_when(users, d):
    request = _ask(users, d)
    before = state(d)
    with pytest.raises(ValidationError) as refused:
        extensions.extension_request_decide(actor=users["office"], request=request, grant=True)
    assert refused.value.message_dict == {"approved_by": ["Cần ghi người phê duyệt gia hạn."],
                                          "approved_on": ["Cần ngày phê duyệt gia hạn."]}
    assert state(d) == before


def test_a_decided_request_is_not_decided_again(users, d):
    request = _ask(users, d)
    extensions.extension_request_decide(actor=users["office"], request=request, grant=False, note="Chưa đủ căn cứ")
    before = state(d)
    # When the decision is sent again (a retried form), this time as a grant
    with pytest.raises(ValidationError) as refused:
        extensions.extension_request_decide(actor=users["office"], request=request, grant=True,
                                            approved_by="Thường trực", approved_on=dt.date(2025, 6, 2))
    # Then it is refused: nothing changed, nobody told twice
    assert refused.value.message_dict == {"__all__": ["Đề nghị này đã được quyết định (không đồng ý)."]}
    assert state(d) == before


@pytest.mark.parametrize("who", ["snv", "stc", "steering", "auditor"])
def test_only_the_office_decides_and_a_refusal_changes_nothing(users, d, who):
    request = _ask(users, d)
    before = state(d)
    with pytest.raises(PermissionDenied):
        extensions.extension_request_decide(actor=users[who], request=request, grant=True,
                                            approved_by="Thường trực", approved_on=dt.date(2025, 6, 2))
    assert state(d) == before


def test_the_pending_requests_await_the_office_only(users, units, program, d):
    other = services.deliverable_create(
        actor=users["office"], program=program, code="06", kind="de_an", title="Đề án khác", lead_unit=units["stc"],
        original_deadline=dt.date(2026, 9, 30))
    first, second = _ask(users, d), _ask(users, other, who="stc")
    extensions.extension_request_decide(actor=users["office"], request=first, grant=False, note="Chưa đủ căn cứ")
    third = _ask(users, d, new=dt.date(2027, 1, 31))
    assert list(extension_selectors.extension_requests_pending(user=users["office"])) == [second, third]
    assert list(extension_selectors.extension_requests_pending(user=users["snv"])) == []
    assert list(extension_selectors.extension_requests_pending(user=users["steering"])) == []


# --- The deliverable page ------------------------------------------------------------------------------------


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_lead_officer_asks_on_the_deliverable_page(users, d):
    client = _client(users["snv"])
    page = client.get(f"/noi-dung/{d.pk}/").content.decode()
    assert 'data-testid="extension-request"' in page
    assert 'data-testid="extension-decide"' not in page
    # When the form is sent with an earlier date (htmx), then the section comes back with the error (422)
    url = f"/noi-dung/{d.pk}/de-nghi-gia-han/"
    bad = client.post(url, {"req-new_deadline": "01/09/2026", "req-reason": "Cần thêm thời gian"},
                      HTTP_HX_REQUEST="true")
    assert bad.status_code == 422
    assert "Thời hạn đề nghị phải sau thời hạn hiện hành (30/09/2026)." in bad.content.decode()
    assert DeadlineExtensionRequest.objects.count() == 0
    # When sent right, the page reloads and shows the pending request without the form
    ok = client.post(url, {"req-new_deadline": "31/12/2026", "req-reason": "Cần thêm thời gian"},
                     HTTP_HX_REQUEST="true")
    assert (ok.status_code, ok["HX-Redirect"]) == (204, f"/noi-dung/{d.pk}/")
    page = client.get(f"/noi-dung/{d.pk}/").content.decode()
    assert 'data-testid="extension-pending"' in page
    assert 'data-testid="extension-request"' not in page
    assert "Đang chờ cơ quan thường trực quyết định." in page


def test_the_office_decides_on_the_deliverable_page(users, d):
    request = _ask(users, d)
    client = _client(users["office"])
    assert 'data-testid="extension-decide"' in client.get(f"/noi-dung/{d.pk}/").content.decode()
    url = f"/de-nghi-gia-han/{request.pk}/quyet-dinh/"
    missing = client.post(url, {"dec-decision": "grant"}, HTTP_HX_REQUEST="true")
    assert missing.status_code == 422
    assert "Cần ghi người phê duyệt gia hạn." in missing.content.decode()
    ok = client.post(url, {"dec-decision": "grant", "dec-approved_by": "Thường trực Thành ủy",
                           "dec-approved_on": "02/06/2025"})
    assert (ok.status_code, ok["Location"]) == (302, f"/noi-dung/{d.pk}/")
    d.refresh_from_db()
    assert d.deadline == dt.date(2026, 12, 31)
    page = client.get(f"/noi-dung/{d.pk}/").content.decode()
    assert "Đồng ý gia hạn</b>: đến 31/12/2026" in page


def test_the_pages_refuse_others_and_change_nothing(users, d):
    request = _ask(users, d)
    before = state(d)
    # The coordinating unit's officer sees the deliverable but may not ask; the other unit's does not see it
    asked = {who: _client(users[who]).post(f"/noi-dung/{d.pk}/de-nghi-gia-han/", {
        "req-new_deadline": "31/01/2027", "req-reason": "x"}).status_code for who in ("stc", "stp", "steering")}
    assert asked == {"stc": 403, "stp": 404, "steering": 403}
    decided = {who: _client(users[who]).post(f"/de-nghi-gia-han/{request.pk}/quyet-dinh/", {
        "dec-decision": "refuse", "dec-note": "Không"}).status_code for who in ("snv", "stp", "steering")}
    assert decided == {"snv": 403, "stp": 404, "steering": 403}
    assert state(d) == before


# --- API -----------------------------------------------------------------------------------------------------


@pytest.fixture
def bearer(users):
    def make(user_key: str, scope: str = "write") -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=users[user_key], name='t', scope=scope)[1]}"}

    return make


def test_the_api_asks_lists_and_decides(client, users, d, bearer):
    url = f"/api/v1/deliverables/{d.pk}/extension-requests"
    created = client.post(url, {"new_deadline": "2026-12-31", "reason": "Chờ thẩm định"}, content_type=JSON,
                          **bearer("snv"))
    assert created.status_code == 201
    body = created.json()
    assert {k: body[k] for k in ("deliverable_id", "requested_by", "requested_deadline", "reason", "state",
                                 "extension_id")} == {
        "deliverable_id": d.pk, "requested_by": "officer_snv", "requested_deadline": "2026-12-31",
        "reason": "Chờ thẩm định", "state": "pending", "extension_id": None}
    listed = client.get(url, **bearer("steering", "read")).json()
    assert [r["id"] for r in listed["items"]] == [body["id"]]
    decided = client.post(f"/api/v1/extension-requests/{body['id']}/decide", {
        "grant": True, "approved_by": "Thường trực Thành ủy", "approved_on": "2025-06-02"}, content_type=JSON,
        **bearer("office"))
    assert decided.status_code == 200
    assert (decided.json()["state"], decided.json()["decided_by"]) == ("granted", "office")
    assert decided.json()["extension_id"] == DeadlineExtension.objects.get().pk
    assert Deliverable.objects.get(pk=d.pk).deadline == dt.date(2026, 12, 31)


def test_the_api_refuses_in_vietnamese_and_changes_nothing(client, users, d, bearer):
    url = f"/api/v1/deliverables/{d.pk}/extension-requests"
    token = {who: bearer(who) for who in ("snv", "stc", "stp", "office")}
    before = state(d)
    bad = client.post(url, {"new_deadline": "2026-01-01", "reason": ""}, content_type=JSON, **token["snv"])
    assert bad.status_code == 422
    assert bad.json()["errors"] == {"new_deadline": ["Thời hạn đề nghị phải sau thời hạn hiện hành (30/09/2026)."],
                                    "reason": ["Cần nêu lý do đề nghị gia hạn."]}
    body = {"new_deadline": "2026-12-31", "reason": "Chờ thẩm định"}
    assert client.post(url, body, content_type=JSON, **token["stc"]).status_code == 403
    assert client.post(url, body, content_type=JSON, **token["stp"]).status_code == 404
    assert state(d) == before
    request = _ask(users, d)
    before = state(d)
    decide = f"/api/v1/extension-requests/{request.pk}/decide"
    refused = client.post(decide, {"grant": False, "note": "Không"}, content_type=JSON, **token["snv"])
    assert (refused.status_code, refused.json()["detail"]) == (403, "Chỉ cơ quan thường trực quyết định đề nghị gia "
                                                                   "hạn.")
    assert client.post(decide, {"grant": False}, content_type=JSON, **token["stp"]).status_code == 404
    no_reason = client.post(decide, {"grant": False}, content_type=JSON, **token["office"])
    assert (no_reason.status_code, no_reason.json()["errors"]) == (
        422, {"note": ["Cần nêu lý do không đồng ý gia hạn."]})
    assert state(d) == before
