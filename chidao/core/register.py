"""The register of outgoing documents (sổ văn bản đi) and the signers of each issuing body.

Issuing bodies. An `Issuer` is a unit plus the code printed after the document type: the unit itself ("UBND",
"TU"), or a body working under it with its own numbering — a program's steering committee is the program's
issuing unit with the code "BCĐ" (`STEERING_CODE`). The format of the number line (Party or State) follows the
unit's kind (`documents.document_format`).

Numbers. `document_issue` takes the next number per (issuer, year, type) from a counter row locked with
select_for_update inside the transaction that writes the register entry; the unique constraint (issuer, year, type,
number) is the last word, so a number is never given twice even under concurrent issuing. Numbers restart at 1
each calendar year.
"""

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import OperationalError, connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import change_record_create, snapshot
from .documents import document_format, number_text
from .errors import PermissionDenied, ValidationError
from .models import (
    DocumentCounter,
    DocumentType,
    Issuer,
    OutgoingDocument,
    Role,
    Signer,
    SignForm,
    Unit,
    User,
)
from .permissions import can_manage_signers, can_read_register  # noqa: F401 (re-exported)
from .reference import user_role_subtree_ids
from .text import fold, nfc, search_terms

STEERING_CODE = "BCĐ"
ISSUER_FIELDS = ("unit", "code", "name", "active")
SIGNER_FIELDS = ("form", "body", "title", "deputy_title", "name", "active", "order")
DOCUMENT_FIELDS = ("issuer", "year", "type_code", "number", "number_text", "title", "issued_on", "signer_text")
LOCKED_ATTEMPTS = 50
WRITE_ROLES = tuple(role for role in Role.values if role != Role.AUDITOR)


# --- permissions ------------------------------------------------------------------------------------------


def _sees_all(user: User) -> bool:
    return bool(user.is_superuser or user.has_role(Role.ADMIN, Role.OFFICE))


