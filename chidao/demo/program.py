"""Demo data: Program 01-CTr/TU of 17/03/2021 with 34 deliverables led by 11 units.

Every figure the dashboard shows is computed from the history written here through the same
services the pages use. As of 28/12/2021 the history gives the year-end review's numbers: 16
completed, 8 drafted or submitted for approval, 10 in progress. Titles say "mẫu" (demo) and
document numbers are marked DEMO: none is presented as a real document.

The committee's meetings: the quarter III review of 30/09/2021 and the year-end conference of
28/12/2021, whose lessons, difficulties and recommendation are quoted from the seed review and whose
conclusions (the 2022 tasks) are tracked from the conclusion notice of 10/01/2022: four as new
deliverables KL21.1-KL21.4, one as a directive on deliverable 07. Being assigned after 28/12/2021, they
leave that day's figures unchanged. People are named by their titles only.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from chidao.core import register
from chidao.core.models import Role, SignForm, Unit, User
from chidao.core.reference import units_load_reference
from chidao.programs import services
from chidao.programs.models import Attachment, Deliverable, Kind, Meeting, MeetingPoint, Note, Program, Status
from chidao.reports.services import report_issuer

DEMO_PASSWORD = "chidao-demo-2026"
PROGRAM_NUMBER = "01-CTr/TU"
REVIEW_DAY = dt.date(2021, 12, 28)

# (code, share of the 34 deliverables)
LEAD_UNITS = [
    ("BTCTU", 6), ("SNV", 4), ("UBKTTU", 3), ("BNCTU", 3), ("VPTU", 3), ("VPUB", 3), ("TLHP", 3),
    ("STC", 3), ("STP", 2), ("TTTP", 2), ("MTTQ", 2),
]

TOPICS = [
    "nâng cao chất lượng sinh hoạt chi bộ", "quy hoạch cán bộ các cấp", "luân chuyển, điều động cán bộ",
    "chuyển đổi vị trí công tác", "kiểm tra, giám sát của cấp ủy", "phòng, chống tham nhũng, tiêu cực",
    "cải cách thủ tục hành chính", "chuyển đổi số trong cơ quan đảng", "đánh giá, xếp loại cán bộ",
    "đào tạo, bồi dưỡng cán bộ trẻ", "thu hút nhân lực chất lượng cao về cấp xã",
    "tổ chức bộ máy tinh gọn", "kỷ luật, kỷ cương hành chính", "công tác dân vận của chính quyền",
    "tiếp công dân, giải quyết khiếu nại", "giải ngân vốn đầu tư công", "nâng cao chỉ số PAR Index",
    "nâng cao chỉ số SIPAS", "phân cấp, ủy quyền trong quản lý", "chi bộ địa bàn dân cư",
    "văn hóa công vụ", "kiểm soát quyền lực trong công tác cán bộ", "đổi mới phương thức lãnh đạo",
    "đảng viên sinh hoạt nơi cư trú", "họp trực tuyến trong bối cảnh dịch bệnh", "bảo vệ nền tảng tư tưởng",
    "xây dựng tổ chức cơ sở đảng", "vị trí việc làm và tinh giản biên chế", "công khai, minh bạch ngân sách",
    "giám sát của Mặt trận Tổ quốc", "phản biện xã hội", "tiêu chuẩn chức danh cán bộ",
    "cán bộ nữ trong quy hoạch", "một cửa liên thông cấp xã",
]
KINDS = [Kind.THEMATIC, Kind.SCHEME, Kind.STUDY, Kind.PLAN]

PEOPLE = [
    "Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Cường", "Phạm Thu Dung", "Hoàng Văn Giang", "Vũ Thị Hạnh",
    "Đỗ Quang Khải", "Bùi Thị Lan", "Ngô Đức Minh", "Dương Thị Ngọc", "Lý Văn Phúc", "Đặng Thị Quyên",
]


@dataclass(frozen=True)
class Plan:
    """How one demo deliverable's history unfolds (dates are local)."""

    deadline: dt.date
    started: dt.date | None = None
    drafted: dt.date | None = None
    submitted: dt.date | None = None
    returned: dt.date | None = None
    resubmitted: dt.date | None = None
    completed: dt.date | None = None
    extended_to: tuple[dt.date, dt.date] | None = None  # (approved on, new deadline)
    cancelled: dt.date | None = None


D = dt.date


