"""Scale data: programs, their deliverables with a history that follows the workflow, and meetings."""

import datetime as dt
import json
import random
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from chidao.core.models import ChangeRecord, Unit, UnitKind
from chidao.core.text import fold
from chidao.demo import program as programs_demo
from chidao.programs.models import (
    AgendaItem,
    Attachment,
    DeadlineExtension,
    Deliverable,
    Kind,
    Meeting,
    MeetingPoint,
    Note,
    Program,
    Status,
    StatusChange,
)

from .base import AGENDA_UNITS, COORDINATING, Accounts, Clock, Sizes, Writer, random_day, span

# --- Programs and deliverables ----------------------------------------------------------------------

SCOPES = [
    "trong các cơ quan đảng", "tại các sở, ban, ngành", "ở cấp xã", "trong khối Mặt trận, đoàn thể",
    "tại các đơn vị sự nghiệp công lập", "trên địa bàn Thành phố", "đối với cán bộ trẻ", "ở chi bộ cơ sở",
]
PROGRESS_TEXTS = [
    "Đã thành lập tổ biên tập, xây dựng đề cương chi tiết.",
    "Đã tổ chức khảo sát, lấy ý kiến các đơn vị phối hợp.",
    "Đã hoàn thành dự thảo lần 1, đang tổng hợp ý kiến góp ý.",
    "Đang hoàn thiện dự thảo theo ý kiến của lãnh đạo đơn vị.",
    "Đã tổ chức hội thảo chuyên đề, tiếp thu ý kiến chuyên gia.",
]
COMMENTS = [
    "Đề nghị đơn vị chủ trì bổ sung số liệu so sánh với cùng kỳ.",
    "Cơ quan thường trực đề nghị làm rõ lộ trình thực hiện.",
    "Đề nghị phối hợp chặt chẽ với các đơn vị liên quan.",
]
DIRECTIVE = "Đề nghị đơn vị chủ trì khẩn trương hoàn thành, báo cáo Ban Chỉ đạo."
RETURN_REASON = "Đề nghị bổ sung số liệu và ý kiến các đơn vị phối hợp."
CANCEL_REASON = "Nội dung được lồng ghép vào đề án khác theo chỉ đạo của Ban Chỉ đạo."
EXTEND_REASON = "Cần thêm thời gian khảo sát ý kiến cơ sở."
ATTACHMENT_PATH = "demo/van-ban-phe-duyet-mau.pdf"
REPORT_PATH = "demo/bao-cao-mau.docx"


@dataclass
class ProgramRows:
    pk: int
    number: str
    title: str
    issuer: Unit
    issued_on: dt.date
    term: str
    period: tuple[int, int]
    steering: Unit


@dataclass
class DeliverableRows:
    """Rows of every table the deliverables fill, generated before anything is written."""

    programs: list[ProgramRows] = field(default_factory=list)
    deliverables: list[tuple[Any, ...]] = field(default_factory=list)
    coordinating: list[tuple[int, int]] = field(default_factory=list)
    status_changes: list[tuple[Any, ...]] = field(default_factory=list)
    extensions: list[tuple[Any, ...]] = field(default_factory=list)
    attachments: list[tuple[Any, ...]] = field(default_factory=list)
    notes: list[tuple[Any, ...]] = field(default_factory=list)
    records: list[tuple[Any, ...]] = field(default_factory=list)

    @property
    def history(self) -> int:
        return len(self.status_changes) + len(self.extensions) + len(self.notes)


def _split(total: int, parts: int, rng: random.Random, sigma: float = 0.7) -> list[int]:
    """`total` split into `parts` positive, uneven counts (log-normal weights, largest remainders)."""
    weights = [rng.lognormvariate(0, sigma) for _ in range(parts)]
    scale = (total - parts) / sum(weights)
    raw = [w * scale for w in weights]
    counts = [1 + int(r) for r in raw]
    left = total - sum(counts)
    for i in sorted(range(parts), key=lambda i: raw[i] - int(raw[i]), reverse=True)[:left]:
        counts[i] += 1
    return counts


