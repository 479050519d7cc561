""""Việc của tôi": each role's sections with their exact items, scope, the top bar's count, the bulk deadline
extension (all or nothing), the Excel export of a selection, the API, and the page's queries at scale."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from chidao.core.models import ChangeRecord, Role, User
from chidao.core.tokens import api_token_create
from chidao.programs import inbox as selectors
from chidao.programs import services
from chidao.programs.inbox_services import deliverables_extend_deadline
from chidao.programs.models import DeadlineExtension, Deliverable, Note, Status
from tests.grants import grant

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def ago(**kwargs: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(**kwargs)


def move(d: Deliverable, actor: User, *statuses: str, reason: str = "", at: dt.datetime | None = None) -> Deliverable:
    for status in statuses:
        d = services.deliverable_transition(actor=actor, deliverable=d, to_status=status, at=at,
                                            reason=reason if status == Status.RETURNED else "")
    return d


def directive(d: Deliverable, users, text: str, *, at: dt.datetime, due_on: dt.date | None = None) -> Note:
    return services.note_add(actor=users["steering"], deliverable=d, kind=Note.Kind.DIRECTIVE, text=text,
                             due_on=due_on, at=at)


def progress(d: Deliverable, actor: User, *, at: dt.datetime) -> Note:
    return services.note_add(actor=actor, deliverable=d, kind=Note.Kind.PROGRESS, text="Đã triển khai", percent=50,
                             at=at)


@pytest.fixture
def world(users, make_deliverable):
    """Sở Nội vụ (snv) leads: overdue (in progress), due soon (not started), due later, returned, submitted twice
    (earlier and later), completed; Sở Tài chính (stc) leads one overdue item that snv coordinates and one it
    does not."""
    office, snv = users["office"], users["snv"]
    w = {}
    w["overdue"] = move(make_deliverable(lead="snv", deadline=days(-5), title="Quá hạn năm ngày"), snv,
                        Status.IN_PROGRESS)
    w["due_soon"] = make_deliverable(lead="snv", deadline=days(3), title="Sắp đến hạn")
    w["later"] = make_deliverable(lead="snv", deadline=days(30), title="Còn xa")
    w["returned"] = move(make_deliverable(lead="snv", deadline=days(60), title="Bị trả lại"), snv,
                         Status.IN_PROGRESS, Status.SUBMITTED, at=ago(days=4))
    w["returned"] = move(w["returned"], office, Status.RETURNED, reason="Thiếu số liệu quý II", at=ago(days=2))
    w["submitted_first"] = move(make_deliverable(lead="snv", deadline=days(-2), title="Trình trước"), snv,
                                Status.IN_PROGRESS, Status.SUBMITTED, at=ago(days=6))
    w["submitted_last"] = move(make_deliverable(lead="snv", deadline=days(20), title="Trình sau"), snv,
                               Status.IN_PROGRESS, Status.SUBMITTED, at=ago(days=1))
    done = move(make_deliverable(lead="snv", deadline=days(-40), title="Đã xong"), snv, Status.IN_PROGRESS)
    w["done"] = services.deliverable_transition(actor=office, deliverable=done, to_status=Status.CANCELLED,
                                                reason="Không còn phù hợp")
    w["stc_coordinated"] = make_deliverable(lead="stc", deadline=days(-3), coordinating=["snv"],
                                            title="Sở Tài chính chủ trì, Sở Nội vụ phối hợp")
    w["stc"] = make_deliverable(lead="stc", deadline=days(-1), title="Của Sở Tài chính")
    # Directives: one answered by a later progress update, one waiting, one on another unit's item.
    w["answered"] = directive(w["overdue"], users, "Khẩn trương hoàn thành", at=ago(days=3))
    progress(w["overdue"], snv, at=ago(days=2))
    w["waiting"] = directive(w["due_soon"], users, "Báo cáo trước ngày 15", at=ago(days=1), due_on=days(-1))
    w["stc_directive"] = directive(w["stc"], users, "Chỉ đạo cho Sở Tài chính", at=ago(days=1))
    return w


def pks(section) -> list[int]:
    return [r.pk for r in section.rows]


def test_lead_officer_sees_the_units_items_by_urgency(users, world):
    # Given Sở Nội vụ's items in every state
    # When its lead officer opens the inbox
    box = selectors.inbox_get(user=users["snv"])
    # Then each section holds exactly the unit's items that wait for it
    assert pks(box.overdue) == [world["overdue"].pk]
    assert [r.days for r in box.overdue.rows] == [5]
    assert pks(box.due_soon) == [world["due_soon"].pk]
    assert [r.days for r in box.due_soon.rows] == [3]
    assert pks(box.returned) == [world["returned"].pk]
    assert [(r.reason, r.days) for r in box.returned.rows] == [("Thiếu số liệu quý II", 2)]
    assert [r.pk for r in box.directives.rows] == [world["waiting"].pk]
    assert [(r.due_on, r.overdue) for r in box.directives.rows] == [(days(-1), True)]
    assert (box.overdue.total, box.due_soon.total, box.returned.total, box.directives.total) == (1, 1, 1, 1)
    # the submitted ones wait for the office, not for the unit; the office's and steering's sections are not theirs
    assert (box.awaiting_approval, box.returned_office, box.changes) == (None, None, None)
    assert box.count == 4  # overdue + due soon + returned + the directive to answer
    assert selectors.inbox_count(user=users["snv"]) == 4


def test_a_wider_window_brings_later_items(users, world):
    box = selectors.inbox_get(user=users["snv"], days=30)
    assert pks(box.due_soon) == [world["due_soon"].pk, world["later"].pk]
    assert box.count == 5


def test_another_units_items_never_appear(users, world):
    # Given Sở Tài chính's overdue items (one coordinated by Sở Nội vụ) and a directive on one
    box = selectors.inbox_get(user=users["snv"])
    shown = {r.pk for s in (box.overdue, box.due_soon, box.returned) for r in s.rows}
    shown |= {r.deliverable_id for r in box.directives.rows}
    assert not shown & {world["stc"].pk, world["stc_coordinated"].pk}
    # And Sở Tài chính's officer sees its own two, none of Sở Nội vụ's
    theirs = selectors.inbox_get(user=users["stc"])
    assert pks(theirs.overdue) == [world["stc_coordinated"].pk, world["stc"].pk]
    assert [r.pk for r in theirs.directives.rows] == [world["stc_directive"].pk]
    assert (theirs.due_soon.total, theirs.returned.total) == (0, 0)


def test_office_sees_the_approval_queue_oldest_first_and_returned_items(users, world):
    box = selectors.inbox_get(user=users["office"])
    assert pks(box.awaiting_approval) == [world["submitted_first"].pk, world["submitted_last"].pk]
    assert [r.days for r in box.awaiting_approval.rows] == [6, 1]
    assert [r.lead_unit for r in box.awaiting_approval.rows] == ["Sở Nội vụ", "Sở Nội vụ"]
    assert pks(box.returned_office) == [world["returned"].pk]
    assert box.returned_office.rows[0].reason == "Thiếu số liệu quý II"
    assert (box.overdue, box.directives, box.changes) == (None, None, None)
    assert box.count == 2  # only what the office acts on: the two submitted items


def test_approval_leaves_the_queue(users, world):
    office = users["office"]
    d = world["submitted_first"]
    attachment = services.attachment_upload(actor=office, deliverable=d, file=_pdf())
    services.deliverable_transition(actor=office, deliverable=d, to_status=Status.COMPLETED, doc_number="12/QĐ",
                                    doc_date=TODAY, attachment=attachment)
    assert pks(selectors.inbox_get(user=office).awaiting_approval) == [world["submitted_last"].pk]


def _pdf():
    from tests.conftest import pdf_file

    return pdf_file()


def test_steering_sees_what_others_changed_since_the_last_visit(client, users, world):
    # Given a steering member who last looked after the world was built, and changes made since
    steering = users["steering"]
    seen = timezone.now()
    User.objects.filter(pk=steering.pk).update(inbox_seen_at=seen)
    move(world["later"], users["snv"], Status.IN_PROGRESS)
    services.deliverable_extend_deadline(actor=users["office"], deliverable=world["due_soon"],
                                         new_deadline=days(40), reason="Chờ ý kiến Bộ", approved_by="Bí thư",
                                         approved_on=TODAY)
    directive(world["later"], users, "Tự mình chỉ đạo", at=timezone.now())  # the member's own: not news to them
    # When they open the page
    client.force_login(steering)
    response = client.get("/viec-cua-toi/")
    # Then the changes since their visit are listed, newest first, and the visit is marked
    changes = response.context["inbox"].changes
    assert [(r.kind, r.deliverable_id) for r in changes.rows] == [
        ("extension", world["due_soon"].pk), ("status", world["later"].pk)]
    assert changes.rows[1].detail == "chưa triển khai → đang thực hiện"
    assert changes.rows[0].detail == (f"Gia hạn từ {days(3):%d/%m/%Y} đến {days(40):%d/%m/%Y}: Chờ ý kiến Bộ")
    steering.refresh_from_db()
    assert steering.inbox_seen_at is not None and steering.inbox_seen_at > seen
    # And on the next visit nothing is new
    assert client.get("/viec-cua-toi/").context["inbox"].changes.rows == []
    assert response.context["inbox"].overdue is None and response.context["inbox"].awaiting_approval is None


def test_a_user_with_several_roles_sees_every_section_that_applies(users, units, world):
    # Given Sở Nội vụ's lead officer who also works for the standing office
    officer = grant(users["snv"], Role.OFFICE, units["btc"])
    box = selectors.inbox_get(user=officer)
    assert [s.key for s in box.sections] == ["overdue", "due_soon", "returned", "directives", "awaiting_approval",
                                             "returned_office"]
    assert pks(box.overdue) == [world["overdue"].pk]
    assert pks(box.awaiting_approval) == [world["submitted_first"].pk, world["submitted_last"].pk]
    assert box.count == 4 + 2


def test_page_lists_the_sections_with_counts_and_the_top_bar(client, users, world):
    client.force_login(users["snv"])
    page = client.get("/viec-cua-toi/").content.decode()
    assert 'data-testid="inbox-count"' in page and ">4</span>" in page
    assert 'data-testid="count-overdue">1<' in page
    assert 'data-testid="count-directives">1<' in page
    assert f'href="/noi-dung/{world["overdue"].pk}/"' in page
    assert "Của Sở Tài chính" not in page
    # Another page shows the same count in the top bar (the context processor)
    other = client.get("/chuong-trinh/").content.decode()
    assert 'data-testid="inbox-count" title="Việc đang chờ bạn">4</span>' in other


def test_empty_sections_say_so_in_plain_words(client, users, program):
    client.force_login(users["stp"])
    page = client.get("/viec-cua-toi/").content.decode()
    assert "Không có nội dung nào quá hạn." in page
    assert "Không có nội dung nào đến hạn trong 7 ngày tới." in page
    assert "Không có chỉ đạo nào đang chờ đơn vị trả lời." in page
    assert 'data-testid="inbox-count"' not in page


def test_home_sends_who_has_work_to_the_inbox(client, users, program):
    client.force_login(users["snv"])
    assert client.get("/")["Location"] == "/viec-cua-toi/"
    client.force_login(users["auditor"])  # an auditor has nothing waiting: the one program's dashboard
    assert client.get("/")["Location"] == f"/chuong-trinh/{program.pk}/"


# --- Bulk actions ------------------------------------------------------------------------------------


def _extend_form(ids, new_deadline: dt.date) -> dict:
    return {"ids": [str(i) for i in ids], "ext-new_deadline": new_deadline.strftime("%d/%m/%Y"),
            "ext-approved_by": "Bí thư Thành ủy", "ext-approved_on": TODAY.strftime("%d/%m/%Y"),
            "ext-reason": "Chờ hướng dẫn của Trung ương"}


def _deadlines(*items: Deliverable) -> list[dt.date]:
    return [Deliverable.objects.get(pk=d.pk).deadline for d in items]


def test_bulk_extension_is_all_or_nothing(client, users, world):
    # Given two items, one whose deadline (in 3 days) is already after the new date
    items = [world["overdue"], world["due_soon"]]
    before = (_deadlines(*items), DeadlineExtension.objects.count(), ChangeRecord.objects.count())
    client.force_login(users["office"])
    # When the office extends both to 2 days from now
    response = client.post("/viec-cua-toi/gia-han/", _extend_form([d.pk for d in items], days(2)))
    # Then nothing is extended, and the error names the item that refused
    assert response.status_code == 422
    assert (_deadlines(*items), DeadlineExtension.objects.count(), ChangeRecord.objects.count()) == before
    errors = response.context["extension_form"].non_field_errors()
    assert errors == [f"01-CTr/TU · {world['due_soon'].code}: Thời hạn mới phải sau thời hạn hiện hành "
                      f"({days(3):%d/%m/%Y})."]
    # When the new date suits both
    response = client.post("/viec-cua-toi/gia-han/", _extend_form([d.pk for d in items], days(10)))
    # Then both are extended, each with its extension and change record
    assert (response.status_code, response["Location"]) == (302, "/viec-cua-toi/")
    assert _deadlines(*items) == [days(10), days(10)]
    assert sorted(DeadlineExtension.objects.filter(deliverable__in=items).values_list(
        "deliverable_id", "previous_deadline", "reason")) == sorted([
            (world["overdue"].pk, days(-5), "Chờ hướng dẫn của Trung ương"),
            (world["due_soon"].pk, days(3), "Chờ hướng dẫn của Trung ương")])
    assert ChangeRecord.objects.count() == before[2] + 2


def test_bulk_extension_shared_error_said_once(users, world):
    with pytest.raises(Exception) as caught:
        deliverables_extend_deadline(actor=users["office"], deliverables=[world["overdue"], world["due_soon"]],
                                     new_deadline=days(10), reason=" ", approved_by="Bí thư", approved_on=TODAY)
    assert caught.value.message_dict == {"reason": ["Cần nêu lý do gia hạn."]}
    assert _deadlines(world["overdue"], world["due_soon"]) == [days(-5), days(3)]


def test_lead_officer_may_not_bulk_extend(client, users, world):
    # Given a lead officer and their own overdue item
    before = (_deadlines(world["overdue"]), DeadlineExtension.objects.count(), ChangeRecord.objects.count())
    client.force_login(users["snv"])
    # When they post a bulk extension
    response = client.post("/viec-cua-toi/gia-han/", _extend_form([world["overdue"].pk], days(10)))
    # Then it is refused and nothing changed
    assert response.status_code == 403
    assert (_deadlines(world["overdue"]), DeadlineExtension.objects.count(), ChangeRecord.objects.count()) == before


def test_bulk_extension_naming_an_unknown_item_changes_nothing(client, users, world):
    # Given a selection with an id that names no item the office sees
    client.force_login(users["office"])
    response = client.post("/viec-cua-toi/gia-han/", _extend_form([world["overdue"].pk, 999_999], days(10)))
    assert response.status_code == 422
    assert _deadlines(world["overdue"]) == [days(-5)]


def test_export_of_the_selection_holds_exactly_the_selected_items_in_scope(client, users, world):
    # Given a lead officer who selects their two items and (by a forged id) another unit's
    client.force_login(users["snv"])
    ids = [world["due_soon"].pk, world["overdue"].pk, world["stc"].pk]
    # When they export the selection
    response = client.get("/viec-cua-toi/xuat-excel/", {"ids": ids})
    # Then the workbook lists their two, by program and code, and not the other unit's
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="viec-cua-toi-{TODAY:%Y%m%d}.xlsx"'
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = [r for r in ws.iter_rows(values_only=True) if r and isinstance(r[0], int)]
    assert [(r[1], r[2], r[4], r[5], r[9].date(), r[10]) for r in rows] == [
        ("01-CTr/TU", world["overdue"].code, "Quá hạn năm ngày", "Sở Nội vụ", days(-5), "đang thực hiện"),
        ("01-CTr/TU", world["due_soon"].code, "Sắp đến hạn", "Sở Nội vụ", days(3), "chưa triển khai"),
    ]
    header = next(r for r in ws.iter_rows(values_only=True) if r and r[0] == "STT")
    assert header[:6] == ("STT", "Chương trình", "Số thứ tự", "Loại", "Tên nội dung", "Đơn vị chủ trì")
    assert "DANH SÁCH NỘI DUNG ĐÃ CHỌN" in [r[0] for r in ws.iter_rows(values_only=True)]


def test_export_with_nothing_selected_goes_back(client, users, world):
    client.force_login(users["snv"])
    response = client.get("/viec-cua-toi/xuat-excel/", {"ids": [world["stc"].pk]})
    assert (response.status_code, response["Location"]) == (302, "/viec-cua-toi/")


# --- API ---------------------------------------------------------------------------------------------------


def test_api_returns_the_same_sections(client, users, world):
    token = api_token_create(user=users["snv"], name="t", scope="read")[1]
    body = client.get("/api/v1/inbox", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert body["count"] == 4
    assert [r["id"] for r in body["overdue"]["rows"]] == [world["overdue"].pk]
    assert [(r["id"], r["days"]) for r in body["due_soon"]["rows"]] == [(world["due_soon"].pk, 3)]
    assert body["returned"]["rows"][0]["reason"] == "Thiếu số liệu quý II"
    assert [r["id"] for r in body["directives"]["rows"]] == [world["waiting"].pk]
    assert (body["awaiting_approval"], body["changes"]) == (None, None)
    wider = client.get("/api/v1/inbox?days=30", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert wider["due_soon"]["total"] == 2
    office = api_token_create(user=users["office"], name="t", scope="read")[1]
    queue = client.get("/api/v1/inbox", HTTP_AUTHORIZATION=f"Bearer {office}").json()["awaiting_approval"]
    assert [r["id"] for r in queue["rows"]] == [world["submitted_first"].pk, world["submitted_last"].pk]


# --- Queries -------------------------------------------------------------------------------------------------


def _many(make_deliverable, users, n: int) -> None:
    """n more items of Sở Nội vụ: overdue, due soon and submitted ones, each with a directive."""
    for i in range(n):
        d = make_deliverable(lead="snv", deadline=days(-1 - i % 3) if i % 2 else days(i % 5))
        if i % 3 == 0:
            d = move(d, users["snv"], Status.IN_PROGRESS, Status.SUBMITTED)
        directive(d, users, f"Chỉ đạo {i}", at=ago(hours=i + 1))


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", ["snv", "office"])
def test_page_queries_do_not_grow_with_items(client, users, make_deliverable, django_assert_max_num_queries, role):
    client.force_login(users[role])
    _many(make_deliverable, users, 3)
    few = _queries(client, "/viec-cua-toi/")
    _many(make_deliverable, users, 30)
    with django_assert_max_num_queries(12):
        many = _queries(client, "/viec-cua-toi/")
    assert many == few
    with django_assert_max_num_queries(12):
        client.get("/api/v1/inbox")


def test_top_bar_count_takes_two_queries(users, world, django_assert_num_queries):
    officer = User.objects.get(pk=users["snv"].pk)
    officer.grants()  # the user's grants are read once per request, with the user
    with django_assert_num_queries(2):
        assert selectors.inbox_count(user=officer) == 4


@pytest.mark.parametrize("rows", [1, 2])
def test_a_long_section_shows_its_first_rows_and_says_how_many_in_all(monkeypatch, users, world, make_deliverable,
                                                                      rows):
    # Given a page of `rows` rows and three overdue items of Sở Nội vụ
    monkeypatch.setattr(selectors, "ROWS", rows)
    older = move(make_deliverable(lead="snv", deadline=days(-9), title="Quá hạn chín ngày"), users["snv"],
                 Status.IN_PROGRESS)
    make_deliverable(lead="snv", deadline=days(-7), title="Quá hạn bảy ngày")
    # When the lead officer opens the inbox
    box = selectors.inbox_get(user=users["snv"])
    # Then the overdue section shows the longest overdue first, says there are three, and due soon is whole
    assert pks(box.overdue)[:1] == [older.pk] and len(box.overdue.rows) == rows
    assert (box.overdue.total, box.overdue.truncated) == (3, True)
    assert (pks(box.due_soon), box.due_soon.truncated) == ([world["due_soon"].pk], False)
