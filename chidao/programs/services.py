"""Writes on programs and deliverables. Each runs in a transaction, checks permission and rules,
writes, and records the change (who, when, before/after, why) explicitly."""

import datetime as dt
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from cryptography import x509
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chidao.core.audit import change_record_create, snapshot
from chidao.core.errors import ConflictError, PermissionDenied, ValidationError
from chidao.core.limits import TITLE_MAX, length_errors, lengths_check, too_long_message
from chidao.core.models import ChangeRecord, Unit, User
from chidao.core.permissions import can_manage_users
from chidao.core.signing import SignatureState, pdf_verify, trust_root_add
from chidao.core.text import fold
from chidao.core.uploads import upload_check

from . import events, permissions, workflow
from .models import (
    AgendaItem,
    Attachment,
    Conclusion,
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

if TYPE_CHECKING:
    from chidao.personnel.models import Person

DELIVERABLE_FIELDS = (
    "code", "kind", "title", "description", "lead_unit", "coordinating_units", "responsible_leader",
    "responsible_person", "original_deadline", "deadline", "status", "completed_on", "approval_doc_number",
    "approval_doc_date",
)
# What a lead-agency officer may change on their own unit's deliverable; the rest is the office's.
LEAD_EDITABLE = frozenset({"title", "description", "coordinating_units", "responsible_leader"})
OFFICE_EDITABLE = LEAD_EDITABLE | {"code", "kind", "lead_unit", "original_deadline", "responsible_person"}


def _search_text(deliverable: Deliverable) -> str:
    return fold(
        " ".join([deliverable.code, deliverable.title, deliverable.responsible_leader, deliverable.lead_unit.name])
    )


def _lock(deliverable: Deliverable, expected_version: int | None) -> Deliverable:
    """Re-read the row under a lock and refuse if someone saved it since the user loaded it."""
    current = Deliverable.objects.select_for_update().select_related("lead_unit").get(pk=deliverable.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError(
            _("Nội dung này đã được cập nhật bởi người khác sau khi bạn mở. Hãy tải lại trang và thực hiện lại.")
        )
    return current


def version_required(expected_version: int | None) -> None:
    """A write that changes a versioned object names the version it read (422 without it)."""
    if expected_version is None:
        raise ValidationError({"version": _(
            "Thiếu phiên bản (version) của nội dung như khi đọc; gửi kèm để không ghi đè thay đổi của người khác.")})


@transaction.atomic
def program_create(
    *, actor: User, number: str, title: str, issuing_body: Unit, issued_on: dt.date, term: str = "",
    period_start: int, period_end: int, steering_unit: Unit | None = None,
) -> Program:
    if not permissions.can_manage_programs(actor):
        raise PermissionDenied(_("Bạn không có quyền tạo chương trình."))
    lengths_check(Program, number=number, title=title, term=term)
    if period_end < period_start:
        raise ValidationError({"period_end": _("Năm kết thúc phải không nhỏ hơn năm bắt đầu.")})
    if Program.objects.filter(number__iexact=number).exists():
        raise ValidationError({"number": _("Đã có chương trình số %(number)s.") % {"number": number}})
    program = Program.objects.create(
        number=number, title=title, issuing_body=issuing_body, issued_on=issued_on, term=term,
        period_start=period_start, period_end=period_end, steering_unit=steering_unit,
    )
    change_record_create(
        actor=actor, action="create", obj=program,
        after=snapshot(program, ["number", "title", "issuing_body", "issued_on", "term", "period_start",
                                 "period_end"]),
    )
    return program


def _validate_deliverable(
    *, program: Program, code: str, kind: str, title: str, deadline: dt.date | None, exclude_pk: int = 0
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not code.strip():
        errors["code"] = _("Thiếu số thứ tự.")
    elif Deliverable.objects.filter(program=program, code__iexact=code).exclude(pk=exclude_pk).exists():
        errors["code"] = _("Số thứ tự %(code)s đã có trong chương trình.") % {"code": code}
    if kind not in Kind.values:
        errors["kind"] = _("Loại nội dung không hợp lệ.")
    if not title.strip():
        errors["title"] = _("Thiếu tên nội dung.")
    if deadline is None:
        errors["original_deadline"] = _("Thiếu thời hạn.")
    elif deadline < program.issued_on:
        errors["original_deadline"] = _("Thời hạn không được trước ngày ban hành chương trình (%(d)s).") % {
            "d": program.issued_on.strftime("%d/%m/%Y")
        }
    return errors


@transaction.atomic
def deliverable_create(
    *, actor: User, program: Program, code: str, kind: str, title: str, lead_unit: Unit,
    original_deadline: dt.date, coordinating_units: Iterable[Unit] = (), responsible_leader: str = "",
    description: str = "", at: dt.datetime | None = None, responsible_person: "Person | None" = None,
    announce: bool = True,
) -> Deliverable:
    """Assign a new deliverable to a lead unit. `at` backdates records taken over from paper files. The units
    given it are told (`events`) unless `announce` is False (a conclusion's own message tells them)."""
    if not permissions.can_manage_programs(actor):
        raise PermissionDenied(_("Bạn không có quyền giao nội dung."))
    errors = length_errors(Deliverable, code=code.strip(), title=title.strip(), description=description,
                           responsible_leader=responsible_leader.strip())
    errors.update(_validate_deliverable(program=program, code=code, kind=kind, title=title, deadline=original_deadline))
    if errors:
        raise ValidationError(errors)
    at = at or timezone.now()
    deliverable = Deliverable(
        program=program, code=code.strip(), kind=kind, title=title.strip(), description=description,
        lead_unit=lead_unit, responsible_leader=responsible_leader.strip(), responsible_person=responsible_person,
        original_deadline=original_deadline, deadline=original_deadline, status=Status.NOT_STARTED,
        created_at=at, updated_at=at,
    )
    deliverable.search_text = _search_text(deliverable)
    deliverable.save()
    deliverable.coordinating_units.set([u for u in coordinating_units if u.pk != lead_unit.pk])
    StatusChange.objects.create(deliverable=deliverable, from_status="", to_status=Status.NOT_STARTED, at=at, by=actor)
    change_record_create(actor=actor, action="create", obj=deliverable, after=snapshot(deliverable, DELIVERABLE_FIELDS))
    if announce:
        events.deliverable_created(actor=actor, deliverable=deliverable)
    return deliverable


@transaction.atomic
def deliverable_update(
    *, actor: User, deliverable: Deliverable, expected_version: int | None, reason: str = "", **changes: Any
) -> Deliverable:
    """Edit a deliverable's details; refuses fields the user may not change and stale edits. `version` as read
    is required (without it parallel edits would overwrite each other); an edit that changes nothing leaves the
    version and the change log as they are."""
    if not permissions.can_edit_deliverable(actor, deliverable):
        raise PermissionDenied(_("Bạn không có quyền sửa nội dung này."))
    allowed = OFFICE_EDITABLE if permissions.can_manage_programs(actor) else LEAD_EDITABLE
    forbidden = sorted(set(changes) - allowed)
    if forbidden:
        raise PermissionDenied(_("Bạn không có quyền sửa: %(fields)s.") % {"fields": ", ".join(forbidden)})
    version_required(expected_version)
    current = _lock(deliverable, expected_version)
    before = snapshot(current, DELIVERABLE_FIELDS)
    given_before = events.units_given(current)
    coordinating = changes.pop("coordinating_units", None)
    for name, value in changes.items():
        setattr(current, name, value.strip() if isinstance(value, str) else value)
    errors = length_errors(Deliverable, **{k: getattr(current, k) for k in changes})
    errors.update(length_errors(ChangeRecord, reason=reason))
    errors.update(_validate_deliverable(
        program=current.program, code=current.code, kind=current.kind, title=current.title,
        deadline=current.original_deadline, exclude_pk=current.pk,
    ))
    if errors:
        raise ValidationError(errors)
    if "original_deadline" in changes and not current.extensions.exists():
        current.deadline = current.original_deadline
    if coordinating is not None:
        current.coordinating_units.set([u for u in coordinating if u.pk != current.lead_unit_id])
    after = snapshot(current, DELIVERABLE_FIELDS)
    if after == before:
        return current
    current.search_text = _search_text(current)
    current.version += 1
    current.updated_at = timezone.now()
    current.save()
    change_record_create(actor=actor, action="update", obj=current, before=before, after=after, reason=reason)
    events.deliverable_reassigned(actor=actor, deliverable=current, given_before=given_before)
    return current


@transaction.atomic
def deliverable_transition(
    *, actor: User, deliverable: Deliverable, to_status: str, expected_version: int | None = None,
    reason: str = "", doc_number: str = "", doc_date: dt.date | None = None,
    attachment: Attachment | None = None, at: dt.datetime | None = None,
) -> Deliverable:
    """Move a deliverable along the workflow (workflow.TRANSITIONS) and record the step."""
    current = _lock(deliverable, expected_version)
    if to_status not in Status.values:
        raise ValidationError({"to_status": _("Trạng thái không hợp lệ.")})
    if to_status not in workflow.TRANSITIONS.get(current.status, {}):
        raise ValidationError({"to_status": _("Không thể chuyển từ “%(a)s” sang “%(b)s”.") % {
            "a": Status(current.status).label, "b": Status(to_status).label}})
    if not permissions.can_transition(actor, current, to_status):
        raise PermissionDenied(_("Bạn không có quyền chuyển nội dung này sang “%(b)s”.") % {
            "b": Status(to_status).label})
    errors = length_errors(StatusChange, reason=reason.strip())
    reason = reason.strip()
    if to_status in workflow.NEEDS_REASON and not reason:
        errors["reason"] = _("Cần nêu lý do khi chuyển sang “%(b)s”.") % {"b": Status(to_status).label}
    if to_status in workflow.NEEDS_APPROVAL_DOCUMENT:
        if not doc_number.strip():
            errors["doc_number"] = _("Cần số văn bản phê duyệt.")
        if doc_date is None:
            errors["doc_date"] = _("Cần ngày văn bản phê duyệt.")
        if attachment is None:
            errors["attachment"] = _("Cần đính kèm tệp văn bản phê duyệt.")
        elif attachment.deliverable_id != current.pk:
            errors["attachment"] = _("Tệp đính kèm không thuộc nội dung này.")
    if errors:
        raise ValidationError(errors)
    at = at or timezone.now()
    last = current.status_changes.order_by("-at", "-id").values_list("at", flat=True).first()
    if last is not None and at < last:
        raise ValidationError({"at": _("Thời điểm chuyển trạng thái không được trước lần cập nhật gần nhất.")})
    _check_doc_date(current, doc_date, at)
    before = snapshot(current, DELIVERABLE_FIELDS)
    StatusChange.objects.create(
        deliverable=current, from_status=current.status, to_status=to_status, at=at, by=actor, reason=reason,
        doc_number=doc_number.strip(), doc_date=doc_date, attachment=attachment,
    )
    current.status = to_status
    if to_status == Status.COMPLETED:
        current.completed_on = timezone.localdate(at)
        current.approval_doc_number = doc_number.strip()
        current.approval_doc_date = doc_date
    current.version += 1
    current.updated_at = at
    current.save()
    change_record_create(
        actor=actor, action="transition", obj=current, before=before,
        after=snapshot(current, DELIVERABLE_FIELDS), reason=reason,
    )
    events.deliverable_transitioned(actor=actor, deliverable=current)
    return current


def _check_doc_date(current: Deliverable, doc_date: dt.date | None, at: dt.datetime) -> None:
    """An approving document approves what was submitted: it is dated between the last submission
    (to "submitted" or "draft done") and today (Asia/Ho_Chi_Minh)."""
    if doc_date is None:
        return
    if doc_date > timezone.localdate(at):
        raise ValidationError({"doc_date": _("Ngày văn bản phê duyệt không được sau ngày hiện tại.")})
    submitted = (
        current.status_changes.filter(to_status__in=workflow.AWAITING_APPROVAL)
        .order_by("-at", "-id").values_list("at", flat=True).first()
    )
    if submitted is not None and doc_date < timezone.localdate(submitted):
        raise ValidationError({"doc_date": _(
            "Ngày văn bản phê duyệt không được trước ngày trình (%(d)s).") % {
            "d": timezone.localdate(submitted).strftime("%d/%m/%Y")}})


@transaction.atomic
def deliverable_transition_with_file(
    *, actor: User, deliverable: Deliverable, to_status: str, file: UploadedFile | None = None,
    expected_version: int | None = None, reason: str = "", doc_number: str = "", doc_date: dt.date | None = None,
    at: dt.datetime | None = None,
) -> Deliverable:
    """A status step with the file the user sent in the same form: the file is stored as an attachment
    (the approving document when completing) and the step records it, or neither happens."""
    step: dict[str, Any] = {"actor": actor, "deliverable": deliverable, "to_status": to_status,
                            "expected_version": expected_version, "reason": reason, "doc_number": doc_number,
                            "doc_date": doc_date, "at": at}
    if file is None:
        return deliverable_transition(**step)
    purpose = Attachment.Purpose.APPROVAL if to_status == Status.COMPLETED else Attachment.Purpose.OTHER
    attachment = attachment_upload(actor=actor, deliverable=deliverable, file=file, purpose=purpose, at=at)
    try:
        return deliverable_transition(attachment=attachment, **step)
    except Exception:
        attachment.file.delete(save=False)  # the row goes with the transaction; the stored file must too
        raise


@transaction.atomic
def deliverable_extend_deadline(
    *, actor: User, deliverable: Deliverable, new_deadline: dt.date, reason: str, approved_by: str,
    approved_on: dt.date, expected_version: int | None = None, at: dt.datetime | None = None,
    announce: bool = True,
) -> DeadlineExtension:
    """Record a deadline extension the committee approved (who approved it, when, why). The lead unit is told
    unless `announce` is False (granting a request tells it in the decision's own message)."""
    if not permissions.can_manage_programs(actor):
        raise PermissionDenied(_("Chỉ cơ quan thường trực ghi nhận gia hạn."))
    current = _lock(deliverable, expected_version)
    errors = length_errors(DeadlineExtension, reason=reason, approved_by=approved_by)
    if current.status in {Status.COMPLETED, Status.CANCELLED}:
        errors["new_deadline"] = _("Nội dung đã kết thúc, không thể gia hạn.")
    elif new_deadline <= current.deadline:
        errors["new_deadline"] = _("Thời hạn mới phải sau thời hạn hiện hành (%(d)s).") % {
            "d": current.deadline.strftime("%d/%m/%Y")}
    if not reason.strip():
        errors["reason"] = _("Cần nêu lý do gia hạn.")
    if not approved_by.strip():
        errors["approved_by"] = _("Cần ghi người phê duyệt gia hạn.")
    if errors:
        raise ValidationError(errors)
    at = at or timezone.now()
    before = snapshot(current, DELIVERABLE_FIELDS)
    extension = DeadlineExtension.objects.create(
        deliverable=current, previous_deadline=current.deadline, new_deadline=new_deadline,
        reason=reason.strip(), approved_by=approved_by.strip(), approved_on=approved_on,
        recorded_by=actor, recorded_at=at,
    )
    current.deadline = new_deadline
    current.version += 1
    current.updated_at = at
    current.save()
    change_record_create(
        actor=actor, action="extend", obj=current, before=before, after=snapshot(current, DELIVERABLE_FIELDS),
        reason=reason.strip(),
    )
    if announce:
        events.deadline_extended(actor=actor, extension=extension)
    return extension


def validate_upload(file: UploadedFile) -> None:
    """An attachment: the shared upload check (size, extension and content) with the allowed extensions."""
    upload_check(file, extensions=settings.CHIDAO_UPLOAD_EXTENSIONS)


def _signature_check(attachment: Attachment) -> None:
    """Check the digital signatures of a PDF attachment and keep the result on it (not saved here)."""
    if not attachment.original_name.lower().endswith(".pdf"):
        return
    with attachment.file.open("rb") as f:
        check = pdf_verify(f.read())
    attachment.signature_state = check.state
    attachment.signature_signer = check.signer[:255]
    attachment.signature_signed_at = check.signed_at
    attachment.signature_checked_at = timezone.now()


def attachment_signatures_recheck() -> int:
    """Check again every stored PDF attachment whose signature was not found valid (after a trust root is
    installed, a signature reported untrusted may now be valid); the number of attachments checked."""
    checked = 0
    for attachment in Attachment.objects.filter(original_name__iendswith=".pdf").exclude(
            signature_state=SignatureState.VALID):
        try:
            _signature_check(attachment)
        except OSError:  # the stored file is gone: nothing to check
            continue
        attachment.save(update_fields=["signature_state", "signature_signer", "signature_signed_at",
                                       "signature_checked_at"])
        checked += 1
    return checked


@transaction.atomic
def trust_root_install(*, actor: User | None, pem_bytes: bytes) -> int:
    """Install a trust root (chidao.core.signing.trust_root_add), check again the stored PDFs not yet found
    valid, and record who installed which root; the number of PDFs checked again. ValueError: not a PEM
    certificate (nothing installed, nothing recorded). No actor: the operator at the server (`chidao trust`)."""
    if actor is not None and not can_manage_users(actor):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được cài chứng thư số gốc."))
    path = trust_root_add(pem_bytes=pem_bytes)
    checked = attachment_signatures_recheck()
    subjects = [c.subject.rfc4514_string() for c in x509.load_pem_x509_certificates(pem_bytes)]
    ChangeRecord.objects.create(
        actor=actor if actor is not None and actor.pk else None, action="trust_root_add",
        content_type=ContentType.objects.get_for_model(Attachment), object_id="",
        object_repr="; ".join(subjects)[:300], after={"file": path.name, "rechecked": checked})
    return checked


@transaction.atomic
def attachment_upload(
    *, actor: User, deliverable: Deliverable, file: UploadedFile, purpose: str = Attachment.Purpose.OTHER,
    at: dt.datetime | None = None,
) -> Attachment:
    if not permissions.can_attach_file(actor, deliverable):
        raise PermissionDenied(_("Bạn không có quyền đính kèm tệp cho nội dung này."))
    validate_upload(file)
    attachment = Attachment(
        deliverable=deliverable, original_name=os.path.basename(file.name or "tep")[:255], size=file.size or 0,
        purpose=purpose, uploaded_by=actor, uploaded_at=at or timezone.now(),
    )
    attachment.file.save(os.path.basename(file.name or "tep"), file, save=False)
    _signature_check(attachment)
    attachment.save()
    change_record_create(
        actor=actor, action="attach", obj=deliverable,  # keys labelled by core.audit.EXTRA_LABELS
        after={"attachment": attachment.original_name, "purpose": str(Attachment.Purpose(purpose).label),
               "size": attachment.size},
    )
    return attachment


@transaction.atomic
def note_add(
    *, actor: User, deliverable: Deliverable, kind: str, text: str, percent: int | None = None,
    due_on: dt.date | None = None, files: Iterable[UploadedFile] = (), at: dt.datetime | None = None,
) -> Note:
    """Add a progress update (lead unit, office), a comment (any reader but auditors) or a directive
    (steering committee)."""
    allowed: dict[str, bool] = {
        Note.Kind.PROGRESS: permissions.can_report_progress(actor, deliverable),
        Note.Kind.COMMENT: permissions.can_comment(actor),
        Note.Kind.DIRECTIVE: permissions.can_direct(actor),
    }
    if not Deliverable.objects.visible_to(actor).filter(pk=deliverable.pk).exists():
        raise PermissionDenied(_("Bạn không có quyền xem nội dung này."))
    if kind not in allowed:
        raise ValidationError({"kind": _("Loại trao đổi không hợp lệ.")})
    if not allowed[kind]:
        raise PermissionDenied(_("Bạn không có quyền thêm “%(k)s”.") % {"k": Note.Kind(kind).label})
    errors = length_errors(Note, text=text.strip())
    if not text.strip():
        errors["text"] = _("Nội dung không được để trống.")
    if percent is not None and not 0 <= percent <= 100:
        errors["percent"] = _("Tiến độ phải từ 0 đến 100%.")
    files = list(files)
    for f in files:
        try:
            validate_upload(f)
        except ValidationError as exc:
            errors["attachment"] = exc.message_dict["file"][0]
    if errors:
        raise ValidationError(errors)
    return _note_write(actor=actor, deliverable=deliverable, kind=kind, text=text, percent=percent, due_on=due_on,
                       files=files, at=at)


def _note_write(
    *, actor: User, deliverable: Deliverable, kind: str, text: str, percent: int | None = None,
    due_on: dt.date | None = None, files: Iterable[UploadedFile] = (), at: dt.datetime | None = None,
) -> Note:
    """The write shared by `note_add` and `conclusion_add`; callers check permission and input first."""
    at = at or timezone.now()
    note = Note.objects.create(
        deliverable=deliverable, kind=kind, text=text.strip(), percent=percent if kind == Note.Kind.PROGRESS else None,
        due_on=due_on if kind == Note.Kind.DIRECTIVE else None, author=actor, at=at,
    )
    for f in files:
        note.attachments.add(
            attachment_upload(actor=actor, deliverable=deliverable, file=f, purpose=Attachment.Purpose.PROGRESS, at=at)
        )
    change_record_create(
        actor=actor, action=f"note_{kind}", obj=deliverable,
        after={"note": note.text, "percent": note.percent, "due_on": note.due_on.isoformat() if note.due_on else None},
    )
    events.note_added(actor=actor, note=note)
    return note


# --- Meetings and their conclusions ---------------------------------------------------------------

MEETING_FIELDS = ("program", "kind", "title", "held_on", "location", "chair", "attendees", "minutes")
MEETING_EDITABLE = frozenset(MEETING_FIELDS) - {"program"}
TRACK_AS_DELIVERABLE = "deliverable"
TRACK_AS_DIRECTIVE = "directive"


def _require_manager(actor: User) -> None:
    if not permissions.can_manage_programs(actor):
        raise PermissionDenied(_("Chỉ cơ quan thường trực ghi nhận hội nghị, cuộc họp và kết luận."))


def _validate_meeting(meeting: Meeting) -> dict[str, str]:
    errors = length_errors(Meeting, **{f: getattr(meeting, f) for f in ("title", "location", "chair", "attendees",
                                                                         "minutes")})
    if meeting.kind not in Meeting.Kind.values:
        errors["kind"] = _("Loại cuộc họp không hợp lệ.")
    if not meeting.title.strip():
        errors["title"] = _("Thiếu tên hội nghị, cuộc họp.")
    if not meeting.chair.strip():
        errors["chair"] = _("Thiếu người chủ trì.")
    if meeting.held_on is None:
        errors["held_on"] = _("Thiếu ngày họp.")
    elif meeting.held_on < meeting.program.issued_on:
        errors["held_on"] = _("Ngày họp không được trước ngày ban hành chương trình (%(d)s).") % {
            "d": meeting.program.issued_on.strftime("%d/%m/%Y")}
    return errors


@transaction.atomic
def meeting_create(
    *, actor: User, program: Program, kind: str, title: str, held_on: dt.date, chair: str, location: str = "",
    attendees: str = "", minutes: str = "", at: dt.datetime | None = None,
) -> Meeting:
    """Record a meeting of the program's steering committee."""
    _require_manager(actor)
    meeting = Meeting(
        program=program, kind=kind, title=title.strip(), held_on=held_on, chair=chair.strip(),
        location=location.strip(), attendees=attendees.strip(), minutes=minutes.strip(), created_by=actor,
        created_at=at or timezone.now(),
    )
    errors = _validate_meeting(meeting)
    if errors:
        raise ValidationError(errors)
    meeting.save()
    change_record_create(actor=actor, action="create", obj=meeting, after=snapshot(meeting, MEETING_FIELDS))
    return meeting


@transaction.atomic
def meeting_update(*, actor: User, meeting: Meeting, reason: str = "", **changes: Any) -> Meeting:
    """Correct a meeting's details (kind, title, date, place, chair, attendees, minutes)."""
    _require_manager(actor)
    unknown = sorted(set(changes) - MEETING_EDITABLE)
    if unknown:
        raise ValidationError({"__all__": _("Không sửa được: %(fields)s.") % {"fields": ", ".join(unknown)}})
    current = Meeting.objects.select_for_update().select_related("program").get(pk=meeting.pk)
    before = snapshot(current, MEETING_FIELDS)
    for name, value in changes.items():
        setattr(current, name, value.strip() if isinstance(value, str) else value)
    errors = _validate_meeting(current)
    errors.update(length_errors(ChangeRecord, reason=reason))
    if current.conclusions.filter(deadline__lt=current.held_on).exists():
        errors["held_on"] = _("Đã có kết luận có thời hạn trước ngày họp mới.")
    if errors:
        raise ValidationError(errors)
    current.save()
    after = snapshot(current, MEETING_FIELDS)
    if after != before:
        change_record_create(actor=actor, action="update", obj=current, before=before, after=after, reason=reason)
    return current


@transaction.atomic
def agenda_item_add(
    *, actor: User, meeting: Meeting, title: str, deliverables: Iterable[Deliverable] = (),
    units: Iterable[Unit] = (), notes: str = "",
) -> AgendaItem:
    """Add an item to a meeting's agenda; the deliverables it concerns must be of the meeting's program."""
    _require_manager(actor)
    deliverables, units = list(deliverables), list(units)
    errors = length_errors(AgendaItem, title=title.strip(), notes=notes.strip())
    if not title.strip():
        errors["title"] = _("Thiếu nội dung họp.")
    foreign = [d.code for d in deliverables if d.program_id != meeting.program_id]
    if foreign:
        errors["deliverables"] = _("Nội dung %(codes)s không thuộc chương trình của cuộc họp.") % {
            "codes": ", ".join(foreign)}
    if errors:
        raise ValidationError(errors)
    last = meeting.agenda_items.order_by("-order").values_list("order", flat=True).first() or 0
    item = AgendaItem.objects.create(meeting=meeting, order=last + 1, title=title.strip(), notes=notes.strip())
    item.deliverables.set(deliverables)
    item.units.set(units)
    change_record_create(
        actor=actor, action="create", obj=item,
        after={"meeting": str(meeting), **snapshot(item, ["order", "title", "deliverables", "units", "notes"])},
    )
    return item


@transaction.atomic
def meeting_point_add(*, actor: User, meeting: Meeting, kind: str, text: str, speaker: str = "") -> MeetingPoint:
    """Record a lesson, difficulty or recommendation raised at a meeting."""
    _require_manager(actor)
    errors = length_errors(MeetingPoint, text=text.strip(), speaker=speaker.strip())
    if kind not in MeetingPoint.Kind.values:
        errors["kind"] = _("Loại ý kiến không hợp lệ.")
    if not text.strip():
        errors["text"] = _("Nội dung không được để trống.")
    if errors:
        raise ValidationError(errors)
    last = meeting.points.filter(kind=kind).order_by("-order").values_list("order", flat=True).first() or 0
    point = MeetingPoint.objects.create(
        meeting=meeting, kind=kind, text=text.strip(), speaker=speaker.strip(), order=last + 1
    )
    change_record_create(
        actor=actor, action="create", obj=point,
        after={"meeting": str(meeting), **snapshot(point, ["kind", "text", "speaker", "order"])},
    )
    return point


def conclusion_code_next(*, program: Program, year: int) -> str:
    """The next free code "KL<yy>.<n>" for a conclusion of a meeting held in `year`, e.g. KL21.1."""
    prefix = f"KL{year % 100:02d}."
    used = {
        int(rest) for rest in (
            code[len(prefix):] for code in
            Deliverable.objects.filter(program=program, code__startswith=prefix).values_list("code", flat=True)
        ) if rest.isdigit()
    }
    return f"{prefix}{max(used, default=0) + 1}"


def _status_at(deliverable: Deliverable, at: dt.datetime) -> str:
    """The deliverable's status as recorded at `at` (conclusions may be recorded from the paper notice)."""
    status = deliverable.status_changes.filter(at__lte=at).order_by("-at", "-id").values_list("to_status", flat=True)
    return status.first() or deliverable.status


@transaction.atomic
def conclusion_add(
    *, actor: User, meeting: Meeting, text: str, lead_unit: Unit, deadline: dt.date, track_as: str,
    deliverable: Deliverable | None = None, kind: str = Kind.TASK, code: str = "", at: dt.datetime | None = None,
) -> Conclusion:
    """Record a kết luận and track it: as a new deliverable of the program (`track_as="deliverable"`,
    code KL<yy>.<n> unless given), or as a directive with that deadline on an existing deliverable the
    lead unit already leads (`track_as="directive"`). All or nothing."""
    _require_manager(actor)
    at = at or timezone.now()
    program = meeting.program
    text = text.strip()
    errors = length_errors(Conclusion, text=text)
    if track_as == TRACK_AS_DELIVERABLE and len(text) > TITLE_MAX:  # it becomes the new deliverable's title
        errors["text"] = too_long_message(TITLE_MAX, len(text))
    if not text:
        errors["text"] = _("Thiếu nội dung kết luận.")
    if deadline is None:
        errors["deadline"] = _("Thiếu thời hạn.")
    elif deadline < meeting.held_on:
        errors["deadline"] = _("Thời hạn không được trước ngày họp (%(d)s).") % {
            "d": meeting.held_on.strftime("%d/%m/%Y")}
    if track_as == TRACK_AS_DELIVERABLE:
        if deliverable is not None:
            errors["deliverable"] = _("Kết luận giao thành nội dung mới thì không chọn nội dung có sẵn.")
    elif track_as == TRACK_AS_DIRECTIVE:
        if deliverable is None:
            errors["deliverable"] = _("Cần chọn nội dung có sẵn để giao chỉ đạo.")
        elif deliverable.program_id != program.pk:
            errors["deliverable"] = _("Nội dung %(code)s không thuộc chương trình của cuộc họp.") % {
                "code": deliverable.code}
        elif deliverable.lead_unit_id != lead_unit.pk:
            errors["lead_unit"] = _("Nội dung %(code)s do %(unit)s chủ trì, không phải %(lead)s.") % {
                "code": deliverable.code, "unit": deliverable.lead_unit.name, "lead": lead_unit.name}
        elif _status_at(deliverable, at) in {Status.COMPLETED, Status.CANCELLED}:
            errors["deliverable"] = _("Nội dung %(code)s đã kết thúc, không thể giao thêm chỉ đạo.") % {
                "code": deliverable.code}
    else:
        errors["track_as"] = _("Cách theo dõi kết luận không hợp lệ.")
    if errors:
        raise ValidationError(errors)
    source = _("Kết luận tại %(meeting)s, ngày %(d)s.") % {
        "meeting": meeting.title, "d": meeting.held_on.strftime("%d/%m/%Y")}
    note = None
    if track_as == TRACK_AS_DELIVERABLE:
        tracked = deliverable_create(
            actor=actor, program=program, code=code.strip() or conclusion_code_next(
                program=program, year=meeting.held_on.year),
            kind=kind, title=text, lead_unit=lead_unit, original_deadline=deadline, description=source, at=at,
            announce=False,
        )
    else:
        assert deliverable is not None
        tracked = deliverable
        note = _note_write(actor=actor, deliverable=tracked, kind=Note.Kind.DIRECTIVE, text=f"{text}\n{source}",
                           due_on=deadline, at=at)
    last = meeting.conclusions.order_by("-order").values_list("order", flat=True).first() or 0
    conclusion = Conclusion.objects.create(
        meeting=meeting, order=last + 1, text=text, lead_unit=lead_unit, deadline=deadline, deliverable=tracked,
        note=note, created_by=actor, created_at=at,
    )
    change_record_create(
        actor=actor, action="create", obj=conclusion,
        after={"meeting": str(meeting), "track_as": track_as,
               **snapshot(conclusion, ["order", "text", "lead_unit", "deadline", "deliverable"])},
    )
    events.conclusion_recorded(actor=actor, conclusion=conclusion)
    return conclusion
