"""The permission matrix as data: for every page (URL name) and every API operation ("METHOD /path"), what each
role gets, read from the code's intent (views' checks, selectors' `visible_to`, DESIGN.md "Users").

Every object of the fixture world lies in unit A (Sở Nội vụ): "lead_b" and "hr_b" belong to unit B (Sở Tài
chính), so they must be refused A's scoped records. Statuses: 200 (or the page's own success answer, e.g. 302
for `home` with one program), 302 (anonymous page: to the login page), 401 (anonymous API), 403 (the role may
not), 404 (outside the role's scope: existence not revealed), 405 (a POST-only page asked by GET), 422 (the role
may use the page but the input names something outside its scope, so nothing is written).

`OK` in a write map: the role may do it; the test checks that the write succeeds and changes the database.
A page or operation missing here makes test_permission_matrix fail: add it with its intent.
"""

import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from chidao.personnel.models import Position
from chidao.rotation import plan
from chidao.rotation.models import RotationRound, RoundState

from .conftest import (
    ADMIN,
    ANON,
    AUDITOR,
    HR_A,
    HR_B,
    LEAD_A,
    LEAD_B,
    OFFICE,
    REFORM,
    ROLES,
    ROUND_AS_OF,
    STEERING,
    World,
)

OK = 0  # in a write map: allowed, must succeed and change the database

LOGGED_IN = frozenset(ROLES) - {ANON}
# Who reads unit A's program records: the read-all roles and the users of unit A (Program/Deliverable.visible_to
# scope by unit: the lead officer and the personnel officer of A both belong to A).
READ_A = frozenset({ADMIN, STEERING, OFFICE, AUDITOR, LEAD_A, HR_A})
NOT_A = frozenset({LEAD_B, HR_B, REFORM})
MANAGE = frozenset({ADMIN, OFFICE})  # programs.permissions.can_manage_programs; rotation plan approval
EDIT_A = frozenset({ADMIN, OFFICE, LEAD_A})  # programs.permissions.can_edit_deliverable on A's deliverable
PEOPLE = frozenset({ADMIN, OFFICE, HR_A, HR_B})  # personnel.permissions.can_read_people / can_manage_people
PEOPLE_A = frozenset({ADMIN, OFFICE, HR_A})  # Person/RotationRound.visible_to for A's records
# procedures.permissions.can_edit_procedures, indicators.permissions.can_manage_indicators
REFORM_EDIT = frozenset({ADMIN, REFORM})


def expect(ok: Iterable[str], *, ok_status: int = 200, missing: Iterable[str] = (), refused: int = 403,
           anon: int = 302, **special: int) -> dict[str, int]:
    """Role -> status: `ok` roles get ok_status, `missing` 404, anonymous `anon`, `special` theirs, others
    `refused`."""
    ok, missing = frozenset(ok), frozenset(missing)
    out = {}
    for role in ROLES:
        if role == ANON:
            out[role] = anon
        elif role in special:
            out[role] = special[role]
        elif role in ok:
            out[role] = ok_status
        elif role in missing:
            out[role] = 404
        else:
            out[role] = refused
    return out


EVERYONE = expect(LOGGED_IN)
POST_ONLY = expect(LOGGED_IN, ok_status=405)  # a POST-only page asked by GET


def _upload(name: str, content: bytes, mime: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=mime)