def can_issue_for(user: User, issuer: Issuer) -> bool:
    """Administrators and the standing office issue for any body; another writing role for the bodies in the
    subtrees of its units (a personnel office publishing its agency's rotation plan)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if _sees_all(user):
        return True
    return issuer.unit_id in user_role_subtree_ids(user, *WRITE_ROLES)


def issuers_visible(user: User) -> models.QuerySet[Issuer]:
    if not (user.is_authenticated and user.is_active):
        return Issuer.objects.none()
    if _sees_all(user):
        return Issuer.objects.all()
    return Issuer.objects.filter(unit_id__in=user_role_subtree_ids(user, *Role.values))


def documents_visible(user: User) -> models.QuerySet[OutgoingDocument]:
    if not (user.is_authenticated and user.is_active):
        return OutgoingDocument.objects.none()
    qs = OutgoingDocument.objects.select_related("issuer__unit", "issued_by", "signer")
    if _sees_all(user):
        return qs
    return qs.filter(issuer__unit_id__in=user_role_subtree_ids(user, *Role.values))


# --- issuing bodies and signers ---------------------------------------------------------------------------


def issuer_format(issuer: Issuer) -> str:
    return document_format(issuer.unit.kind)


def _clean(text: str) -> str:
    return " ".join(nfc(text or "").split())


@transaction.atomic
def issuer_ensure(*, actor: User | None, unit: Unit, code: str, name: str) -> Issuer:
    """The issuing body (unit, code), created on first use (a steering committee issuing its first report)."""
    code = _clean(code)
    found = Issuer.objects.filter(unit=unit, code=code).select_related("unit").first()
    if found is not None:
        return found
    issuer, created = Issuer.objects.get_or_create(unit=unit, code=code, defaults={"name": _clean(name)[:255]})
    if created:
        change_record_create(actor=actor, action="create", obj=issuer, after=snapshot(issuer, ISSUER_FIELDS),
                             reason=_("Cơ quan ban hành dùng lần đầu"))
    return issuer


def unit_issuer_code(unit: Unit) -> str:
    """The abbreviation a unit issues under by default: its short name without spaces, else its code."""
    return "".join((unit.short_name or unit.code).split())[:32]


@transaction.atomic
def issuer_create(*, actor: User, unit: Unit, code: str, name: str) -> Issuer:
    if not can_manage_signers(actor):
        raise PermissionDenied(_("Chỉ quản trị hệ thống hoặc cơ quan thường trực được quản lý người ký."))
    code, name = _clean(code), _clean(name)
    errors = {}
    if not code:
        errors["code"] = _("Nhập ký hiệu cơ quan ban hành.")
    if not name:
        errors["name"] = _("Nhập tên cơ quan ban hành.")
    if code and Issuer.objects.filter(unit=unit, code=code).exists():
        errors["code"] = _("Đơn vị này đã có cơ quan ban hành ký hiệu “%(c)s”.") % {"c": code}
    if errors:
        raise ValidationError(errors)
    issuer = Issuer.objects.create(unit=unit, code=code, name=name[:255])
    change_record_create(actor=actor, action="create", obj=issuer, after=snapshot(issuer, ISSUER_FIELDS))
    return issuer


def _signer_check(form: str, body: str, title: str, deputy_title: str, name: str) -> None:
    errors = {}
    if form not in SignForm.values:
        errors["form"] = _("Hình thức ký không hợp lệ.")
    if form == SignForm.ON_BEHALF and not body:
        errors["body"] = _("Ký T/M cần tên tập thể, ví dụ “BAN CHỈ ĐẠO”.")
    if form in (SignForm.DEPUTY, SignForm.BY_ORDER) and not deputy_title:
        errors["deputy_title"] = _("Ký K/T hoặc T/L cần chức danh của người ký thay, thừa lệnh.")
    if not title:
        errors["title"] = _("Nhập chức danh.")
    if not name:
        errors["name"] = _("Nhập họ và tên người ký.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def signer_create(*, actor: User, issuer: Issuer, form: str, body: str, title: str, deputy_title: str = "",
                  name: str, active: bool = True, order: int = 0) -> Signer:
    if not can_manage_signers(actor):
        raise PermissionDenied(_("Chỉ quản trị hệ thống hoặc cơ quan thường trực được quản lý người ký."))
    body, title, deputy_title, name = (_clean(v) for v in (body, title, deputy_title, name))
    _signer_check(form, body, title, deputy_title, name)
    signer = Signer.objects.create(issuer=issuer, form=form, body=body, title=title, deputy_title=deputy_title,
                                   name=name, active=active, order=order)
    change_record_create(actor=actor, action="create", obj=signer, after=snapshot(signer, SIGNER_FIELDS))
    return signer


@transaction.atomic
def signer_update(*, actor: User, signer: Signer, form: str, body: str, title: str, deputy_title: str = "",
                  name: str, active: bool = True, order: int = 0) -> Signer:
    if not can_manage_signers(actor):
        raise PermissionDenied(_("Chỉ quản trị hệ thống hoặc cơ quan thường trực được quản lý người ký."))
    body, title, deputy_title, name = (_clean(v) for v in (body, title, deputy_title, name))
    _signer_check(form, body, title, deputy_title, name)
    locked = Signer.objects.select_for_update().get(pk=signer.pk)
    before = snapshot(locked, SIGNER_FIELDS)
    for key, value in {"form": form, "body": body, "title": title, "deputy_title": deputy_title, "name": name,
                       "active": active, "order": order}.items():
        setattr(locked, key, value)
    locked.save()
    change_record_create(actor=actor, action="update", obj=locked, before=before,
                         after=snapshot(locked, SIGNER_FIELDS))
    signer.refresh_from_db()
    return signer


def signer_block(signer: Signer | None) -> dict[str, str]:
    """The signature block's context contract for the document templates: {"form", "body", "title",
    "deputy_title", "name"}. T/M: form "T/M", body the collective ("BAN CHỈ ĐẠO"), title the head's
    ("TRƯỞNG BAN"). K/T and T/L: body empty, title the head's ("TRƯỞNG BAN"), deputy_title who signs
    ("PHÓ TRƯỞNG BAN", "CHÁNH VĂN PHÒNG"). No signer: every value blank."""
    if signer is None:
        return {"form": "", "body": "", "title": "", "deputy_title": "", "name": ""}
    return {"form": signer.form, "body": signer.body if signer.form == SignForm.ON_BEHALF else "",
            "title": signer.title, "deputy_title": signer.deputy_title if signer.form else "", "name": signer.name}


def signer_default(issuer: Issuer) -> Signer | None:
    """The issuing body's first active signer (by order), the one a draft shows."""
    return issuer.signers.filter(active=True).order_by("order", "id").first()


def signers_of(issuer: Issuer) -> list[Signer]:
    return list(issuer.signers.order_by("order", "id"))


# --- issuing ----------------------------------------------------------------------------------------------


def _next_number(issuer: Issuer, year: int, type_code: str) -> int:
    """The next number, the counter row locked till the transaction ends (created first if missing: a racing
    creation loses on the counter's unique constraint and locks the winner's row)."""
    DocumentCounter.objects.get_or_create(issuer=issuer, year=year, type_code=type_code)
    counter = DocumentCounter.objects.select_for_update().get(issuer=issuer, year=year, type_code=type_code)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def document_issue(*, actor: User, issuer: Issuer, type_code: str, title: str, obj: models.Model | None = None,
                   signer: Signer | None = None, on: dt.date | None = None) -> OutgoingDocument:
    """Enter a document in the register with the next number of (issuer, year, type); the number is never given
    twice (the counter row is locked while it is taken; the unique constraint is the last word)."""
    if not can_issue_for(actor, issuer):
        raise PermissionDenied(_("Bạn không có quyền ban hành văn bản của “%(n)s”.") % {"n": issuer.name})
    if type_code not in DocumentType.values:
        raise ValidationError({"type_code": _("Loại văn bản không hợp lệ.")})
    title = _clean(title)
    if not title:
        raise ValidationError({"title": _("Nhập trích yếu của văn bản.")})
    if signer is not None and (signer.issuer_id != issuer.pk or not signer.active):
        raise ValidationError({"signer": _("Người ký không thuộc cơ quan ban hành này hoặc đã thôi.")})
    on = on or timezone.localdate()
    for attempt in range(1, LOCKED_ATTEMPTS + 1):
        try:
            return _document_write(actor=actor, issuer=issuer, type_code=type_code, title=title, obj=obj,
                                   signer=signer, on=on)
        except OperationalError as exc:
            # SQLite's shared-cache databases answer "table is locked" at once instead of waiting (busy_timeout
            # does not apply): try again, but only when this is the outermost transaction (nothing to undo).
            if connection.in_atomic_block or "locked" not in str(exc) or attempt == LOCKED_ATTEMPTS:
                raise
            time.sleep(0.02 * attempt)
    raise AssertionError("unreachable")