def _plans() -> list[Plan]:
    plans: list[Plan] = []
    # 16 completed in 2021: 12 on time, 4 late.
    for i in range(16):
        completed = D(2021, 6, 15) + dt.timedelta(days=12 * i)
        late = i in (3, 7, 10, 14)
        deadline = completed - dt.timedelta(days=20) if late else completed + dt.timedelta(days=10 + i)
        plans.append(Plan(
            deadline=deadline, started=D(2021, 4, 5) + dt.timedelta(days=i),
            drafted=completed - dt.timedelta(days=30), submitted=completed - dt.timedelta(days=14),
            completed=completed,
        ))
    # 5 drafts done and 3 submitted by 28/12/2021; all approved in 2022 but one, returned in 2022.
    for i in range(8):
        drafted = D(2021, 10, 20) + dt.timedelta(days=7 * i)
        submitted = drafted + dt.timedelta(days=10) if i >= 5 else D(2022, 1, 10) + dt.timedelta(days=5 * i)
        deadline = D(2021, 12, 31) if i % 2 == 0 else D(2021, 11, 30)
        if i == 6:
            plans.append(Plan(deadline=deadline, started=D(2021, 5, 4), drafted=drafted, submitted=submitted,
                              returned=D(2022, 3, 2), resubmitted=D(2022, 9, 15)))
        else:
            plans.append(Plan(deadline=deadline, started=D(2021, 5, 4) + dt.timedelta(days=i), drafted=drafted,
                              submitted=submitted, completed=submitted + dt.timedelta(days=40)))
    # 10 being carried out on 28/12/2021 (one of them returned for revision that month).
    for i in range(10):
        deadline = D(2022, 6, 30) if i < 6 else D(2021, 10, 31)
        plan = Plan(deadline=deadline, started=D(2021, 6, 1) + dt.timedelta(days=9 * i))
        if i == 6:
            plan = Plan(deadline=deadline, started=plan.started, extended_to=(D(2021, 10, 25), D(2022, 6, 30)),
                        drafted=D(2022, 5, 20), submitted=D(2022, 6, 10), completed=D(2022, 7, 28))
        elif i == 7:
            plan = Plan(deadline=deadline, started=plan.started, drafted=D(2021, 11, 1), submitted=D(2021, 11, 20),
                        returned=D(2021, 12, 15), resubmitted=D(2023, 3, 1), completed=D(2023, 4, 20))
        elif i == 8:
            plan = Plan(deadline=deadline, started=plan.started, cancelled=D(2024, 2, 5))
        elif i < 5:
            plan = Plan(deadline=deadline, started=plan.started, drafted=D(2022, 4, 1) + dt.timedelta(days=10 * i),
                        submitted=D(2022, 5, 1) + dt.timedelta(days=10 * i),
                        completed=D(2022, 6, 20) + dt.timedelta(days=10 * i))
        plans.append(plan)
    return plans


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def demo_pdf(title: str) -> bytes:
    """A one-page PDF saying it is a demo file (ASCII text, built by hand to need no extra library)."""
    text = f"DEMO - not a real document: {title}".encode("ascii", "replace")
    stream = b"BT /F1 12 Tf 50 780 Td (" + text.replace(b"(", b"[").replace(b")", b"]") + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _user(username: str, full_name: str, role: str, unit: Unit | None, superuser: bool = False) -> User:
    user = User(username=username, full_name=full_name, role=role, unit=unit, is_superuser=superuser,
                is_staff=superuser, email=f"{username}@chidao.invalid")
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def demo_users() -> list[tuple[str, str, str]]:
    """(username, role, unit) of the demo logins, for printing."""
    out = []
    for u in User.objects.select_related("unit").prefetch_related("role_grants__unit").order_by("id"):
        unit = u.unit.name if u.unit else ""
        for grant in u.role_grants.all():  # a second role-in-unit grant, e.g. tccb.snv for Sở Xây dựng
            unit += f"; {Role(grant.role).label}" + (f" — {grant.unit.name}" if grant.unit else "")
        out.append((u.username, str(Role(u.role).label), unit))
    return out