class DeliverableGen:
    def __init__(self, *, sizes: Sizes, seed: int, on: dt.date, writer: Writer, users: "Accounts",
                 units: dict[str, Unit], lead_units: list[Unit], ct_deliverable: int, ct_program: int) -> None:
        self.rng = random.Random(seed)
        self.sizes, self.on, self.writer, self.users = sizes, on, writer, users
        self.unit, self.lead_units = units, lead_units
        self.last = on - span(1)  # history stops yesterday (nothing is recorded in the future)
        self.clock = Clock()
        self.ct_deliverable, self.ct_program = ct_deliverable, ct_program
        self.out = DeliverableRows()
        self.unit_names = {u.pk: u.name for u in lead_units}

    # Programs: term XVII (2021-2025) and, once under way, term XVIII (2025-2030).
    def programs(self) -> None:
        rng, on = self.rng, self.on
        xviii_from = dt.date(2025, 10, 20)
        tu, ubnd = self.unit["TU"], self.unit["UBND"]
        topics = programs_demo.TOPICS
        for i in range(self.sizes.programs):
            newer = on > xviii_from + span(120) and rng.random() < 0.4
            if newer:
                term, period = "XVIII", (2025, 2030)
                issued = random_day(rng, xviii_from, min(dt.date(2030, 6, 30), on - span(60)))
            else:
                term, period = "XVII", (2021, 2025)
                issued = random_day(rng, dt.date(2021, 2, 1), min(dt.date(2024, 12, 31), on - span(60)))
            topic = topics[i % len(topics)]
            if rng.random() < 0.6:
                number, issuer, steering = f"{i + 2:02d}-CTr/TU", tu, self.unit["BTCTU"]
                title = f"Chương trình mẫu số {i + 2:02d} về {topic}, giai đoạn {period[0]}-{period[1]}"
            else:
                number, issuer, steering = f"{i + 100}/KH-UBND", ubnd, self.unit["VPUB"]
                title = f"Kế hoạch mẫu số {i + 100} thực hiện nhiệm vụ {topic}, giai đoạn {period[0]}-{period[1]}"
            self.out.programs.append(ProgramRows(
                pk=self.writer.next_id(Program), number=number, title=title, issuer=issuer, issued_on=issued,
                term=term, period=period, steering=steering))

    def deliverables(self) -> None:
        rng = self.rng
        sizes = _split(self.sizes.deliverables, self.sizes.programs, rng)
        weights = [60 if u.kind != UnitKind.COMMUNE else 1 for u in self.lead_units]
        for program, n in zip(self.out.programs, sizes, strict=True):
            k = min(len(self.lead_units), max(3, n // 12))
            chosen: list[Unit] = []
            while len(chosen) < k:
                u = rng.choices(self.lead_units, weights)[0]
                if u not in chosen:
                    chosen.append(u)
            width = 3 if n >= 100 else 2
            for j in range(n):
                self._deliverable(program, f"{j + 1:0{width}d}", chosen[j % len(chosen)], chosen)

    def _life(self, created: dt.date, deadline0: dt.date, officer: list[int], office: list[int]
              ) -> tuple[list[tuple[dt.date, str, int, str]], tuple[dt.date, dt.date] | None, dt.date | None]:
        """The life of a deliverable, planned in days, then cut at yesterday: its status steps (day, to status,
        actor, reason), the extension granted if any, and the day it ended (completed or cancelled) if it did."""
        rng = self.rng
        steps: list[tuple[dt.date, str, int, str]] = []  # (day, to status, actor, reason)
        extension: tuple[dt.date, dt.date] | None = None
        if rng.random() < 0.02:
            steps.append((created + span(rng.randint(30, 200)), Status.CANCELLED, rng.choice(office), CANCEL_REASON))
        else:
            start = created + span(rng.randint(5, 75))
            slip = int(rng.gauss(-10, 45)) + (rng.randint(60, 300) if rng.random() < 0.2 else 0)
            done = max(deadline0 + span(slip), start + span(45))
            if done > deadline0 + span(15) and rng.random() < 0.4 and deadline0 - span(25) > start:
                extension = (deadline0 - span(rng.randint(3, 20)), max(deadline0 + span(30),
                                                                        done + span(rng.randint(0, 45))))
            submit = max(done - span(rng.randint(5, 25)), start + span(20))
            who = rng.choice(officer)
            steps.append((start, Status.IN_PROGRESS, who, ""))
            if rng.random() < 0.7:
                steps.append((max(submit - span(rng.randint(7, 40)), start + span(10)), Status.DRAFT_DONE, who, ""))
            steps.append((submit, Status.SUBMITTED, who, ""))
            if rng.random() < 0.15:
                returned = submit + span(rng.randint(5, 20))
                steps.append((returned, Status.RETURNED, rng.choice(office), RETURN_REASON))
                again = returned + span(rng.randint(15, 60))
                if rng.random() < 0.5:
                    steps.append((returned + span(rng.randint(2, 10)), Status.IN_PROGRESS, who, ""))
                steps.append((again, Status.SUBMITTED, who, ""))
                done = max(done, again) + span(rng.randint(5, 30))
            if rng.random() < 0.03:
                cut = random_day(rng, start + span(1), done)
                steps = [s for s in steps if s[0] < cut]
                steps.append((cut, Status.CANCELLED, rng.choice(office), CANCEL_REASON))
            else:
                steps.append((done, Status.COMPLETED, rng.choice(office), ""))
        # Strictly later days, in order; nothing after yesterday.
        kept: list[tuple[dt.date, str, int, str]] = []
        previous = created
        for day, to, who, reason in steps:
            day = max(day, previous + span(1))
            if day > self.last:
                break
            kept.append((day, to, who, reason))
            previous = day
        ended = kept[-1][0] if kept and kept[-1][1] in (Status.COMPLETED, Status.CANCELLED) else None
        if extension is not None and not (
                created < extension[0] <= self.last and (ended is None or extension[0] < ended)):
            extension = None
        return kept, extension, ended

    def _deliverable(self, program: ProgramRows, code: str, lead: Unit, chosen: list[Unit]) -> None:
        rng, out = self.rng, self.out
        pk = self.writer.next_id(Deliverable)
        kind = rng.choice(programs_demo.KINDS) if rng.random() < 0.93 else Kind.TASK
        topic = rng.choice(programs_demo.TOPICS)
        title = f"{str(Kind(kind).label).capitalize()} mẫu số {code}: {topic} {rng.choice(SCOPES)}"
        created = min(program.issued_on + span(rng.randint(5, 75)), self.last - span(1))
        created_at = self.clock.at(created, 9, rng.randint(0, 59))
        period_end = dt.date(program.period[1], 12, 31)
        deadline0 = min(created + span(rng.randint(60, 720)), max(period_end, created + span(60)))
        others = [u for u in chosen if u.pk != lead.pk]
        coordinating = sorted({rng.choice(others).pk for _ in range(rng.randint(0, 2))}) if others else []
        leader = rng.choice(programs_demo.PEOPLE)
        officer = self.users.lead[lead.pk]
        office, steering = self.users.office, self.users.steering

        kept, extension, ended = self._life(created, deadline0, officer, office)

        # Rows, in the order the services would have written them.
        status, version, deadline = Status.NOT_STARTED, 1, deadline0
        completed_on: dt.date | None = None
        doc_number, doc_date = "", None
        lead_name = lead.name
        coordinating_names = sorted(self.unit_names.get(c) or "" for c in coordinating)
        repr_ = f"{code}. {title}"[:300]
        creator = rng.choice(office)
        out.status_changes.append((pk, "", Status.NOT_STARTED, created_at, creator, "", "", None, None))
        out.records.append((created_at, creator, "create", self.ct_deliverable, str(pk), repr_, None, json.dumps({
            "code": code, "kind": kind, "title": title, "description": "", "lead_unit": lead_name,
            "coordinating_units": coordinating_names, "responsible_leader": leader, "responsible_person": None,
            "original_deadline": deadline0.isoformat(), "deadline": deadline0.isoformat(),
            "status": Status.NOT_STARTED, "completed_on": None, "approval_doc_number": "",
            "approval_doc_date": None}, ensure_ascii=False), ""))
        events: list[tuple[dt.datetime, str, Any]] = [
            (self.clock.at(day, rng.randint(9, 16), rng.randint(0, 59)), "status", (to, who, reason))
            for day, to, who, reason in kept
        ]
        if extension is not None:
            events.append((self.clock.at(extension[0], 10, rng.randint(0, 59)), "extend", extension))
        started = next((d for d, to, _w, _r in kept if to == Status.IN_PROGRESS), None)
        if started is not None:
            until = ended or self.last
            percents = sorted(rng.sample(range(10, 95, 5), 3))
            for p in percents[:rng.choice([0, 1, 1, 1, 2, 2, 3])]:
                day = random_day(rng, started + span(1), until)
                events.append((self.clock.at(day, 15, rng.randint(0, 59)), Note.Kind.PROGRESS,
                               (rng.choice(officer), rng.choice(PROGRESS_TEXTS), p)))
        if rng.random() < 0.12:
            day = random_day(rng, created + span(1), ended or self.last)
            events.append((self.clock.at(day, 14, rng.randint(0, 59)), Note.Kind.COMMENT,
                           (rng.choice(office), rng.choice(COMMENTS), None)))
        events.sort(key=lambda e: (e[0], e[1] != "extend"))
        for at, what, data in events:
            before_status, before_deadline = status, deadline
            if what == "status":
                to, who, reason = data
                attachment = None
                if to == Status.COMPLETED:
                    attachment = self.writer.next_id(Attachment)
                    doc_number = f"{rng.randint(1, 999)}/QĐ-DEMO"
                    doc_date = max(timezone.localdate(at) - span(rng.randint(0, 3)), created)
                    upload = at.replace(hour=8, minute=0)
                    out.attachments.append((attachment, pk, ATTACHMENT_PATH, f"van-ban-phe-duyet-mau-{code}.pdf",
                                            len(APPROVAL_PDF), Attachment.Purpose.APPROVAL, who, upload))
                    out.records.append((upload, who, "attach", self.ct_deliverable, str(pk), repr_, None,
                                        json.dumps({"attachment": f"van-ban-phe-duyet-mau-{code}.pdf",
                                                    "purpose": "văn bản phê duyệt", "size": len(APPROVAL_PDF)},
                                                   ensure_ascii=False), ""))
                    completed_on = timezone.localdate(at)
                out.status_changes.append((pk, status, to, at, who, reason, doc_number if attachment else "",
                                           doc_date if attachment else None, attachment))
                status = to
                version += 1
                after: dict[str, Any] = {"status": to}
                if to == Status.COMPLETED:
                    after |= {"completed_on": completed_on.isoformat() if completed_on else None,
                              "approval_doc_number": doc_number,
                              "approval_doc_date": doc_date.isoformat() if doc_date else None}
                out.records.append((at, who, "transition", self.ct_deliverable, str(pk), repr_,
                                    json.dumps({"status": before_status}), json.dumps(after), reason))
            elif what == "extend":
                approved_on, new_deadline = data
                recorder = rng.choice(office)
                out.extensions.append((pk, deadline, new_deadline, EXTEND_REASON, "Trưởng Ban Chỉ đạo", approved_on,
                                       recorder, at))
                deadline = new_deadline
                version += 1
                out.records.append((at, recorder, "extend", self.ct_deliverable, str(pk), repr_,
                                    json.dumps({"deadline": before_deadline.isoformat()}),
                                    json.dumps({"deadline": new_deadline.isoformat()}), EXTEND_REASON))
            else:
                author, text, percent = data
                out.notes.append((pk, what, text, percent, None, author, at))
                out.records.append((at, author, f"note_{what}", self.ct_deliverable, str(pk), repr_, None,
                                    json.dumps({"note": text, "percent": percent, "due_on": None},
                                               ensure_ascii=False), ""))
        # The steering committee's directive on work still open past its deadline.
        if status not in (Status.COMPLETED, Status.CANCELLED) and deadline < self.last and rng.random() < 0.6:
            day = random_day(rng, deadline + span(1), self.last)
            at = self.clock.at(day, 16, rng.randint(0, 59))
            due_on = day + span(30)
            out.notes.append((pk, Note.Kind.DIRECTIVE, DIRECTIVE, None, due_on, steering, at))
            out.records.append((at, steering, "note_directive", self.ct_deliverable, str(pk), repr_, None,
                                json.dumps({"note": DIRECTIVE, "percent": None, "due_on": due_on.isoformat()},
                                           ensure_ascii=False), ""))
        search = fold(" ".join([code, title, leader, lead_name]))
        updated = max([created_at] + [e[0] for e in events if e[1] in ("status", "extend")])
        out.deliverables.append((
            pk, program.pk, code, kind, title, "", lead.pk, leader, None, deadline0, deadline, status, completed_on,
            doc_number if status == Status.COMPLETED else "", doc_date if status == Status.COMPLETED else None,
            version, search, created_at, updated))
        out.coordinating.extend((pk, c) for c in coordinating)

    def write(self) -> None:
        w, out = self.writer, self.out
        w.insert(Program, ["id", "number", "title", "issuing_body", "issued_on", "term", "period_start",
                           "period_end", "steering_unit"],
                 ((p.pk, p.number, p.title, p.issuer.pk, p.issued_on, p.term, p.period[0], p.period[1],
                   p.steering.pk) for p in out.programs))
        w.insert(ChangeRecord, ["at", "actor", "action", "content_type", "object_id", "object_repr", "before",
                                "after", "reason"],
                 ((self.clock.at(p.issued_on, 9), self.users.admin, "create", self.ct_program, str(p.pk),
                   f"Chương trình số {p.number}", None, json.dumps({
                       "number": p.number, "title": p.title, "issuing_body": p.issuer.name,
                       "issued_on": p.issued_on.isoformat(), "term": p.term, "period_start": p.period[0],
                       "period_end": p.period[1], "steering_unit": p.steering.name}, ensure_ascii=False), "")
                  for p in out.programs))
        w.insert(Deliverable, ["id", "program", "code", "kind", "title", "description", "lead_unit",
                               "responsible_leader", "responsible_person", "original_deadline", "deadline", "status",
                               "completed_on", "approval_doc_number", "approval_doc_date", "version", "search_text",
                               "created_at", "updated_at"], out.deliverables)
        w.insert(COORDINATING, ["deliverable", "unit"], out.coordinating)
        w.insert(Attachment, ["id", "deliverable", "file", "original_name", "size", "purpose", "uploaded_by",
                              "uploaded_at"], out.attachments)
        w.insert(StatusChange, ["deliverable", "from_status", "to_status", "at", "by", "reason", "doc_number",
                                "doc_date", "attachment"], out.status_changes)
        w.insert(DeadlineExtension, ["deliverable", "previous_deadline", "new_deadline", "reason", "approved_by",
                                     "approved_on", "recorded_by", "recorded_at"], out.extensions)
        w.insert(Note, ["deliverable", "kind", "text", "percent", "due_on", "author", "at"], out.notes)
        w.insert(ChangeRecord, ["at", "actor", "action", "content_type", "object_id", "object_repr", "before",
                                "after", "reason"], out.records)
        if out.attachments and not default_storage.exists(ATTACHMENT_PATH):
            default_storage.save(ATTACHMENT_PATH, ContentFile(APPROVAL_PDF))

    def meetings(self) -> None:
        """A year-end conference for each year under way and a quarterly review or two, with their points."""
        rng, w = self.rng, self.writer
        meetings, agenda, agenda_units, points = [], [], [], []
        creator = self.users.office[0]
        for p in self.out.programs:
            days = [dt.date(y, 12, 28) for y in range(p.issued_on.year, p.period[1] + 1)]
            days += [dt.date(y, 9, 30) for y in range(p.issued_on.year, p.period[1] + 1) if rng.random() < 0.5]
            for day in sorted(d for d in days if p.issued_on < d <= self.last):
                pk = w.next_id(Meeting)
                year_end = day.month == 12
                kind = Meeting.Kind.YEAR_END if year_end else Meeting.Kind.QUARTERLY
                title = (f"Hội nghị tổng kết năm {day.year} thực hiện {p.title[:1].lower()}{p.title[1:]}" if year_end
                         else f"Hội nghị sơ kết quý III năm {day.year} thực hiện Chương trình số {p.number}")
                meetings.append((pk, p.pk, kind, title, day, "Trụ sở Thành ủy (mẫu)",
                                 "Phó Bí thư Thành ủy, Phó Trưởng ban Chỉ đạo",
                                 "Thành viên Ban Chỉ đạo\nLãnh đạo các cơ quan, đơn vị chủ trì", "", creator,
                                 self.clock.at(day, 17)))
                item = w.next_id(AgendaItem)
                agenda.append((item, pk, 1, "Báo cáo tiến độ thực hiện các nội dung của Chương trình", ""))
                agenda_units.append((item, p.steering.pk))
                for order, (point_kind, text) in enumerate([
                    (MeetingPoint.Kind.LESSON, "Tăng cường kiểm tra, đôn đốc các đơn vị chủ trì (mẫu)."),
                    (MeetingPoint.Kind.DIFFICULTY, "Một số nội dung chậm do phải lấy ý kiến nhiều cơ quan (mẫu)."),
                    (MeetingPoint.Kind.RECOMMENDATION, "Đề nghị gia hạn các nội dung cần khảo sát thêm (mẫu)."),
                ], start=1):
                    points.append((pk, point_kind, text, "Thành viên Ban Chỉ đạo", order))
        w.insert(Meeting, ["id", "program", "kind", "title", "held_on", "location", "chair", "attendees", "minutes",
                           "created_by", "created_at"], meetings)
        w.insert(AgendaItem, ["id", "meeting", "order", "title", "notes"], agenda)
        w.insert(AGENDA_UNITS, ["agendaitem", "unit"], agenda_units)
        w.insert(MeetingPoint, ["meeting", "kind", "text", "speaker", "order"], points)


APPROVAL_PDF = programs_demo.demo_pdf("approval")
