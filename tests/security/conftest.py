"""The fixture world of the permission matrix: one object of each kind, all in unit A (Sở Nội vụ), and one
user per role, with unit B (Sở Tài chính) as the "other unit".

The world is built once per test module (`_module_world`) inside a transaction that stays open while the
module runs and is rolled back after it, so nothing of it reaches another module. Each test runs in a
savepoint inside it (pytest-django's `db`), rolled back after the test, so it sees the world exactly as
built, and gets its own copy of the world's objects. It is made with the same builders as the shared
fixtures (tests/conftest.py, tests/personnel/fixtures.py, tests/programs/fixtures.py).
"""

import copy
import datetime as dt
import shutil
from dataclasses import dataclass, field, fields
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from chidao.core import register
from chidao.core.models import Notification, NotificationKind, Role, Unit, UnitKind, UnitLevel, User
from chidao.core.tokens import api_token_create
from chidao.indicators import services as indicator_services
from chidao.indicators.models import Indicator, TaskForce
from chidao.personnel import planning
from chidao.personnel import services as personnel_services
from chidao.personnel.models import Person, PlanningEntry, PlanningTerm
from chidao.procedures import services as procedure_services
from chidao.procedures.models import Level, Procedure, PublicationDecision, ReviewCampaign
from chidao.programs import services as program_services
from chidao.programs.extensions import extension_request_create
from chidao.programs.models import Attachment, Deliverable, Meeting, Program
from chidao.reports.models import ReportJob
from chidao.rotation import due, plan
from chidao.rotation.models import DueEntry, Move, RotationRound, RoundKind
from tests.conftest import build_program, build_units, build_users, deliverable_maker, fast_settings, pdf_file
from tests.personnel.fixtures import build_hr, build_posts, build_tree, person_maker
from tests.programs.fixtures import build_meeting

# The roles of the matrix (keys of World.users; ANON has no user).
ADMIN, STEERING, OFFICE, LEAD_A, LEAD_B = "admin", "steering", "office", "lead_a", "lead_b"
AUDITOR, HR_A, HR_B, REFORM, ANON = "auditor", "hr_a", "hr_b", "reform", "anon"
ROLES = (ADMIN, STEERING, OFFICE, LEAD_A, LEAD_B, AUDITOR, HR_A, HR_B, REFORM, ANON)

# Sentinels in the sensitive fields of the person of unit A: no body may carry them to a role that may not
# see them (selectors.can_see_sensitive: administrators and the personnel officers of A's subtree).
SENTINELS = {
    "phone": "0912000777",
    "email": "canary.sentinel@example.vn",
    "address": "Số 7 ngõ Sentinelcanary",
    "id_number": "001099777123",
}
ROUND_AS_OF = dt.date(2025, 6, 1)


@dataclass
class World:
    users: dict[str, User | None]
    tokens: dict[str, str] = field(default_factory=dict)
    read_tokens: dict[str, str] = field(default_factory=dict)
    unit_a: Unit | None = None
    unit_b: Unit | None = None
    program: Program | None = None
    deliverable: Deliverable | None = None
    attachment: Attachment | None = None
    meeting: Meeting | None = None
    report_job: ReportJob | None = None
    person: Person | None = None
    colleague: Person | None = None
    term: PlanningTerm | None = None
    entry: PlanningEntry | None = None
    round: RotationRound | None = None
    due_entry: DueEntry | None = None
    move: Move | None = None
    procedure: Procedure | None = None
    decision: PublicationDecision | None = None
    campaign: ReviewCampaign | None = None
    indicator: Indicator | None = None
    task_force: TaskForce | None = None
    extra: dict[str, object] = field(default_factory=dict)
    # The module's world as built, which refresh() copies back (set on each test's copy).
    pristine: "World | None" = field(default=None, repr=False, compare=False)