@transaction.atomic
def _document_write(*, actor: User, issuer: Issuer, type_code: str, title: str, obj: models.Model | None,
                    signer: Signer | None, on: dt.date) -> OutgoingDocument:
    number = _next_number(issuer, on.year, type_code)
    line = number_text(issuer_format(issuer), number, type_code, issuer.code)
    signer_text = " ".join(v for v in signer_block(signer).values() if v)
    doc = OutgoingDocument.objects.create(
        issuer=issuer, year=on.year, type_code=type_code, number=number, number_text=line, title=title,
        issued_on=on, issued_by=actor, signer=signer, signer_text=signer_text[:300],
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        search_text=fold(" ".join((line, title, issuer.name, issuer.code, signer_text)))[:1000],
    )
    change_record_create(actor=actor, action="document_issue", obj=doc, after=snapshot(doc, DOCUMENT_FIELDS))
    return doc


def draft_number(issuer_unit: Unit, type_code: str, issuer_code: str) -> str:
    """The number line of a draft: the number left blank for the clerk."""
    return number_text(document_format(issuer_unit.kind), None, type_code, issuer_code)


def document_context(*, document: OutgoingDocument | None, unit: Unit, type_code: str, issuer_code: str,
                     draft_signer: Signer | None = None) -> dict[str, Any]:
    """What the register gives a document template (`documents.document_fields` lays it over the issuer's
    defaults): `doc_format` ("party"/"state"), `number` (the number line; blank for a draft), `number_value`
    (None for a draft), `draft`, `signer` (`signer_block`, or None: the template's default head title)."""
    if document is not None:
        return {"doc_format": document_format(document.issuer.unit.kind), "number": document.number_text,
                "number_value": document.number, "draft": False,
                "signer": signer_block(document.signer) if document.signer is not None else None}
    return {"doc_format": document_format(unit.kind), "number": draft_number(unit, type_code, issuer_code),
            "number_value": None, "draft": True,
            "signer": signer_block(draft_signer) if draft_signer is not None else None}


# --- reading the register ---------------------------------------------------------------------------------


@dataclass
class RegisterFilters:
    q: str = ""
    issuer: int | None = None
    year: int | None = None
    type_code: str = ""


def document_list(*, user: User, filters: RegisterFilters) -> models.QuerySet[OutgoingDocument]:
    """The register as the user may read it, searched without diacritics (number, trích yếu, body, signer)."""
    qs = documents_visible(user)
    for word in search_terms(filters.q):
        qs = qs.filter(search_text__contains=word)
    if filters.issuer:
        qs = qs.filter(issuer_id=filters.issuer)
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.type_code:
        qs = qs.filter(type_code=filters.type_code)
    return qs.order_by("-issued_on", "-id")


def document_years(*, user: User) -> list[int]:
    return sorted(set(documents_visible(user).values_list("year", flat=True)), reverse=True)


def document_for(obj: models.Model) -> OutgoingDocument | None:
    """The register entry of an object (a report build, a rotation round), if it was issued."""
    return OutgoingDocument.objects.select_related("issuer__unit", "signer").filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)).order_by("-id").first()


def document_export(*, user: User, filters: RegisterFilters) -> bytes:
    """The register (filtered as on the page) as an Excel workbook."""
    import io

    from openpyxl import Workbook

    from .excel import write_table

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("Sổ văn bản đi")[:31]
    rows = [(d.number_text, d.issued_on, d.get_type_code_display(), d.title, d.issuer.name, d.signer_text,
             str(d.issued_by)) for d in document_list(user=user, filters=filters)[:20000]]
    write_table(ws, title_lines=[_("SỔ VĂN BẢN ĐI")], headers=[
        _("Số, ký hiệu"), _("Ngày ban hành"), _("Loại văn bản"), _("Trích yếu"), _("Cơ quan ban hành"),
        _("Người ký"), _("Người vào sổ")], rows=rows, widths=[20, 14, 14, 60, 30, 30, 20])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def issuer_options(user: User) -> list[tuple[int, str]]:
    return [(i.pk, str(i)) for i in issuers_visible(user).filter(Q(active=True) | Q(documents__isnull=False))
            .distinct().order_by("name", "code")]