@transaction.atomic
def demo_load() -> bool:
    """Load the demo into an empty database. Returns False, changing nothing, when data exists."""
    if Program.objects.exists() or User.objects.exists():
        return False
    units_load_reference()
    unit = {u.code: u for u in Unit.objects.all()}
    admin = _user("admin", "Quản trị hệ thống", Role.ADMIN, None, superuser=True)
    office = _user("thuongtruc", "Nguyễn Thị Thu (mẫu)", Role.OFFICE, unit["BTCTU"])
    steering = _user("bcd", "Trần Quốc Việt (mẫu)", Role.STEERING, unit["TU"])
    _user("kiemtra", "Phạm Minh Tâm (mẫu)", Role.AUDITOR, unit["UBKTTU"])
    officers = {
        code: _user(f"cb.{code.lower()}", f"Cán bộ {unit[code].short_name or code} (mẫu)", Role.LEAD_OFFICER,
                    unit[code])
        for code, _n in LEAD_UNITS
    }
    program = services.program_create(
        actor=admin, number=PROGRAM_NUMBER,
        title=("Tăng cường công tác xây dựng, chỉnh đốn Đảng, xây dựng Đảng bộ và hệ thống chính trị thành "
               "phố trong sạch, vững mạnh; đẩy mạnh cải cách hành chính giai đoạn 2021-2025"),
        issuing_body=unit["TU"], issued_on=D(2021, 3, 17), term="XVII", period_start=2021, period_end=2025,
        steering_unit=unit["BTCTU"],
    )
    leads = [code for code, n in LEAD_UNITS for _ in range(n)]
    # Interleave so every unit has a mix of outcomes.
    order = sorted(range(34), key=lambda i: (i * 7) % 34)
    plans = _plans()
    for n, plan_index in enumerate(order, start=1):
        plan = plans[plan_index]
        code = leads[n - 1]
        kind = KINDS[n % 4]
        others = [unit[c] for c, _k in LEAD_UNITS if c != code]
        d = services.deliverable_create(
            actor=office, program=program, code=f"{n:02d}", kind=kind,
            title=f"{str(Kind(kind).label).capitalize()} mẫu số {n:02d}: {TOPICS[n - 1]}",
            lead_unit=unit[code], coordinating_units=[others[n % len(others)], others[(n * 3) % len(others)]],
            responsible_leader=PEOPLE[n % len(PEOPLE)], original_deadline=plan.deadline,
            at=_at(D(2021, 3, 30)),
        )
        _play(d, plan, office=office, officer=officers[code], steering=steering)
    _meetings(program, unit=unit, office=office, officers=officers, steering=steering)
    # The committee issues as a Party body (the Thành ủy's steering committee) and signs T/M BAN CHỈ ĐẠO; its head is
    # named in the seed document (the year-end conference of 28/12/2021).
    committee = report_issuer(actor=admin, program=program)
    register.signer_create(actor=admin, issuer=committee, form=SignForm.ON_BEHALF, body="BAN CHỈ ĐẠO",
                           title="TRƯỞNG BAN", name="Đinh Tiến Dũng")
    return True


YEAR_END_TITLE = (
    "Hội nghị tổng kết công tác năm 2021, triển khai phương hướng, nhiệm vụ trọng tâm năm 2022 của Ban Chỉ đạo "
    "Chương trình số 01-CTr/TU"
)
CONCLUSION_NOTICE_DAY = D(2022, 1, 10)


