"""The plan workflow: solve in the background, edit by hand, approve, publish, document, apply."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from chidao.core import signing
from chidao.core.audit import change_records_for
from chidao.core.models import ChangeRecord, Unit, UnitKind
from chidao.core.signing import SignatureState
from chidao.personnel.models import AccessLog, Assignment, Person
from chidao.rotation import plan
from chidao.rotation.models import Move, MoveSource, RotationRound, RoundState
from tests.documents_check import assert_liberation_serif_only, docx_lines

EFFECTIVE = dt.date(2025, 7, 1)
# Why Ban Tổ chức's vacant post fits Bình (the reasons an alternative carries).
BTC_REASONS = ["Chức danh tương đương (chuyên viên)", "Chưa giữ vị trí này trong 5 năm gần đây",
               "Sang cơ quan khác cùng địa phương: Ban Tổ chức Thành ủy (+20 điểm khác biệt)",
               "Chuyên môn chưa phù hợp lĩnh vực tổ chức cán bộ (+30 điểm khác biệt)", "Vị trí đang trống"]


def _moves(rnd):
    return {m.person.full_name: m for m in Move.objects.filter(round=rnd).select_related("person", "to_position")}


@pytest.fixture
def published(proposed, users):
    plan.plan_approve(actor=users["office"], round=proposed.round, decision_number="125/QĐ-SNV")
    plan.plan_publish(actor=users["office"], round=proposed.round, effective_on=EFFECTIVE)
    proposed.round.refresh_from_db()
    return proposed


def test_plan_request_solves_in_the_background_and_writes_the_moves(world, users):  # noqa: F811
    # Given the world's draft round with four included people
    rnd, posts = world.round, world.posts

    # When the office asks for a plan (the immediate task backend runs the solve at once)
    plan.plan_request(actor=users["office"], round=rnd)

    # Then the round is proposed with the solver's figures
    rnd.refresh_from_db()
    assert (rnd.state, rnd.progress, rnd.solver_status, rnd.solver_objective, rnd.solver_lower_bound) == (
        RoundState.PROPOSED, 100, "optimal", 150, 150)
    assert rnd.message == "Đã lập phương án: bố trí 3/4 người"
    # And the three form a chain (An into the vacant BTC seat, Cường into An's, Bình into Cường's), the cheapest
    # complete plan; Hà stays, with the reason
    moves = _moves(rnd)
    assert {n: (m.to_position_id, m.cost, m.source) for n, m in moves.items()} == {
        "Nguyễn Văn An": (posts["btc_staff"].pk, 30, MoveSource.SOLVER),
        "Trần Thị Bình": (posts["stp_staff"].pk, 60, MoveSource.SOLVER),
        "Lê Văn Cường": (posts["snv_staff"].pk, 60, MoveSource.SOLVER),
        "Phạm Thu Hà": (None, None, MoveSource.SOLVER),
    }
    assert moves["Nguyễn Văn An"].from_position_id == posts["snv_staff"].pk
    assert moves["Trần Thị Bình"].reasons[-2:] == ["Chỗ do Lê Văn Cường để lại khi chuyển đi (cùng đợt)",
                                                   "Vị trí phù hợp nhất trong 3 vị trí hợp lệ (60 điểm khác biệt)"]
    assert moves["Lê Văn Cường"].reasons[:3] == [
        "Chức danh tương đương (chuyên viên)", "Chưa giữ vị trí này trong 5 năm gần đây",
        "Sang cơ quan khác cùng địa phương: Sở Nội vụ (+20 điểm khác biệt)"]
    # And the next-best posts, with who got them
    assert moves["Trần Thị Bình"].alternatives == [
        {"position_id": posts["snv_staff"].pk, "title": "Chuyên viên tổ chức cán bộ",
         "unit": "Phòng Tổ chức, biên chế", "cost": 60, "taken_by": "Lê Văn Cường", "reasons": [
             "Chức danh tương đương (chuyên viên)", "Chưa giữ vị trí này trong 5 năm gần đây",
             "Sang cơ quan khác cùng địa phương: Sở Nội vụ (+20 điểm khác biệt)",
             "Chuyên môn chưa phù hợp lĩnh vực tổ chức cán bộ (+30 điểm khác biệt)",
             "Chỗ do Nguyễn Văn An để lại khi chuyển đi (cùng đợt)"]},
        {"position_id": posts["btc_staff"].pk, "title": "Chuyên viên Ban Tổ chức", "unit": "Ban Tổ chức Thành ủy",
         "cost": 60, "taken_by": "Nguyễn Văn An", "reasons": [
             "Chức danh tương đương (chuyên viên)", "Chưa giữ vị trí này trong 5 năm gần đây",
             "Sang cơ quan khác cùng địa phương: Ban Tổ chức Thành ủy (+20 điểm khác biệt)",
             "Chuyên môn chưa phù hợp lĩnh vực tổ chức cán bộ (+30 điểm khác biệt)", "Vị trí đang trống"]},
    ]
    assert moves["Nguyễn Văn An"].alternatives == [
        {"position_id": posts["stp_staff"].pk, "title": "Chuyên viên phổ biến pháp luật", "unit": "Sở Tư pháp",
         "cost": 60, "taken_by": "Trần Thị Bình", "reasons": [
             "Chức danh tương đương (chuyên viên)", "Chưa giữ vị trí này trong 5 năm gần đây",
             "Sang cơ quan khác cùng địa phương: Sở Tư pháp (+20 điểm khác biệt)",
             "Chuyên môn chưa phù hợp lĩnh vực trực tiếp tiếp xúc, giải quyết công việc của cơ quan, tổ chức, cá nhân "
             "(+30 điểm khác biệt)", "Chỗ do Lê Văn Cường để lại khi chuyển đi (cùng đợt)"]}]
    assert moves["Phạm Thu Hà"].unplaced_reason == (
        "Không có chức danh tương đương còn chỗ trống hoặc được để lại trong phạm vi đợt")
    # And both steps are recorded
    assert [r.action for r in change_records_for(rnd).order_by("id")] == ["create", "plan_request", "plan_solve"]


def test_plan_request_refused_outside_draft_or_proposed_or_without_people(world, users):  # noqa: F811
    # Given an approved round, and a draft round with nobody included
    RotationRound.objects.filter(pk=world.round.pk).update(state=RoundState.APPROVED)
    world.round.refresh_from_db()
    records = ChangeRecord.objects.count()

    # When a plan is asked for, Then it is refused and nothing changes
    with pytest.raises(ValidationError) as err:
        plan.plan_request(actor=users["office"], round=world.round)
    assert err.value.message_dict == {"state": [
        "Chỉ lập phương án khi đợt ở tình trạng dự thảo hoặc đã có phương án (lập lại)."]}
    RotationRound.objects.filter(pk=world.round.pk).update(state=RoundState.DRAFT)
    world.round.due_entries.update(included=False)
    with pytest.raises(ValidationError) as err:
        plan.plan_request(actor=users["office"], round=world.round)
    assert err.value.message_dict == {"due_entries": ["Chưa có người nào trong danh sách được đưa vào phương án."]}
    assert ChangeRecord.objects.count() == records
    assert not Move.objects.filter(round=world.round).exists()
    assert RotationRound.objects.get(pk=world.round.pk).state == RoundState.DRAFT


def test_a_solver_failure_puts_the_round_back(world, users, monkeypatch):  # noqa: F811
    # Given a solver that fails
    def broken(*args, **kwargs):
        raise RuntimeError("hỏng")

    monkeypatch.setattr("chidao.optimizer.solve", broken)

    # When a plan is asked for
    plan.plan_request(actor=users["office"], round=world.round)

    # Then the round is a draft again, with the error, and no moves
    world.round.refresh_from_db()
    assert (world.round.state, world.round.message) == (RoundState.DRAFT, "Lỗi khi lập phương án: hỏng")
    assert not Move.objects.filter(round=world.round).exists()
    assert [r.action for r in change_records_for(world.round).order_by("id")][-1] == "plan_solve_failed"


def test_plan_check_lists_every_broken_rule(proposed):
    # Given the proposed plan
    p, posts = proposed.people, proposed.posts

    # When An is checked into Bình's old STC post, and Cường into An's new BTC post
    into_stc = plan.plan_check(round=proposed.round, move_person=p["an"], to_position=posts["stc_staff"])
    into_btc = plan.plan_check(round=proposed.round, move_person=p["cuong"], to_position=posts["btc_staff"])
    into_own = plan.plan_check(round=proposed.round, move_person=p["binh"], to_position=posts["stc_director"])

    # Then the broken rules are named
    assert into_stc == ["Đã giữ vị trí này trong 5 năm gần đây"]
    # (a periodic change caps no unit's intake: the post's single seat is what is full)
    assert into_btc == ["Chức danh đã bố trí cho Nguyễn Văn An trong phương án"]
    assert into_own == [
        "Chuyển đổi vị trí công tác định kỳ chỉ giữa các vị trí không giữ chức vụ lãnh đạo, quản lý",
        "Không tương đương chức danh hiện nay (cấp chuyên viên → giám đốc sở và tương đương)",
        "Chức danh đang do Lê Văn Dũng đảm nhiệm (không chuyển đi trong đợt)",
    ]


def test_move_edit_breaking_a_rule_needs_a_reason(proposed, users):
    # Given the proposed plan
    move = Move.objects.get(round=proposed.round, person=proposed.people["an"])
    stc_staff = proposed.posts["stc_staff"]
    records = ChangeRecord.objects.count()

    # When An is moved into a unit he served in recently without a reason
    with pytest.raises(ValidationError) as err:
        plan.move_edit(actor=users["office"], move=move, to_position=stc_staff)

    # Then it is refused with the rule, and nothing changed
    assert err.value.message_dict == {"reason": [
        "Thay đổi vi phạm: Đã giữ vị trí này trong 5 năm gần đây; cần nêu lý do."]}
    move.refresh_from_db()
    assert (move.to_position_id, move.source, move.violations) == (proposed.posts["btc_staff"].pk,
                                                                   MoveSource.SOLVER, [])
    assert ChangeRecord.objects.count() == records

    # When the same change comes with a reason
    plan.move_edit(actor=users["office"], move=move, to_position=stc_staff, reason="Cần người am hiểu ngân sách")

    # Then it is saved with the broken rule and the reason, and recorded
    move.refresh_from_db()
    assert (move.to_position_id, move.source, move.violations, move.override_reason, move.cost) == (
        stc_staff.pk, MoveSource.MANUAL, ["Đã giữ vị trí này trong 5 năm gần đây"],
        "Cần người am hiểu ngân sách", 60)
    record = change_records_for(move).get()
    assert (record.action, record.reason, record.actor) == ("move_edit", "Cần người am hiểu ngân sách",
                                                            users["office"])
    # And a clean change needs no reason
    plan.move_edit(actor=users["office"], move=move, to_position=proposed.posts["btc_staff"])
    move.refresh_from_db()
    assert (move.violations, move.override_reason, move.cost) == ([], "", 30)


def test_move_edit_refuses_a_post_outside_the_officers_subtree(proposed, hr):
    # Given a personnel officer of SNV whose subtree holds the round (scope moved to SNV for the test)
    RotationRound.objects.filter(pk=proposed.round.pk).update(scope=proposed.posts["snv_director"].unit)
    move = Move.objects.get(round=proposed.round, person=proposed.people["ha"])
    records = ChangeRecord.objects.count()

    # When they call the service to move Hà into a post of STC, outside their subtree
    with pytest.raises(PermissionDenied) as err:
        plan.move_edit(actor=hr["snv"], move=move, to_position=proposed.posts["stc_staff"], reason="x")

    # Then it is refused and nothing changed
    assert str(err.value) == "Chức danh này ngoài phạm vi quản lý của bạn."
    move.refresh_from_db()
    assert (move.to_position_id, move.source, move.override_reason) == (None, MoveSource.SOLVER, "")
    assert ChangeRecord.objects.count() == records


def test_an_edit_that_takes_another_moves_post_marks_that_move(proposed, users):
    # Given the proposed plan (Bình → STP)
    an = Move.objects.get(round=proposed.round, person=proposed.people["an"])

    # When An is put into STP's post with a reason
    plan.move_edit(actor=users["office"], move=an, to_position=proposed.posts["stp_staff"], reason="Đề nghị của Sở")

    # Then Bình's move shows it is now a double booking, and the plan cannot be approved
    binh = Move.objects.get(round=proposed.round, person=proposed.people["binh"])
    assert binh.violations == ["Chức danh đã bố trí cho Nguyễn Văn An trong phương án"]
    with pytest.raises(ValidationError) as err:
        plan.plan_approve(actor=users["office"], round=proposed.round, decision_number="1/QĐ")
    assert err.value.message_dict == {"moves": ["Còn đề xuất vi phạm quy định chưa nêu lý do: Trần Thị Bình."]}
    assert RotationRound.objects.get(pk=proposed.round.pk).state == RoundState.PROPOSED


def test_only_the_office_approves(proposed, hr, users):
    # Given a personnel officer whose subtree holds the round (scope moved to SNV for the test)
    RotationRound.objects.filter(pk=proposed.round.pk).update(scope=proposed.posts["snv_director"].unit)
    records = ChangeRecord.objects.count()

    # When they approve, Then it is refused and nothing changed
    with pytest.raises(PermissionDenied):
        plan.plan_approve(actor=hr["snv"], round=proposed.round, decision_number="1/QĐ")
    rnd = RotationRound.objects.get(pk=proposed.round.pk)
    assert (rnd.state, rnd.decision_number) == (RoundState.PROPOSED, "")
    assert ChangeRecord.objects.count() == records


def test_approve_publish_apply_write_the_service_history(published, users):
    # Given the approved and published plan (effective 01/07/2025)
    rnd, p, posts = published.round, published.people, published.posts
    assert (rnd.state, rnd.decision_number, rnd.effective_on) == (RoundState.PUBLISHED, "125/QĐ-SNV", EFFECTIVE)

    # When it is applied before the effective date, Then it is refused and nothing changed
    with pytest.raises(ValidationError) as err:
        plan.plan_apply(actor=users["office"], round=rnd, on=dt.date(2025, 6, 30))
    assert err.value.message_dict == {"on": ["Chưa đến ngày có hiệu lực (01/07/2025)."]}
    assert Assignment.objects.filter(start=EFFECTIVE).count() == 0
    assert RotationRound.objects.get(pk=rnd.pk).state == RoundState.PUBLISHED

    # When it is applied on the effective date
    plan.plan_apply(actor=users["office"], round=rnd, on=EFFECTIVE)

    # Then each mover has a new assignment from that date, the old one ends the day before
    for key, post in (("an", "btc_staff"), ("binh", "stp_staff"), ("cuong", "snv_staff")):
        person = Person.objects.get(pk=p[key].pk)
        assert (person.position_id, person.position_since, person.unit_id) == (
            posts[post].pk, EFFECTIVE, posts[post].unit_id)
        current = person.assignments.get(end__isnull=True)
        assert (current.kind, current.start, current.decision) == ("periodic_change", EFFECTIVE, "125/QĐ-SNV")
        assert person.assignments.get(end=dt.date(2025, 6, 30)).start < EFFECTIVE
        assert Move.objects.get(round=rnd, person=person).applied_assignment == current
    # And Hà, unplaced, keeps her post
    assert Person.objects.get(pk=p["ha"].pk).position_id == posts["stp_senior"].pk
    rnd.refresh_from_db()
    assert rnd.state == RoundState.APPLIED
    # And every step is recorded, by whom
    assert [(r.action, r.actor) for r in change_records_for(rnd).order_by("id")] == [
        ("create", users["office"]), ("plan_request", users["office"]), ("plan_solve", users["office"]),
        ("plan_approve", users["office"]), ("plan_publish", users["office"]), ("plan_apply", users["office"])]


def test_publish_refuses_an_effective_date_before_the_as_of_date(proposed, users):
    plan.plan_approve(actor=users["office"], round=proposed.round, decision_number="125/QĐ-SNV")
    with pytest.raises(ValidationError) as err:
        plan.plan_publish(actor=users["office"], round=proposed.round, effective_on=dt.date(2025, 5, 31))
    assert err.value.message_dict == {"effective_on": ["Ngày có hiệu lực không được trước ngày 01/06/2025."]}
    rnd = RotationRound.objects.get(pk=proposed.round.pk)
    assert (rnd.state, rnd.effective_on) == (RoundState.APPROVED, None)


def test_documents_list_the_moved_people(published, users):
    # When the plan is downloaded as Word and PDF
    docx, docx_name = plan.plan_publish_document(user=users["office"], round=published.round, fmt="docx")
    pdf, pdf_name = plan.plan_publish_document(user=users["office"], round=published.round, fmt="pdf")

    # Then both name the moved people, the decision and the title
    text = "\n".join(docx_lines(docx))
    pdf_text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    for content in (text, pdf_text):
        for name in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"):
            assert name in content
        assert "KẾ HOẠCH" in content
        # the approving decision is cited among the grounds, never printed as the plan's own number
        assert "Căn cứ Quyết định phê duyệt số 125/QĐ-SNV;" in content
        assert "Số: 125/QĐ-SNV" not in content
        assert "Đủ thời hạn định kỳ chuyển đổi" in content
        # the city (a State body) writes in Decree 30's format; published, the plan has its own number from the
        # register (no longer a draft), signed by the head (no signer registered)
        for line in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "THÀNH PHỐ HÀ NỘI",
                     "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ"):
            assert line in content, line
        assert "ĐẢNG CỘNG SẢN VIỆT NAM" not in content
        assert "DỰ THẢO" not in content
    assert "Số: 1/KH-HN" in docx_lines(docx)
    assert_liberation_serif_only(pdf)
    assert "Chuyên viên Ban Tổ chức, Ban Tổ chức Thành ủy" in text
    assert "Phạm Thu Hà: Không có chức danh tương đương còn chỗ trống" in text
    assert "Nhận chỗ trống" in text or "Bước 1/" in text or "Hoán đổi" in text
    y, pk = published.round.year, published.round.pk
    assert (docx_name, pdf_name) == (f"ke-hoach-chuyen-doi-{y}_{pk}.docx", f"ke-hoach-chuyen-doi-{y}_{pk}.pdf")
    assert AccessLog.objects.filter(user=users["office"], action="export").count() == 2


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_a_party_scope_plan_takes_the_party_format_with_its_number_and_signer(published, users, fmt):
    # Given the plan's scope is a Party body, and the register gives the plan a number and a signer
    Unit.objects.filter(pk=published.round.scope_id).update(kind=UnitKind.PARTY_BODY)
    content, _name = plan.plan_publish_document(
        user=users["office"], round=published.round, fmt=fmt,
        document={"number": "Số 07-KH/BTCTU", "signer": {"form": "T/M", "body": "Ban Thường vụ", "title": "Phó Bí thư",
                                                         "name": "Trần Văn B"}})
    # Then its heading is the Party's, its number the register's, and the signing block "T/M"
    if fmt == "docx":
        lines = docx_lines(content)
        assert lines.index("T/M BAN THƯỜNG VỤ") + 1 == lines.index("PHÓ BÍ THƯ")
        text = "\n".join(lines)
    else:
        assert_liberation_serif_only(content)
        text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())
    for line in ("ĐẢNG CỘNG SẢN VIỆT NAM", "THÀNH PHỐ HÀ NỘI", "Số 07-KH/BTCTU", "T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ",
                 "Trần Văn B", "Căn cứ Quyết định phê duyệt số 125/QĐ-SNV;"):
        assert line in text, line
    for line in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "DỰ THẢO", "Số: 125/QĐ-SNV"):
        assert line not in text, line


def test_apply_due_command_applies_only_rounds_whose_date_has_come(published, users, make_round):
    # Given the published plan (effective 01/07/2025) and another published round effective 01/08/2025
    later = make_round(scope="stp", name="Đợt sau")
    RotationRound.objects.filter(pk=later.pk).update(state=RoundState.PUBLISHED, effective_on=dt.date(2025, 8, 1))

    # When the daily command runs on 15/07/2025
    out = io.StringIO()
    call_command("rotation", "apply-due", "--date", "15/07/2025", stdout=out)

    # Then only the first is applied
    assert RotationRound.objects.get(pk=published.round.pk).state == RoundState.APPLIED
    assert RotationRound.objects.get(pk=later.pk).state == RoundState.PUBLISHED
    assert Person.objects.get(pk=published.people["an"].pk).position_id == published.posts["btc_staff"].pk
    assert "Ngày 15/07/2025: 1 đợt đã thực hiện, 0 đợt lỗi." in out.getvalue()


# --- pages ----------------------------------------------------------------------------------------------


def test_plan_page_shows_the_moves_to_the_office(proposed, client, users):
    client.force_login(users["office"])
    response = client.get(reverse("rotation_plan", args=[proposed.round.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-state="proposed"' in body
    for name in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thu Hà"):
        assert name in body


def test_plan_request_page_post_runs_the_solver(world, client, users):  # noqa: F811
    client.force_login(users["office"])
    response = client.post(reverse("rotation_plan_request", args=[world.round.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'data-state="proposed"' in response.content.decode()
    assert Move.objects.filter(round=world.round).count() == 4


def test_move_edit_page_shows_the_broken_rule_and_changes_nothing(proposed, client, users):
    client.force_login(users["office"])
    move = Move.objects.get(round=proposed.round, person=proposed.people["an"])
    response = client.post(reverse("rotation_move_edit", args=[proposed.round.pk, move.pk]),
                           {"choice": "other", "position_id": proposed.posts["stc_staff"].pk, "reason": ""},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "Thay đổi vi phạm: Đã giữ vị trí này trong 5 năm gần đây; cần nêu lý do." in \
        response.content.decode()
    move.refresh_from_db()
    assert move.to_position_id == proposed.posts["btc_staff"].pk


def test_plan_form_refused_answers_422_with_the_partial(proposed, client, users):
    # Given a plan that cannot be published yet (not approved)
    client.force_login(users["office"])
    # When the office posts the publish form by htmx without a date
    response = client.post(reverse("rotation_plan_publish", args=[proposed.round.pk]), {"effective_on": ""},
                           HTTP_HX_REQUEST="true")
    # Then the partial comes back with the error, as every failed form: 422
    assert response.status_code == 422
    assert "Nhập ngày có hiệu lực theo dạng dd/mm/yyyy." in response.content.decode()


def test_non_manager_gets_403(proposed, client, users):
    client.force_login(users["snv"])
    assert client.get(reverse("rotation_plan", args=[proposed.round.pk])).status_code == 403
    assert client.post(reverse("rotation_plan_request", args=[proposed.round.pk])).status_code == 403
    assert Move.objects.filter(round=proposed.round).count() == 4


def test_personnel_officer_of_another_subtree_gets_404(proposed, client, hr, users):
    # Given the round scoped to SNV, and the STC personnel officer
    RotationRound.objects.filter(pk=proposed.round.pk).update(scope=proposed.posts["snv_director"].unit)
    client.force_login(hr["stc"])
    records = ChangeRecord.objects.count()

    # Then the plan and its actions answer 404, and nothing changed
    assert client.get(reverse("rotation_plan", args=[proposed.round.pk])).status_code == 404
    assert client.post(reverse("rotation_plan_approve", args=[proposed.round.pk]),
                       {"decision_number": "1"}).status_code == 404
    assert client.get(reverse("rotation_plan_document", args=[proposed.round.pk, "docx"])).status_code == 404
    assert ChangeRecord.objects.count() == records
    # While the SNV officer sees it
    client.force_login(hr["snv"])
    assert client.get(reverse("rotation_plan", args=[proposed.round.pk])).status_code == 200


def test_round_page_loads_the_plan_section(proposed, client, users):
    client.force_login(users["office"])
    body = client.get(reverse("round_detail", args=[proposed.round.pk])).content.decode()
    assert f'hx-get="{reverse("rotation_plan", args=[proposed.round.pk])}"' in body


def test_plan_pdf_is_signed_by_the_issuing_body_when_a_key_is_configured(published, users, signing_key):
    # given a signing key and its root installed
    signing.trust_root_add(pem_bytes=signing_key["ca"].pem())
    # when the issued plan (numbered) is downloaded as PDF
    pdf, _name = plan.plan_publish_document(user=users["office"], round=published.round, fmt="pdf",
                                            document={"number": "Số 07-KH/BTCTU"})
    # then it carries a valid signature by the key's holder
    check = signing.pdf_verify(pdf)
    assert (check.state, check.signer) == (SignatureState.VALID, "Ủy ban nhân dân tỉnh Thử")


def test_plan_pdf_without_a_key_or_as_a_draft_is_unsigned(published, users, settings, signing_key):
    settings.CHIDAO_SIGNING = {}
    pdf, _name = plan.plan_publish_document(user=users["office"], round=published.round, fmt="pdf",
                                            document={"number": "Số 07-KH/BTCTU"})
    assert signing.pdf_verify(pdf).state == SignatureState.NONE
    settings.CHIDAO_SIGNING = {"pkcs12": str(signing_key["p12"]), "password": "mat-khau"}
    # (a published plan has its own number from the register; a draft is asked for explicitly)
    draft, _name = plan.plan_publish_document(user=users["office"], round=published.round, fmt="pdf",
                                              document={"draft": True})
    assert signing.pdf_verify(draft).state == SignatureState.NONE