def _not_xlsx() -> SimpleUploadedFile:
    """A file the import forms accept by name and the importers refuse by content (422, nothing written)."""
    return _upload("du-lieu.xlsx", b"not a workbook",
                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _docx(text: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _round_proposed(w: World) -> None:
    """Put the world's (approved) round back to "proposed", where its list and plan may still change."""
    assert w.round is not None
    RotationRound.objects.filter(pk=w.round.pk).update(state=RoundState.PROPOSED, decision_number="")
    w.round.refresh_from_db()


def _round_published(w: World) -> None:
    assert w.round is not None
    plan.plan_publish(actor=w.users[OFFICE], round=w.round, effective_on=ROUND_AS_OF)  # type: ignore[arg-type]


def _post_of(w: World, key: str) -> int:
    return Position.objects.get(title=key).pk


@dataclass(frozen=True)
class Page:
    get: dict[str, int]
    kwargs: Callable[[World], dict[str, Any]] = lambda w: {}
    query: str = ""
    # POST: role -> status (OK: must succeed); None: a read-only page (its POST is not checked).
    post: dict[str, int] | None = None
    data: Callable[[World], dict[str, Any]] = lambda w: {}
    prepare: Callable[[World], None] | None = None  # run before an allowed POST (inside its savepoint)
    # role -> tables a refused POST may still write (a 422 that shows the page again logs that view)
    refusal_writes: dict[str, list[str]] = field(default_factory=dict)
    note: str = ""


def _version(w: World) -> int:
    """The world deliverable's version as stored (writes that change it must name it)."""
    return type(w.deliverable).objects.values_list("version", flat=True).get(pk=w.deliverable.pk)


def _pk(attr: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"pk": getattr(w, attr).pk}


D = dt.date(2025, 6, 1).strftime("%d/%m/%Y")

PAGES: dict[str, Page] = {
    # --- accounts, language, API documents (public) ------------------------------------------------------
    "login": Page(get=expect(LOGGED_IN, anon=200)),
    "logout": Page(get=expect(LOGGED_IN, ok_status=405, anon=405), note="POST only (Django 5)"),
    "set_language": Page(get=expect(LOGGED_IN, ok_status=302, anon=302), note="redirects back; POST sets it"),
    "api_v1:openapi-json": Page(get=expect(LOGGED_IN, anon=200), note="the API description is public"),
    "api_v1:openapi-view": Page(get=expect(LOGGED_IN, anon=200)),
    "api_v1:api-root": Page(get=expect(LOGGED_IN, ok_status=404, anon=404), note="no page at the API root"),
    # --- core ------------------------------------------------------------------------------------------------
    "notifications": Page(get=EVERYONE),
    "api_tokens": Page(get=EVERYONE, post=expect(LOGGED_IN, ok_status=OK),
                       data=lambda w: {"name": "Máy chủ báo cáo", "scope": "read"}, note="one's own tokens only"),
    "api_token_revoke": Page(get=POST_ONLY, kwargs=lambda w: {"pk": w.extra["token_a"].pk},
                             post=expect({LEAD_A}, ok_status=OK, missing=LOGGED_IN),
                             note="the token is lead_a's: anyone else's revoke is 404"),
    "notifications_read": Page(get=POST_ONLY, post=expect(LOGGED_IN, ok_status=OK)),
    # --- programs --------------------------------------------------------------------------------------------
    "home": Page(get=expect(READ_A | {LEAD_B}, ok_status=302, **{r: 200 for r in NOT_A - {LEAD_B}}),
                 note="who may have work waiting (programs.inbox.has_inbox) to the inbox; else one visible "
                      "program: straight to its dashboard"),
    "program_list": Page(get=EVERYONE),
    "program_create": Page(
        get=expect(MANAGE), post=expect(MANAGE, ok_status=OK),
        data=lambda w: {"number": "02-CTr/TU", "title": "Chương trình mới", "issuing_body": w.unit_a.pk,
                        "issued_on": D, "term": "XVII", "period_start": 2025, "period_end": 2030}),
    "program_dashboard": Page(get=expect(READ_A, missing=NOT_A), kwargs=_pk("program")),
    "deliverable_list": Page(get=expect(READ_A, missing=NOT_A), kwargs=_pk("program")),
    "deliverable_create": Page(
        get=expect(MANAGE, missing=NOT_A), kwargs=_pk("program"), post=expect(MANAGE, ok_status=OK, missing=NOT_A),
        data=lambda w: {"code": "99", "kind": "nhiem_vu", "title": "Nội dung mới", "lead_unit": w.unit_a.pk,
                        "responsible_leader": "Nguyễn Văn An", "original_deadline": "30/09/2026"}),
    "deliverable_import": Page(
        get=expect(MANAGE, missing=NOT_A), kwargs=_pk("program"),
        post=expect(MANAGE, ok_status=422, missing=NOT_A), data=lambda w: {"file": _not_xlsx()},
        note="allowed roles reach the importer, which refuses the file (422)"),
    "import_template": Page(get=EVERYONE),
    "deliverable_detail": Page(get=expect(READ_A, missing=NOT_A), kwargs=_pk("deliverable")),
    "deliverable_edit": Page(
        get=expect(EDIT_A, missing=NOT_A), kwargs=_pk("deliverable"),
        post=expect(EDIT_A, ok_status=OK, missing=NOT_A),
        data=lambda w: {"version": _version(w), "title": "Tên đã sửa", "description": "Mô tả",
                        "responsible_leader": "Lê Văn Bình",
                        "code": w.deliverable.code, "kind": w.deliverable.kind, "lead_unit": w.unit_a.pk,
                        "original_deadline": "30/09/2026"}),
    "deliverable_transition": Page(
        get=POST_ONLY, kwargs=_pk("deliverable"), post=expect(EDIT_A, ok_status=OK, missing=NOT_A),
        data=lambda w: {"to_status": "in_progress", "version": _version(w)}),
    "deliverable_extend": Page(
        get=POST_ONLY, kwargs=_pk("deliverable"), post=expect(MANAGE, ok_status=OK, missing=NOT_A),
        data=lambda w: {"ext-version": _version(w), "ext-new_deadline": "31/12/2026",
                        "ext-approved_by": "Bí thư Thành ủy", "ext-approved_on": D,
                        "ext-reason": "Cần thêm thời gian"}),
    "deliverable_note": Page(
        get=POST_ONLY, kwargs=_pk("deliverable"),
        post=expect(READ_A - {AUDITOR}, ok_status=OK, missing=NOT_A),
        data=lambda w: {"kind": "comment", "text": "Ý kiến"}, note="auditors change nothing"),
    "meeting_list": Page(
        get=expect(READ_A, missing=NOT_A), kwargs=_pk("program"), post=expect(MANAGE, ok_status=OK, missing=NOT_A),
        data=lambda w: {"kind": "stocktake", "title": "Họp kiểm điểm", "held_on": D, "chair": "Bí thư"}),
    "meeting_detail": Page(get=expect(READ_A, missing=NOT_A), kwargs=_pk("meeting")),
    "meeting_agenda_add": Page(
        get=POST_ONLY, kwargs=_pk("meeting"), post=expect(MANAGE, ok_status=OK, missing=NOT_A),
        data=lambda w: {"agenda-title": "Báo cáo tiến độ"}),
    "meeting_point_add": Page(
        get=POST_ONLY, kwargs=_pk("meeting"), post=expect(MANAGE, ok_status=OK, missing=NOT_A),
        data=lambda w: {"point-kind": "lesson", "point-text": "Bài học"}),
    "meeting_conclusion_add": Page(
        get=POST_ONLY, kwargs=_pk("meeting"), post=expect(MANAGE, ok_status=OK, missing=NOT_A),
        data=lambda w: {"kl-text": "Kết luận", "kl-lead_unit": w.unit_a.pk, "kl-deadline": "31/12/2026",
                        "kl-track_as": "deliverable", "kl-kind": "nhiem_vu"}),
    "attachment_download": Page(get=expect(READ_A, missing=NOT_A), kwargs=_pk("attachment")),
    # --- reports ---------------------------------------------------------------------------------------------
    "program_reports": Page(get=expect(READ_A, missing=NOT_A), kwargs=_pk("program")),
    "report_request": Page(
        get=POST_ONLY, kwargs=_pk("program"), post=expect(READ_A, ok_status=OK, missing=NOT_A),
        data=lambda w: {"kind": "stocktake", "format": "xlsx"},
        note="a report is a read: whoever reads the program may ask for one"),
    "report_jobs": Page(get=expect(READ_A, missing=NOT_A), kwargs=_pk("program")),
    "report_download": Page(get=expect({LEAD_A}, missing=LOGGED_IN), kwargs=_pk("report_job"),
                            note="a build is its requester's only (lead_a asked for it)"),
    "report_templates": Page(
        get=expect({ADMIN}), post=expect({ADMIN}, ok_status=OK),
        data=lambda w: {"kind": "program_report", "file": _upload("mau.docx", _docx("{{ title }}"))}),
    "report_template_download": Page(get=expect({ADMIN}), kwargs=lambda w: {"kind": "program_report"}),
    # --- personnel -------------------------------------------------------------------------------------------
    "person_access_log": Page(get=expect({ADMIN, AUDITOR})),
    "person_list": Page(get=expect(PEOPLE)),
    "person_create": Page(
        get=expect(PEOPLE), post=expect(PEOPLE_A, ok_status=OK, hr_b=422),
        data=lambda w: {"code": "CB-MOI", "full_name": "Phạm Văn Mới", "birth_date": "01/01/1990",
                        "gender": "male", "unit": w.unit_a.pk},
        note="hr_b may create people, but not in A (the unit is not a choice: 422)"),
    "person_detail": Page(get=expect(PEOPLE_A, missing=LOGGED_IN), kwargs=_pk("person")),
    "person_assignment_add": Page(
        get=POST_ONLY, kwargs=_pk("person"), post=expect(PEOPLE_A, ok_status=OK, missing=LOGGED_IN),
        data=lambda w: {"as-position": _post_of(w, "Trưởng phòng Tổ chức, biên chế"), "as-kind": "appointment",
                        "as-start": "01/01/2025"}),
    "person_rating_set": Page(
        get=POST_ONLY, kwargs=_pk("person"), post=expect(PEOPLE_A, ok_status=OK, missing=LOGGED_IN),
        data=lambda w: {"xl-year": 2023, "xl-level": "good"}),
    "person_discipline_add": Page(
        get=POST_ONLY, kwargs=_pk("person"), post=expect(PEOPLE_A, ok_status=OK, missing=LOGGED_IN),
        data=lambda w: {"kl-system": "party", "kl-form": "khien_trach", "kl-decided_on": "01/03/2024",
                        "kl-decided_by": "Đảng ủy Sở"}),
    "person_deferral_add": Page(
        get=POST_ONLY, kwargs=_pk("person"), post=expect(PEOPLE_A, ok_status=OK, missing=LOGGED_IN),
        data=lambda w: {"cd-kind": "study", "cd-start": "01/09/2024"}),
    "person_relative_link": Page(
        get=POST_ONLY, kwargs=_pk("person"), post=expect(PEOPLE_A, ok_status=OK, missing=LOGGED_IN),
        data=lambda w: {"qh-relative": w.colleague.code, "qh-relation": "sibling"}),
    "planning_term_list": Page(
        get=expect(PEOPLE), post=expect(PEOPLE, ok_status=OK),
        data=lambda w: {"name": "2030-2035", "start_year": 2030, "end_year": 2035}),
    "planning_term_detail": Page(get=expect(PEOPLE), kwargs=_pk("term"),
                                 note="terms are shared; each sees only the entries of their scope"),
    "planning_entry_add": Page(
        get=POST_ONLY, kwargs=_pk("term"), post=expect(PEOPLE_A, ok_status=OK, hr_b=422),
        data=lambda w: {"code": w.colleague.code, "position": _post_of(w, "Giám đốc Sở Nội vụ"), "on": D},
        refusal_writes={HR_B: ["personnel.AccessLog"]},
        note="hr_b: A's person and post are not found in its scope (422); the term page shown again logs its view"),
    "planning_entry_remove": Page(
        get=POST_ONLY, kwargs=_pk("entry"), post=expect(PEOPLE_A, ok_status=OK, missing={HR_B}),
        data=lambda w: {"on": "02/06/2025", "reason": "Không còn đủ điều kiện"}),
    "person_import": Page(get=expect(PEOPLE), post=expect(PEOPLE, ok_status=422), data=lambda w: {"file": _not_xlsx()}),
    "person_import_template": Page(get=EVERYONE),
    "person_export": Page(get=expect(PEOPLE)),
    # --- rotation --------------------------------------------------------------------------------------------
    "round_list": Page(
        get=expect(PEOPLE), post=expect(PEOPLE_A, ok_status=OK, hr_b=422),
        data=lambda w: {"name": "Đợt mới", "year": 2025, "kind": "periodic_change", "scope": w.unit_a.pk,
                        "as_of": D}),
    "round_detail": Page(get=expect(PEOPLE_A, missing={HR_B}), kwargs=_pk("round")),
    "round_due_build": Page(get=POST_ONLY, kwargs=_pk("round"), post=expect(PEOPLE_A, ok_status=OK, missing={HR_B}),
                            prepare=_round_proposed),
    "round_due_add": Page(
        get=POST_ONLY, kwargs=_pk("round"), post=expect(PEOPLE_A, ok_status=OK, missing={HR_B}),
        data=lambda w: {"code": w.colleague.code, "reason": "Có dấu hiệu không hoàn thành nhiệm vụ"},
        prepare=_round_proposed),
    "due_entry_include": Page(
        get=POST_ONLY, kwargs=_pk("due_entry"), post=expect(PEOPLE_A, ok_status=OK, missing={HR_B}),
        data=lambda w: {"reason": "Đang điều trị bệnh"}, prepare=_round_proposed),
    "rotation_plan": Page(get=expect(PEOPLE_A, missing={HR_B}), kwargs=_pk("round")),
    "rotation_plan_request": Page(
        get=POST_ONLY, kwargs=_pk("round"), post=expect(PEOPLE_A, ok_status=OK, missing={HR_B}),
        prepare=_round_proposed),
    "rotation_move_edit": Page(
        get=POST_ONLY, kwargs=lambda w: {"pk": w.round.pk, "move_pk": w.move.pk},
        post=expect(PEOPLE_A, ok_status=OK, missing={HR_B}),
        data=lambda w: {"choice": "none", "reason": "Chưa bố trí"}, prepare=_round_proposed),
    "rotation_plan_approve": Page(
        get=POST_ONLY, kwargs=_pk("round"), post=expect(MANAGE, ok_status=OK, missing={HR_B}),
        data=lambda w: {"decision_number": "99/QĐ-SNV"}, prepare=_round_proposed,
        note="personnel officers prepare plans; the office approves"),
    "rotation_plan_publish": Page(
        get=POST_ONLY, kwargs=_pk("round"), post=expect(PEOPLE_A, ok_status=OK, missing={HR_B}),
        data=lambda w: {"effective_on": "01/07/2025"}),
    "rotation_plan_apply": Page(
        get=POST_ONLY, kwargs=_pk("round"), post=expect(PEOPLE_A, ok_status=OK, missing={HR_B}),
        prepare=_round_published),
    "rotation_plan_document": Page(get=expect(PEOPLE_A, missing={HR_B}),
                                   kwargs=lambda w: {"pk": w.round.pk, "fmt": "docx"}),
    # --- procedures (a public registry: every signed-in user reads) --------------------------------------------
    "procedure_list": Page(get=EVERYONE),
    "procedure_create": Page(
        get=expect(REFORM_EDIT), post=expect(REFORM_EDIT, ok_status=OK),
        data=lambda w: {"code": "1.000002.000.00.00.H26", "name": "Thủ tục mới", "level": "province",
                        "field": "Tổ chức, biên chế", "unit": w.unit_a.pk}),
    "procedure_detail": Page(get=EVERYONE, kwargs=_pk("procedure")),
    "procedure_edit": Page(
        get=expect(REFORM_EDIT), kwargs=_pk("procedure"), post=expect(REFORM_EDIT, ok_status=OK),
        data=lambda w: {"code": w.procedure.code, "name": "Thủ tục đã sửa", "level": "province",
                        "field": "Tổ chức, biên chế", "unit": w.unit_a.pk}),
    "decision_list": Page(get=EVERYONE),
    "decision_create": Page(
        get=expect(REFORM_EDIT), post=expect(REFORM_EDIT, ok_status=OK),
        data=lambda w: {"number": "03/QĐ-UBND", "title": "Sửa đổi", "signed_on": "01/06/2025",
                        "effective_on": "01/06/2025", "issuer": w.unit_a.pk,
                        "items": f"{w.procedure.code} amended"}),
    "decision_detail": Page(get=EVERYONE, kwargs=_pk("decision")),
    "decision_file": Page(get=EVERYONE, kwargs=_pk("decision"), note="the decision's scanned file, streamed"),
    "procedure_counts": Page(get=EVERYONE),
    "campaign_list": Page(get=EVERYONE),
    "campaign_detail": Page(get=EVERYONE, kwargs=_pk("campaign")),
    "procedure_figures": Page(get=EVERYONE),
    "procedure_figures_import": Page(
        get=expect(REFORM_EDIT), post=expect(REFORM_EDIT, ok_status=422),
        data=lambda w: {"file": _not_xlsx(), "period": "2025-Q1"}),
    "procedure_import": Page(get=expect(REFORM_EDIT), post=expect(REFORM_EDIT, ok_status=422),
                             data=lambda w: {"file": _not_xlsx()}),
    "procedure_import_template": Page(get=EVERYONE),
    "procedure_export": Page(get=EVERYONE),
    # --- indicators (published figures: every signed-in user reads) --------------------------------------------
    "indicator_list": Page(get=EVERYONE),
    "indicator_create": Page(
        get=expect(REFORM_EDIT), post=expect(REFORM_EDIT, ok_status=OK),
        data=lambda w: {"code": "CS02", "name": "Chỉ số mới", "unit_of_measure": "%", "higher_is_better": "on",
                        "baseline_value": "50", "baseline_date": "31/12/2020", "responsible_unit": w.unit_a.pk}),
    "indicator_export": Page(get=EVERYONE),
    "indicator_detail": Page(get=EVERYONE, kwargs=_pk("indicator")),
    "indicator_edit": Page(
        get=expect(REFORM_EDIT), kwargs=_pk("indicator"), post=expect(REFORM_EDIT, ok_status=OK),
        data=lambda w: {"code": "CS01", "name": "Chỉ số đã sửa", "unit_of_measure": "%", "higher_is_better": "on",
                        "baseline_value": "80", "baseline_date": "31/12/2020", "responsible_unit": w.unit_a.pk}),
    "indicator_target_set": Page(
        get=POST_ONLY, kwargs=_pk("indicator"), post=expect(REFORM_EDIT, ok_status=OK),
        data=lambda w: {"target-period_code": "2025", "target-value": "90"}),
    "indicator_actual_report": Page(
        get=POST_ONLY, kwargs=_pk("indicator"), post=expect(REFORM_EDIT | {LEAD_A}, ok_status=OK),
        data=lambda w: {"actual-as_of": D, "actual-value": "85", "actual-source": "Báo cáo của Sở"},
        note="the responsible unit's lead officer reports actuals"),
    "task_force_list": Page(get=EVERYONE),
    "task_force_detail": Page(get=EVERYONE, kwargs=_pk("task_force")),
}


@dataclass(frozen=True)
class Operation:
    expect: dict[str, int]
    params: Callable[[World], dict[str, Any]] = lambda w: {}  # path parameters
    query: dict[str, str] = field(default_factory=dict)
    json: Callable[[World], dict[str, Any]] | None = None
    multipart: Callable[[World], dict[str, Any]] | None = None
    prepare: Callable[[World], None] | None = None  # run before an allowed call (inside its savepoint)
    note: str = ""


def api(ok: Iterable[str], *, ok_status: int = 200, missing: Iterable[str] = (), **special: int) -> dict[str, int]:
    return expect(ok, ok_status=ok_status, missing=missing, anon=401, **special)


def _ids(**attrs: str) -> Callable[[World], dict[str, Any]]:
    """Path parameters from world attributes: _ids(program_id="program") -> {"program_id": w.program.pk}."""
    return lambda w: {name: (w.extra[attr[6:]] if attr.startswith("extra.") else getattr(w, attr)).pk
                      for name, attr in attrs.items()}


def _custom_template(w: World) -> None:
    from chidao.reports import services as report_services

    report_services.report_template_replace(actor=w.users[ADMIN], kind="program_report",  # type: ignore[arg-type]
                                            upload=_upload("mau.docx", _docx("{{ title }}")))


API_EVERYONE = api(LOGGED_IN)
A_PROGRAM = api(READ_A, missing=NOT_A)  # reads of A's program records
A_MANAGE = api(MANAGE, ok_status=OK, missing=NOT_A)  # the office's writes on A's program records
PEOPLE_READ = api(PEOPLE)
PEOPLE_A_READ = api(PEOPLE_A, missing=LOGGED_IN)  # one record of A: 404 to anyone out of scope
# The auditor's token only reads (no write token for a role that may not write): 403 before any scope check.
PEOPLE_A_WRITE = api(PEOPLE_A, ok_status=OK, missing=LOGGED_IN - {AUDITOR})
ROUND_A_READ = api(PEOPLE_A, missing={HR_B})
ROUND_A_WRITE = api(PEOPLE_A, ok_status=OK, missing={HR_B})
REFORM_WRITE = api(REFORM_EDIT, ok_status=OK)
LOG_READERS = api({ADMIN, AUDITOR})
PROGRAM = _ids(program_id="program")
DELIVERABLE = _ids(deliverable_id="deliverable")
MEETING = _ids(meeting_id="meeting")
PERSON = _ids(person_id="person")
TERM = _ids(term_id="term")
ROUND = _ids(round_id="round")
PROCEDURE = _ids(procedure_id="procedure")
CAMPAIGN = _ids(campaign_id="campaign")
INDICATOR = _ids(indicator_id="indicator")
TASK_FORCE = _ids(task_force_id="task_force")
TEMPLATE = lambda w: {"kind": "program_report"}  # noqa: E731
PDF = lambda w: {"file": _upload("bien-ban.pdf", b"%PDF-1.4\n%test\n", "application/pdf")}  # noqa: E731
NOT_XLSX = lambda w: {"file": _not_xlsx()}  # noqa: E731

OPERATIONS: dict[str, Operation] = {
    # --- system ---------------------------------------------------------------------------------------------
    "GET /api/v1/me": Operation(API_EVERYONE),
    "GET /api/v1/units": Operation(API_EVERYONE, note="reference data"),
    "GET /api/v1/units/{unit_id}": Operation(API_EVERYONE, params=lambda w: {"unit_id": w.unit_a.pk}),
    "GET /api/v1/notifications": Operation(API_EVERYONE, note="one's own"),
    "POST /api/v1/notifications/read": Operation(api(LOGGED_IN - {AUDITOR}, ok_status=OK),
                                                 note="the auditor's token only reads (by session they may)"),
    # The token operations: matrix_tokens.py
    "GET /api/v1/change-records": Operation(LOG_READERS, note="auditors get personnel sensitive fields masked"),
    # --- programs and deliverables --------------------------------------------------------------------------
    "GET /api/v1/programs": Operation(API_EVERYONE, note="the list is scoped (empty outside A's programs)"),
    "POST /api/v1/programs": Operation(
        api(MANAGE, ok_status=OK),
        json=lambda w: {"number": "02-CTr/TU", "title": "Chương trình mới", "issuing_body_id": w.unit_a.pk,
                        "issued_on": "2025-02-01", "period_start": 2025, "period_end": 2030}),
    "GET /api/v1/programs/{program_id}": Operation(A_PROGRAM, params=PROGRAM),
    "GET /api/v1/programs/{program_id}/summary": Operation(A_PROGRAM, params=PROGRAM),
    "GET /api/v1/programs/{program_id}/deliverables": Operation(A_PROGRAM, params=PROGRAM),
    "GET /api/v1/programs/{program_id}/deliverables/export": Operation(A_PROGRAM, params=PROGRAM),
    "POST /api/v1/programs/{program_id}/deliverables": Operation(
        A_MANAGE, params=PROGRAM,
        json=lambda w: {"code": "99", "kind": "nhiem_vu", "title": "Nội dung mới", "lead_unit_id": w.unit_a.pk,
                        "original_deadline": "2026-09-30"}),
    "POST /api/v1/programs/{program_id}/deliverables/import": Operation(
        api(MANAGE, ok_status=422, missing=NOT_A), params=PROGRAM, multipart=NOT_XLSX,
        note="allowed roles reach the importer, which refuses the file (422)"),
    "GET /api/v1/deliverable-import-template": Operation(API_EVERYONE),
    "GET /api/v1/deliverables/{deliverable_id}": Operation(A_PROGRAM, params=DELIVERABLE),
    "PATCH /api/v1/deliverables/{deliverable_id}": Operation(
        api(EDIT_A, ok_status=OK, missing=NOT_A), params=DELIVERABLE,
        json=lambda w: {"version": _version(w), "title": "Tên đã sửa"}),
    "POST /api/v1/deliverables/{deliverable_id}/transition": Operation(
        api(EDIT_A, ok_status=OK, missing=NOT_A), params=DELIVERABLE,
        json=lambda w: {"to_status": "in_progress", "version": _version(w)}),
    "GET /api/v1/deliverables/{deliverable_id}/status-changes": Operation(A_PROGRAM, params=DELIVERABLE),
    "GET /api/v1/deliverables/{deliverable_id}/extensions": Operation(A_PROGRAM, params=DELIVERABLE),
    "POST /api/v1/deliverables/{deliverable_id}/extensions": Operation(
        A_MANAGE, params=DELIVERABLE,
        json=lambda w: {"version": _version(w), "new_deadline": "2026-12-31", "reason": "Cần thêm thời gian",
                        "approved_by": "Bí thư",
                        "approved_on": "2025-06-01"}),
    "GET /api/v1/deliverables/{deliverable_id}/notes": Operation(A_PROGRAM, params=DELIVERABLE),
    "POST /api/v1/deliverables/{deliverable_id}/notes": Operation(
        api(READ_A - {AUDITOR}, ok_status=OK, missing=NOT_A), params=DELIVERABLE,
        json=lambda w: {"kind": "comment", "text": "Ý kiến"}, note="auditors change nothing"),
    "GET /api/v1/deliverables/{deliverable_id}/attachments": Operation(A_PROGRAM, params=DELIVERABLE),
    "POST /api/v1/deliverables/{deliverable_id}/attachments": Operation(
        api(EDIT_A, ok_status=OK, missing=NOT_A), params=DELIVERABLE, multipart=PDF),
    "GET /api/v1/attachments/{attachment_id}/file": Operation(A_PROGRAM, params=_ids(attachment_id="attachment")),
    # --- meetings ---------------------------------------------------------------------------------------------
    "GET /api/v1/programs/{program_id}/meetings": Operation(A_PROGRAM, params=PROGRAM),
    "POST /api/v1/programs/{program_id}/meetings": Operation(
        A_MANAGE, params=PROGRAM,
        json=lambda w: {"kind": "stocktake", "title": "Họp kiểm điểm", "held_on": "2025-06-01", "chair": "Bí thư"}),
    "GET /api/v1/meetings/{meeting_id}": Operation(A_PROGRAM, params=MEETING),
    "PATCH /api/v1/meetings/{meeting_id}": Operation(A_MANAGE, params=MEETING,
                                                     json=lambda w: {"location": "Hội trường"}),
    "POST /api/v1/meetings/{meeting_id}/agenda-items": Operation(A_MANAGE, params=MEETING,
                                                                 json=lambda w: {"title": "Báo cáo tiến độ"}),
    "POST /api/v1/meetings/{meeting_id}/points": Operation(A_MANAGE, params=MEETING,
                                                           json=lambda w: {"kind": "lesson", "text": "Bài học"}),
    "POST /api/v1/meetings/{meeting_id}/conclusions": Operation(
        A_MANAGE, params=MEETING,
        json=lambda w: {"text": "Kết luận", "lead_unit_id": w.unit_a.pk, "deadline": "2026-12-31"}),
    # --- reports ----------------------------------------------------------------------------------------------
    "GET /api/v1/report-jobs": Operation(API_EVERYONE, note="one's own builds"),
    "POST /api/v1/programs/{program_id}/report-jobs": Operation(
        api(READ_A - {AUDITOR}, ok_status=OK, missing=NOT_A), params=PROGRAM,
        json=lambda w: {"kind": "stocktake", "format": "xlsx"}, note="the auditor's token only reads"),
    "GET /api/v1/report-jobs/{job_id}": Operation(api({LEAD_A}, missing=LOGGED_IN), params=_ids(job_id="report_job"),
                                                  note="a build is its requester's only"),
    "GET /api/v1/report-jobs/{job_id}/file": Operation(api({LEAD_A}, missing=LOGGED_IN),
                                                       params=_ids(job_id="report_job")),
    "GET /api/v1/report-templates": Operation(api({ADMIN})),
    "POST /api/v1/report-templates/{kind}": Operation(
        api({ADMIN}, ok_status=OK), params=TEMPLATE,
        multipart=lambda w: {"file": _upload("mau.docx", _docx("{{ title }}"))}),
    "DELETE /api/v1/report-templates/{kind}": Operation(api({ADMIN}, ok_status=OK), params=TEMPLATE,
                                                        prepare=_custom_template),
    "GET /api/v1/report-templates/{kind}/file": Operation(api({ADMIN}), params=TEMPLATE),
    # --- people -----------------------------------------------------------------------------------------------
    "GET /api/v1/people": Operation(PEOPLE_READ),
    "POST /api/v1/people": Operation(
        api(PEOPLE_A, ok_status=OK, hr_b=422),
        json=lambda w: {"code": "CB-MOI", "full_name": "Phạm Văn Mới", "birth_date": "1990-01-01",
                        "gender": "male", "unit_id": w.unit_a.pk},
        note="hr_b may create people, but A is not a unit of its scope (422)"),
    "POST /api/v1/people/import": Operation(api(PEOPLE, ok_status=422), multipart=NOT_XLSX),
    "GET /api/v1/people/export": Operation(PEOPLE_READ),
    "GET /api/v1/people/template": Operation(API_EVERYONE),
    "GET /api/v1/people/{person_id}": Operation(PEOPLE_A_READ, params=PERSON),
    "PATCH /api/v1/people/{person_id}": Operation(PEOPLE_A_WRITE, params=PERSON,
                                                  json=lambda w: {"education": "Thạc sĩ"}),
    "GET /api/v1/people/{person_id}/flags": Operation(PEOPLE_A_READ, params=PERSON),
    "POST /api/v1/people/{person_id}/assignments": Operation(
        PEOPLE_A_WRITE, params=PERSON,
        json=lambda w: {"position_id": w.extra["position"].pk, "kind": "appointment", "start": "2025-01-01"}),
    "PUT /api/v1/people/{person_id}/ratings/{year}": Operation(
        PEOPLE_A_WRITE, params=lambda w: {"person_id": w.person.pk, "year": 2023}, json=lambda w: {"level": "good"}),
    "POST /api/v1/people/{person_id}/disciplines": Operation(
        PEOPLE_A_WRITE, params=PERSON,
        json=lambda w: {"system": "party", "form": "khien_trach", "decided_on": "2024-03-01",
                        "decided_by": "Đảng ủy Sở"}),
    "POST /api/v1/people/{person_id}/deferrals": Operation(
        PEOPLE_A_WRITE, params=PERSON, json=lambda w: {"kind": "study", "start": "2024-09-01"}),
    "POST /api/v1/people/{person_id}/relatives": Operation(
        PEOPLE_A_WRITE, params=PERSON, json=lambda w: {"relative_id": w.colleague.pk, "relation": "sibling"}),
    "GET /api/v1/positions": Operation(API_EVERYONE, note="the list is scoped (empty for those with no people)"),
    "GET /api/v1/positions/{position_id}": Operation(PEOPLE_A_READ, params=_ids(position_id="extra.position")),
    "GET /api/v1/access-log": Operation(LOG_READERS),
    # --- planning ---------------------------------------------------------------------------------------------
    "GET /api/v1/planning/terms": Operation(PEOPLE_READ),
    "POST /api/v1/planning/terms": Operation(api(PEOPLE, ok_status=OK),
                                             json=lambda w: {"name": "2030-2035", "start_year": 2030,
                                                             "end_year": 2035}),
    "GET /api/v1/planning/terms/{term_id}": Operation(PEOPLE_READ, params=TERM,
                                                      note="terms are shared; entries are scoped"),
    "GET /api/v1/planning/terms/{term_id}/entries": Operation(PEOPLE_READ, params=TERM),
    "POST /api/v1/planning/terms/{term_id}/entries": Operation(
        api(PEOPLE_A, ok_status=OK, hr_b=422), params=TERM,
        json=lambda w: {"person_id": w.colleague.pk, "position_id": _post_of(w, "Giám đốc Sở Nội vụ"),
                        "on": "2025-06-01"},
        note="hr_b: A's person and post are not found in its scope (422)"),
    "POST /api/v1/planning/entries/{entry_id}/remove": Operation(
        api(PEOPLE_A, ok_status=OK, missing={HR_B}), params=_ids(entry_id="entry"),
        json=lambda w: {"on": "2025-06-02", "reason": "Không còn đủ điều kiện"}),
    "GET /api/v1/planning/terms/{term_id}/review": Operation(PEOPLE_READ, params=TERM),
    "GET /api/v1/planning/terms/{term_id}/coverage": Operation(PEOPLE_READ, params=TERM),
    # --- rotation ---------------------------------------------------------------------------------------------
    "GET /api/v1/rotation/rounds": Operation(PEOPLE_READ),
    "POST /api/v1/rotation/rounds": Operation(
        api(PEOPLE_A, ok_status=OK),
        json=lambda w: {"name": "Đợt mới", "year": 2025, "kind": "periodic_change", "scope_id": w.unit_a.pk,
                        "as_of": "2025-06-01"},
        note="hr_b may open rounds, but not over A (403)"),
    "GET /api/v1/rotation/rounds/{round_id}": Operation(ROUND_A_READ, params=ROUND),
    "POST /api/v1/rotation/rounds/{round_id}/due-list": Operation(ROUND_A_WRITE, params=ROUND,
                                                                  prepare=_round_proposed),
    "GET /api/v1/rotation/rounds/{round_id}/due-entries": Operation(ROUND_A_READ, params=ROUND),
    "POST /api/v1/rotation/rounds/{round_id}/due-entries": Operation(
        ROUND_A_WRITE, params=ROUND, prepare=_round_proposed,
        json=lambda w: {"code": w.colleague.code, "reason": "Có dấu hiệu không hoàn thành nhiệm vụ"}),
    "POST /api/v1/rotation/due-entries/{entry_id}/inclusion": Operation(
        ROUND_A_WRITE, params=_ids(entry_id="due_entry"), prepare=_round_proposed,
        json=lambda w: {"included": False, "reason": "Đang điều trị bệnh"}),
    "GET /api/v1/rotation/rounds/{round_id}/plan": Operation(ROUND_A_READ, params=ROUND),
    "POST /api/v1/rotation/rounds/{round_id}/plan/solve": Operation(ROUND_A_WRITE, params=ROUND,
                                                                    prepare=_round_proposed),
    "PATCH /api/v1/rotation/rounds/{round_id}/plan/moves/{move_id}": Operation(
        ROUND_A_WRITE, params=lambda w: {"round_id": w.round.pk, "move_id": w.move.pk}, prepare=_round_proposed,
        json=lambda w: {"position_id": None, "reason": "Chưa bố trí"}),
    "POST /api/v1/rotation/rounds/{round_id}/plan/approve": Operation(
        api(MANAGE, ok_status=OK, missing={HR_B}), params=ROUND, prepare=_round_proposed,
        json=lambda w: {"decision_number": "99/QĐ-SNV"}, note="personnel officers prepare; the office approves"),
    "POST /api/v1/rotation/rounds/{round_id}/plan/publish": Operation(
        ROUND_A_WRITE, params=ROUND, json=lambda w: {"effective_on": "2025-07-01"}),
    "POST /api/v1/rotation/rounds/{round_id}/plan/apply": Operation(ROUND_A_WRITE, params=ROUND,
                                                                    prepare=_round_published),
    "GET /api/v1/rotation/rounds/{round_id}/plan/document.docx": Operation(ROUND_A_READ, params=ROUND),
    "GET /api/v1/rotation/rounds/{round_id}/plan/document.pdf": Operation(ROUND_A_READ, params=ROUND),
    # --- procedures (a public registry) ----------------------------------------------------------------------
    "GET /api/v1/procedures/counts": Operation(API_EVERYONE, query={"year": "2025"}),
    "GET /api/v1/procedures": Operation(API_EVERYONE),
    "POST /api/v1/procedures": Operation(
        REFORM_WRITE, json=lambda w: {"code": "1.000002.000.00.00.H26", "name": "Thủ tục mới", "level": "province",
                                      "field": "Tổ chức, biên chế", "unit_id": w.unit_a.pk}),
    "GET /api/v1/procedures/export.xlsx": Operation(API_EVERYONE),
    "GET /api/v1/procedures/import-template.xlsx": Operation(API_EVERYONE),
    "POST /api/v1/procedures/import": Operation(api(REFORM_EDIT, ok_status=422), multipart=NOT_XLSX),
    "GET /api/v1/procedures/decisions": Operation(API_EVERYONE),
    "GET /api/v1/procedures/decisions/{decision_id}": Operation(API_EVERYONE, params=_ids(decision_id="decision")),
    "POST /api/v1/procedures/decisions": Operation(
        REFORM_WRITE,
        json=lambda w: {"number": "03/QĐ-UBND", "signed_on": "2025-06-01", "effective_on": "2025-06-01",
                        "issuer_id": w.unit_a.pk, "items": [{"code": w.procedure.code, "action": "amended"}]}),
    "GET /api/v1/procedures/reviews": Operation(API_EVERYONE),
    "POST /api/v1/procedures/reviews": Operation(
        REFORM_WRITE, json=lambda w: {"name": "Rà soát 2026", "year": 2026, "lead_unit_id": w.unit_a.pk}),
    "GET /api/v1/procedures/reviews/{campaign_id}": Operation(API_EVERYONE, params=CAMPAIGN),
    "GET /api/v1/procedures/reviews/{campaign_id}/findings": Operation(API_EVERYONE, params=CAMPAIGN),
    "POST /api/v1/procedures/reviews/{campaign_id}/groups": Operation(
        REFORM_WRITE, params=CAMPAIGN, json=lambda w: {"name": "Nhóm mới", "procedure_ids": [w.procedure.pk]}),
    "POST /api/v1/procedures/reviews/{campaign_id}/findings": Operation(
        REFORM_WRITE, params=CAMPAIGN,
        json=lambda w: {"group_id": w.extra["group"].pk, "procedure_id": w.procedure.pk, "finding": "Giữ nguyên",
                        "proposal": "keep"}),
    "POST /api/v1/procedures/findings/{finding_id}/outcome": Operation(
        REFORM_WRITE, params=_ids(finding_id="extra.finding"),
        json=lambda w: {"outcome_id": w.extra["amended_item"].pk}),
    "GET /api/v1/procedures/figures": Operation(API_EVERYONE),
    "GET /api/v1/procedures/figures/summary": Operation(API_EVERYONE),
    "POST /api/v1/procedures/figures/import": Operation(api(REFORM_EDIT, ok_status=422),
                                                        multipart=lambda w: {"file": _not_xlsx(), "period": "2025-Q1"}),
    "GET /api/v1/procedures/{procedure_id}": Operation(API_EVERYONE, params=PROCEDURE),
    "PATCH /api/v1/procedures/{procedure_id}": Operation(REFORM_WRITE, params=PROCEDURE,
                                                         json=lambda w: {"fees": "Không thu phí"}),
    # --- indicators and task forces (published: every signed-in user reads) --------------------------------------
    "GET /api/v1/indicators": Operation(API_EVERYONE),
    "GET /api/v1/indicators/export.xlsx": Operation(API_EVERYONE),
    "POST /api/v1/indicators": Operation(
        REFORM_WRITE,
        json=lambda w: {"code": "CS02", "name": "Chỉ số mới", "unit_of_measure": "%", "baseline_value": "50",
                        "baseline_date": "2020-12-31", "responsible_unit_id": w.unit_a.pk}),
    "GET /api/v1/indicators/{indicator_id}": Operation(API_EVERYONE, params=INDICATOR),
    "PATCH /api/v1/indicators/{indicator_id}": Operation(REFORM_WRITE, params=INDICATOR,
                                                         json=lambda w: {"name": "Chỉ số đã sửa"}),
    "POST /api/v1/indicators/{indicator_id}/targets": Operation(
        REFORM_WRITE, params=INDICATOR, json=lambda w: {"period_code": "2025", "value": "90"}),
    "POST /api/v1/indicators/{indicator_id}/actuals": Operation(
        api(REFORM_EDIT | {LEAD_A}, ok_status=OK), params=INDICATOR,
        json=lambda w: {"as_of": "2025-06-01", "value": "85", "source": "Báo cáo của Sở"},
        note="the responsible unit's lead officer reports actuals"),
    "GET /api/v1/task-forces": Operation(API_EVERYONE),
    "POST /api/v1/task-forces": Operation(REFORM_WRITE, json=lambda w: {"name": "Tổ mới", "remit": "Tháo gỡ"}),
    "GET /api/v1/task-forces/{task_force_id}": Operation(API_EVERYONE, params=TASK_FORCE),
    "PATCH /api/v1/task-forces/{task_force_id}": Operation(REFORM_WRITE, params=TASK_FORCE,
                                                           json=lambda w: {"leader": "Nguyễn Văn Tổ"}),
    "PUT /api/v1/task-forces/{task_force_id}/members": Operation(
        REFORM_WRITE, params=TASK_FORCE, json=lambda w: {"members": [{"full_name": "Trần Văn Mới"}]}),
}
from .matrix_tokens import PAGES as _P_tokens, OPERATIONS as _O_tokens  # noqa: E402, I001
PAGES.update(_P_tokens)
OPERATIONS.update(_O_tokens)
from .matrix_users import PAGES as _P_users, OPERATIONS as _O_users  # noqa: E402, I001
PAGES.update(_P_users); OPERATIONS.update(_O_users)  # noqa: E702
from .matrix_units import PAGES as _P_units, OPERATIONS as _O_units  # noqa: E402, I001
PAGES.update(_P_units); OPERATIONS.update(_O_units)  # noqa: E702
from .matrix_otp import PAGES as _P_otp, OPERATIONS as _O_otp  # noqa: E402, I001
PAGES.update(_P_otp); OPERATIONS.update(_O_otp)  # noqa: E702
from .matrix_events import PAGES as _P_events, OPERATIONS as _O_events  # noqa: E402, I001
PAGES.update(_P_events); OPERATIONS.update(_O_events)  # noqa: E702
from .matrix_digest import PAGES as _P_digest, OPERATIONS as _O_digest  # noqa: E402, I001
PAGES.update(_P_digest); OPERATIONS.update(_O_digest)  # noqa: E702
from .matrix_inbox import PAGES as _P_inbox, OPERATIONS as _O_inbox  # noqa: E402, I001
PAGES.update(_P_inbox); OPERATIONS.update(_O_inbox)  # noqa: E702
from .matrix_audit import PAGES as _P_audit, OPERATIONS as _O_audit  # noqa: E402, I001
PAGES.update(_P_audit); OPERATIONS.update(_O_audit)  # noqa: E702
from .matrix_forms import PAGES as _P_forms, OPERATIONS as _O_forms  # noqa: E402, I001
PAGES.update(_P_forms); OPERATIONS.update(_O_forms)  # noqa: E702
from .matrix_rules import PAGES as _P_rules, OPERATIONS as _O_rules  # noqa: E402, I001
PAGES.update(_P_rules); OPERATIONS.update(_O_rules)  # noqa: E702
from .matrix_plan_edit import PAGES as _P_plan_edit, OPERATIONS as _O_plan_edit  # noqa: E402, I001
PAGES.update(_P_plan_edit); OPERATIONS.update(_O_plan_edit)  # noqa: E702
from .matrix_register import PAGES as _P_register, OPERATIONS as _O_register  # noqa: E402, I001
PAGES.update(_P_register); OPERATIONS.update(_O_register)  # noqa: E702