def _meetings(
    program: Program, *, unit: dict[str, Unit], office: User, officers: dict[str, User], steering: User
) -> None:
    """The quarter III review and the year-end conference, with the conclusions tracked since 10/01/2022."""
    quarterly = services.meeting_create(
        actor=office, program=program, kind=Meeting.Kind.QUARTERLY,
        title="Hội nghị sơ kết công tác quý III năm 2021 của Ban Chỉ đạo Chương trình số 01-CTr/TU",
        held_on=D(2021, 9, 30), chair="Phó Bí thư Thành ủy, Phó Trưởng ban Chỉ đạo",
        location="Hội nghị trực tuyến (mẫu)",
        attendees="Thành viên Ban Chỉ đạo\nLãnh đạo các cơ quan, đơn vị chủ trì",
        at=_at(D(2021, 9, 30), 17),
    )
    services.agenda_item_add(
        actor=office, meeting=quarterly, units=[unit["BTCTU"]],
        title="Báo cáo tiến độ thực hiện các nội dung của Chương trình quý III năm 2021",
    )
    services.meeting_point_add(
        actor=office, meeting=quarterly, kind=MeetingPoint.Kind.DIFFICULTY,
        text="Dịch COVID-19 ảnh hưởng đến tiến độ khảo sát, lấy ý kiến cơ sở của một số chuyên đề, đề án.",
        speaker="Đại diện Ban Tổ chức Thành ủy",
    )
    services.meeting_point_add(
        actor=office, meeting=quarterly, kind=MeetingPoint.Kind.LESSON,
        text="Tổ chức họp trực tuyến giúp duy trì tiến độ giải quyết công việc trong thời gian giãn cách xã hội.",
        speaker="Đại diện Văn phòng Thành ủy",
    )

    meeting = services.meeting_create(
        actor=office, program=program, kind=Meeting.Kind.YEAR_END, title=YEAR_END_TITLE, held_on=REVIEW_DAY,
        chair="Bí thư Thành ủy, Trưởng ban Chỉ đạo", location="Trụ sở Thành ủy (mẫu)",
        attendees="\n".join([
            "Bí thư Thành ủy, Trưởng ban Chỉ đạo", "Phó Bí thư Thành ủy, Phó Trưởng ban Chỉ đạo",
            "Phó Trưởng ban Tổ chức Thành ủy", "Các thành viên Ban Chỉ đạo",
            "Lãnh đạo 11 cơ quan, đơn vị chủ trì",
        ]),
        minutes=("Hội nghị nghe báo cáo kết quả thực hiện Chương trình năm 2021: 34 chuyên đề, đề án, đề tài, kế "
                 "hoạch giao cho 11 cơ quan, đơn vị chủ trì; 16 nội dung đã hoàn thành, 8 nội dung đã hoàn thành "
                 "dự thảo, đang trình; 10 nội dung đang triển khai. Trưởng ban Chỉ đạo kết luận, giao nhiệm vụ "
                 "trọng tâm năm 2022 (Thông báo kết luận mẫu, ngày 10/01/2022)."),
        at=_at(REVIEW_DAY, 17),
    )
    services.agenda_item_add(
        actor=office, meeting=meeting, title="Báo cáo tổng kết công tác năm 2021 của Ban Chỉ đạo Chương trình",
        units=[unit["BTCTU"]],
    )
    services.agenda_item_add(
        actor=office, meeting=meeting,
        title="Ý kiến của các cơ quan, đơn vị chủ trì về các nội dung chưa hoàn thành",
        deliverables=list(Deliverable.objects.filter(program=program, code__in=["07", "19", "28"])),
        units=[unit["SNV"], unit["VPTU"], unit["STC"]],
    )
    services.agenda_item_add(
        actor=office, meeting=meeting, title="Phương hướng, nhiệm vụ trọng tâm năm 2022", units=[unit["BTCTU"]],
    )
    for point_kind, text in [
        (MeetingPoint.Kind.LESSON, "Đổi mới công tác cán bộ, kịp thời luân chuyển khi có biểu hiện không hoàn "
                                   "thành nhiệm vụ."),
        (MeetingPoint.Kind.LESSON, "Kiểm tra, xử lý ngay cán bộ, công chức có biểu hiện sai phạm."),
        (MeetingPoint.Kind.LESSON, "Đổi mới tổ chức họp giải quyết công việc, sinh hoạt chi bộ trong bối cảnh "
                                   "dịch COVID-19."),
        (MeetingPoint.Kind.DIFFICULTY, "Việc phân cấp còn chưa rõ đầu mối, cơ quan kiểm soát."),
        (MeetingPoint.Kind.DIFFICULTY, "Việc thực hiện một số thủ tục hành chính còn chậm."),
        (MeetingPoint.Kind.RECOMMENDATION, "Thành phố có cơ chế thu hút nhân sự có chuyên môn cao về làm việc ở "
                                           "cấp xã."),
    ]:
        services.meeting_point_add(actor=office, meeting=meeting, kind=point_kind, text=text,
                                   speaker="Thành viên Ban Chỉ đạo")

    notice = _at(CONCLUSION_NOTICE_DAY, 10)
    # (text, lead unit, deadline, kind, how its history unfolds)
    tracked: list[tuple[str, str, dt.date, str, Plan]] = [
        ("Đẩy nhanh tiến độ thực hiện các nội dung còn lại của Chương trình số 01-CTr/TU, bảo đảm tương xứng "
         "với chương trình “xương sống” trong các chương trình công tác toàn khóa XVII.",
         "BTCTU", D(2022, 12, 31), Kind.TASK,
         Plan(deadline=D(2022, 12, 31), started=D(2022, 1, 15), drafted=D(2022, 11, 30),
              submitted=D(2022, 12, 10), completed=D(2022, 12, 26))),
        ("Thực hiện tốt Nghị quyết số 04-NQ/TU của Thành ủy, trọng tâm là công tác quy hoạch cán bộ các cấp và "
         "kế hoạch luân chuyển, điều động, chuyển đổi vị trí công tác cán bộ thành phố.",
         "BTCTU", D(2022, 6, 30), Kind.PLAN,
         Plan(deadline=D(2022, 6, 30), started=D(2022, 1, 20), drafted=D(2022, 5, 10),
              submitted=D(2022, 5, 25), completed=D(2022, 6, 20))),
        ("Tập trung củng cố hệ thống chính trị từ cơ sở, trọng tâm là chi bộ địa bàn dân cư.",
         "BTCTU", D(2022, 9, 30), Kind.SCHEME,
         Plan(deadline=D(2022, 9, 30), started=D(2022, 2, 10), drafted=D(2022, 8, 15),
              submitted=D(2022, 9, 5), completed=D(2022, 10, 12))),
        ("Xây dựng cơ chế thu hút nhân sự có chuyên môn cao về làm việc ở cấp xã.",
         "SNV", D(2022, 9, 30), Kind.SCHEME,
         Plan(deadline=D(2022, 9, 30), started=D(2022, 3, 1), extended_to=(D(2022, 9, 20), D(2023, 6, 30)),
              drafted=D(2023, 5, 10), submitted=D(2023, 6, 1), completed=D(2023, 6, 28))),
    ]
    for text, code, deadline, kind, plan in tracked:
        conclusion = services.conclusion_add(
            actor=office, meeting=meeting, text=text, lead_unit=unit[code], deadline=deadline,
            track_as=services.TRACK_AS_DELIVERABLE, kind=kind, at=notice,
        )
        _play(conclusion.deliverable, plan, office=office, officer=officers[code], steering=steering)
    services.conclusion_add(
        actor=office, meeting=meeting,
        text="Đẩy nhanh việc giải quyết các thủ tục hành chính còn chậm, báo cáo Ban Chỉ đạo kết quả.",
        lead_unit=unit["SNV"], deadline=D(2022, 6, 30), track_as=services.TRACK_AS_DIRECTIVE,
        deliverable=Deliverable.objects.get(program=program, code="07"), at=notice,
    )