def build_world() -> World:
    """Everything in unit A (Sở Nội vụ and its division); unit B is Sở Tài chính."""
    units = build_units()
    users = build_users(units)
    tree = build_tree(units)
    hr = build_hr(tree)
    posts = build_posts(tree)
    make_person = person_maker(users, posts)
    program = build_program(users, units)
    make_deliverable = deliverable_maker(program, users, units)
    meeting = build_meeting(program, users)
    reform_unit = Unit.objects.create(code="VPUB", name="Văn phòng UBND Thành phố", kind=UnitKind.DEPARTMENT,
                                      level=UnitLevel.PROVINCE, parent=units["city"])
    reform = User(username="cchc", role=Role.REFORM, unit=reform_unit, full_name="Cán bộ cải cách hành chính")
    reform.set_password("pw")
    reform.save()
    people: dict[str, User | None] = {
        ADMIN: users["admin"], STEERING: users["steering"], OFFICE: users["office"], LEAD_A: users["snv"],
        LEAD_B: users["stc"], AUDITOR: users["auditor"], HR_A: hr["snv"], HR_B: hr["stc"], REFORM: reform,
        ANON: None,
    }
    w = World(users=people, unit_a=units["snv"], unit_b=units["stc"], program=program)
    admin, office = users["admin"], users["office"]

    # Programs: a deliverable led by A, an attachment, the meeting, a finished report build asked by A's officer.
    w.deliverable = make_deliverable(lead="snv", deadline=dt.date(2026, 9, 30))
    w.attachment = program_services.attachment_upload(actor=office, deliverable=w.deliverable, file=pdf_file())
    w.extra["extension_request"] = extension_request_create(
        actor=users["snv"], deliverable=w.deliverable, new_deadline=dt.date(2026, 12, 31), reason="Chờ thẩm định")
    w.meeting = meeting
    job = ReportJob.objects.create(program=program, kind=ReportJob.Kind.YEAR_END, format=ReportJob.Format.DOCX,
                                   params={"year": 2021}, state=ReportJob.State.DONE, requested_by=users["snv"],
                                   requested_at=timezone.now(), finished_at=timezone.now(), filename="bao-cao.docx")
    job.file.save("bao-cao.docx", ContentFile(b"PK\x03\x04 report"), save=True)
    w.report_job = job

    # Personnel: the person of A's subtree with sentinels, a colleague in A, someone in B.
    w.person = make_person(name="Nguyễn Văn Canh", post="snv_staff", since=dt.date(2018, 1, 1), **SENTINELS)
    personnel_services.rating_set(actor=admin, person=w.person, year=2024, level="good")
    w.colleague = make_person(name="Trần Văn Bảo", post="snv_deputy", since=dt.date(2020, 1, 1))
    make_person(name="Lê Thị Bích", post="stc_staff", since=dt.date(2019, 1, 1), gender="female")
    w.term = planning.planning_term_create(actor=office, name="2025-2030", start_year=2025, end_year=2030)
    w.entry = planning.planning_entry_add(actor=office, term=w.term, person=w.person, position=posts["snv_head"],
                                          on=ROUND_AS_OF)

    # Rotation: a periodic-change round over A, its due list, a plan (solver), approved.
    rnd = due.round_create(actor=office, name="Chuyển đổi vị trí 2025 Sở Nội vụ", year=2025,
                           kind=RoundKind.PERIODIC_CHANGE, scope=units["snv"], as_of=ROUND_AS_OF)
    due.due_list_build(actor=office, round=rnd)
    w.due_entry = DueEntry.objects.get(round=rnd, person=w.person)
    if not w.due_entry.included:
        w.due_entry = due.due_entry_set_included(actor=office, entry=w.due_entry, included=True, reason="Đến hạn")
    plan.plan_request(actor=office, round=rnd)
    plan.plan_approve(actor=office, round=rnd, decision_number="12/QĐ-SNV")
    rnd.refresh_from_db()
    w.round = rnd
    w.move = Move.objects.get(round=rnd, person=w.person)

    # Procedures (implemented by A), a decision bringing the procedure in, a review campaign led by A.
    w.procedure = procedure_services.procedure_create(
        actor=admin, code="1.000001.000.00.00.H26", name="Thủ tục thử của Sở Nội vụ", level=Level.PROVINCE,
        field="Tổ chức, biên chế", unit=units["snv"])
    w.decision = procedure_services.decision_create(
        actor=admin, number="01/QĐ-UBND", title="Công bố thủ tục (thử)", signed_on=dt.date(2025, 1, 2),
        effective_on=dt.date(2025, 1, 2), issuer=units["city"], items=[(w.procedure, "new", None)],
        file=SimpleUploadedFile("qd-01.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf"))
    w.campaign = procedure_services.review_campaign_create(actor=admin, name="Rà soát 2025", year=2025,
                                                           lead_unit=units["snv"])
    amended = procedure_services.decision_create(
        actor=admin, number="02/QĐ-UBND", title="Sửa đổi thủ tục (thử)", signed_on=dt.date(2025, 3, 1),
        effective_on=dt.date(2025, 3, 1), issuer=units["city"], items=[(w.procedure, "amended", None)])
    group = procedure_services.review_group_add(actor=admin, campaign=w.campaign, name="Nhóm nội vụ",
                                                procedures=[w.procedure])
    w.extra["group"] = group
    w.extra["amended_item"] = amended.items.get()
    w.extra["finding"] = procedure_services.review_finding_add(
        actor=admin, group=group, procedure=w.procedure, finding="Hồ sơ còn rườm rà", proposal="simplify")

    # Indicators: one A is responsible for, a task force following A's deliverable.
    w.indicator = indicator_services.indicator_create(
        actor=admin, code="CS01", name="Chỉ số hài lòng", unit_of_measure="%", baseline_value=Decimal("80"),
        baseline_date=dt.date(2020, 12, 31), responsible_unit=units["snv"])
    w.task_force = indicator_services.task_force_create(
        actor=admin, name="Tổ công tác đặc biệt", remit="Tháo gỡ vướng mắc",
        members=[{"full_name": "Nguyễn Văn Tổ", "position": "Tổ trưởng", "role": "Tổ trưởng", "unit": units["snv"]}])
    indicator_services.task_force_link_deliverables(actor=admin, task_force=w.task_force,
                                                    deliverables=[w.deliverable])

    w.extra["position"] = posts["snv_head"]
    w.extra["token_a"] = api_token_create(user=users["snv"], name="spare", scope="read")[0]
    # The register of outgoing documents: A's issuing body, its signer, one document it issued.
    w.extra["issuer"] = register.issuer_ensure(actor=admin, unit=units["snv"], code="SNV", name="Sở Nội vụ")
    w.extra["signer"] = register.signer_create(actor=admin, issuer=w.extra["issuer"], form="", body="",
                                               title="GIÁM ĐỐC", name="Nguyễn Văn Giám")
    w.extra["document"] = register.document_issue(actor=office, issuer=w.extra["issuer"], type_code="CV",
                                                  title="Công văn thử", signer=w.extra["signer"])

    # One unread notification each (the "mark all read" page has something to change).
    for user in people.values():
        if user is not None:
            Notification.objects.create(user=user, kind=NotificationKind.REMINDER_DIGEST,
                                        day=timezone.localdate(), subject="Nhắc việc", body="Nhắc việc")
            # The auditor may not write, so is never given a write token: their "token" is a read one too.
            scope = "read" if user.role == Role.AUDITOR else "write"
            w.tokens[_role_of(people, user)] = api_token_create(user=user, name="matrix", scope=scope)[1]
            w.read_tokens[_role_of(people, user)] = api_token_create(user=user, name="matrix-read", scope="read")[1]
    return w


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once for the module in a transaction rolled back when the module is done; the files it
    stores (an attachment, a report) go to a media folder of the module's, copied for each test."""
    media = tmp_path_factory.mktemp("matrix-media")
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with override_settings(**fast_settings(media)):
                w = build_world()
                refresh_from_db(w)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield w, media
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
        names = [u.username for u in w.users.values() if u is not None]
        assert not User.objects.filter(username__in=names).exists(), "the matrix world outlived its module"


@pytest.fixture
def world(_module_world, db, settings) -> World:
    """A copy of the module's world for one test; the database has it as built (the writes of earlier tests
    were rolled back with their savepoints)."""
    pristine, media = _module_world
    shutil.copytree(media, settings.MEDIA_ROOT, dirs_exist_ok=True)
    w = copy.deepcopy(pristine)
    w.pristine = pristine
    return w


def refresh(w: World) -> None:
    """Objects of the world as the database has them again after a rolled-back write: a fresh copy of those of
    the module (reading some thirty objects back after every write made up a third of the matrix's time)."""
    assert w.pristine is not None
    fresh = copy.deepcopy(w.pristine)
    for f in fields(World):
        if f.name != "pristine":
            setattr(w, f.name, getattr(fresh, f.name))


def refresh_from_db(w: World) -> None:
    for obj in [*vars(w).values(), *w.users.values(), *w.extra.values()]:
        if hasattr(obj, "refresh_from_db"):
            obj.refresh_from_db()


def _role_of(people: dict[str, User | None], user: User) -> str:
    return next(role for role, u in people.items() if u is not None and u.pk == user.pk)