def _play(d, plan: Plan, *, office: User, officer: User, steering: User) -> None:  # type: ignore[no-untyped-def]
    steps: list[tuple[dt.date, str, User, str]] = []
    if plan.started:
        steps.append((plan.started, Status.IN_PROGRESS, officer, ""))
    if plan.drafted:
        steps.append((plan.drafted, Status.DRAFT_DONE, officer, ""))
    if plan.submitted:
        steps.append((plan.submitted, Status.SUBMITTED, officer, ""))
    if plan.returned:
        steps.append((plan.returned, Status.RETURNED, office, "Đề nghị bổ sung số liệu và ý kiến các đơn vị phối hợp."))
    if plan.resubmitted:
        steps.append((plan.resubmitted, Status.SUBMITTED, officer, ""))
    if plan.completed:
        steps.append((plan.completed, Status.COMPLETED, office, ""))
    if plan.cancelled:
        steps.append((plan.cancelled, Status.CANCELLED, office,
                      "Nội dung được lồng ghép vào đề án khác theo chỉ đạo của Ban Chỉ đạo."))
    if plan.extended_to:
        approved_on, new_deadline = plan.extended_to
        services.deliverable_extend_deadline(
            actor=office, deliverable=d, new_deadline=new_deadline, approved_on=approved_on,
            reason="Cần thêm thời gian khảo sát ý kiến cơ sở.", approved_by="Trưởng Ban Chỉ đạo",
            at=_at(approved_on, 10),
        )
    if plan.started:
        services.note_add(
            actor=officer, deliverable=d, kind=Note.Kind.PROGRESS, percent=30,
            text="Đã thành lập tổ biên tập, xây dựng đề cương chi tiết.",
            at=_at(plan.started + dt.timedelta(days=20), 15),
        )
    for day, status, actor, reason in steps:
        if status == Status.COMPLETED:
            attachment = services.attachment_upload(
                actor=office, deliverable=d, purpose=Attachment.Purpose.APPROVAL, at=_at(day, 8),
                file=SimpleUploadedFile(f"van-ban-phe-duyet-mau-{d.code}.pdf", demo_pdf(f"approval {d.code}"),
                                        content_type="application/pdf"),
            )
            d = services.deliverable_transition(
                actor=actor, deliverable=d, to_status=status, at=_at(day), doc_number=f"DEMO-{d.code}/MẪU",
                doc_date=day, attachment=attachment,
            )
        else:
            d = services.deliverable_transition(
                actor=actor, deliverable=d, to_status=status, reason=reason, at=_at(day))
    if d.status in {Status.IN_PROGRESS, Status.RETURNED} and d.deadline < REVIEW_DAY:
        services.note_add(
            actor=steering, deliverable=d, kind=Note.Kind.DIRECTIVE,
            text="Đề nghị đơn vị chủ trì khẩn trương hoàn thành, báo cáo Ban Chỉ đạo.",
            due_on=D(2022, 1, 31), at=_at(D(2021, 12, 28), 16),
        )
