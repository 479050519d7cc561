"""API: report builds (queued, run in the background, downloaded by whoever asked) and the Word
templates an administrator may replace; the same services and checks as the report pages."""

import datetime as dt
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from chidao.core.documents import DEFAULT_TEMPLATES
from chidao.core.errors import PermissionDenied
from chidao.core.http import AuthedRequest, stored_file_response
from chidao.core.signing import signing_notice
from chidao.programs import selectors as program_selectors
from chidao.reports import selectors as report_selectors
from chidao.reports import services
from chidao.reports.builders import CONTENT_TYPES, template_file
from chidao.reports.models import ReportJob, ReportTemplate, TemplateKind
from chidao.reports.permissions import can_manage_report_templates

from .common import READ_ERRORS, WRITE_ERRORS, ErrorOut, Pager
from .inputs import Date, Id, NotBool, Text, binary, choice_check, date_check

router = Router(tags=["reports"])

DOCX = CONTENT_TYPES["docx"]


class ReportParamsOut(Schema):
    """What the build was asked for: `year` (year-end), `period` (periodic), `as_of`, `unit_id` (dispatch)."""

    year: int | None = None
    period: str | None = None
    as_of: dt.date | None = None
    unit_id: int | None = None


def _params(raw: dict[str, Any]) -> dict[str, Any]:
    """The stored parameters (the page stores the unit as text) in their typed form."""
    out: dict[str, Any] = {}
    if isinstance(raw.get("year"), int):
        out["year"] = raw["year"]
    if raw.get("period"):
        out["period"] = str(raw["period"])
    try:
        out["as_of"] = dt.date.fromisoformat(str(raw["as_of"])) if raw.get("as_of") else None
    except ValueError:
        out["as_of"] = None
    unit = str(raw.get("unit") or "")
    if unit.isdecimal():
        out["unit_id"] = int(unit)
    return out


class ReportJobOut(Schema):
    """One build: `state` queued → running → done or failed; `progress` in percent; `error` when it failed."""

    id: int
    program_id: int
    kind: str
    format: str
    params: ReportParamsOut
    state: str
    progress: int
    message: str
    error: str | None
    filename: str
    downloadable: bool
    requested_at: dt.datetime
    finished_at: dt.datetime | None
    signature_notice: str = Field(description="Với báo cáo PDF: văn bản có được ký số bằng chứng thư số của cơ quan "
                                              "ban hành hay chưa (chưa cài chứng thư số); rỗng với định dạng khác")

    @staticmethod
    def resolve_params(obj: ReportJob) -> dict[str, Any]:
        return _params(obj.params if isinstance(obj.params, dict) else {})

    @staticmethod
    def resolve_error(obj: ReportJob) -> str | None:
        return obj.message if obj.state == ReportJob.State.FAILED else None

    @staticmethod
    def resolve_signature_notice(obj: ReportJob) -> str:
        return signing_notice() if obj.format == "pdf" else ""

    @staticmethod
    def resolve_downloadable(obj: ReportJob) -> bool:
        return obj.state == ReportJob.State.DONE and bool(obj.file)


class ReportJobFilters(Schema):
    program: Id | None = None
    kind: str = ""
    state: str = ""


class ReportRequestIn(Schema):
    """`year` for "year_end"; `period` (2021-Q4, 2021-M11, 2021-H1, 2021) for "periodic"; `unit_id` for
    "dispatch"; `as_of` (optional) for all but "periodic". Formats per kind as on the page."""

    kind: str
    format: str
    year: Annotated[int, Field(ge=1, le=9999), NotBool] | None = None
    period: Annotated[Text, Field(max_length=16)] = ""
    as_of: Date | None = None
    unit_id: Id | None = None


class ReportTemplateOut(Schema):
    """A Word template kind; `custom` when an administrator's replacement is in force."""

    kind: str
    label: str
    custom: bool
    original_name: str | None
    uploaded_by: str | None
    uploaded_at: dt.datetime | None


def _template_row(kind: str, custom: ReportTemplate | None) -> dict[str, Any]:
    return {
        "kind": kind, "label": str(TemplateKind(kind).label), "custom": custom is not None,
        "original_name": custom.original_name if custom else None,
        "uploaded_by": str(custom.uploaded_by) if custom else None,
        "uploaded_at": custom.uploaded_at if custom else None,
    }


def _require_admin(request: AuthedRequest) -> None:
    """The template pages' refusal for anyone but administrators."""
    if not can_manage_report_templates(request.user):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được thay mẫu văn bản."))


# --- Builds -------------------------------------------------------------------------------------------


@router.get("/report-jobs", response={200: list[ReportJobOut], **READ_ERRORS})
@paginate(Pager)
def report_jobs(request: AuthedRequest, filters: Query[ReportJobFilters]) -> Any:
    """The caller's own builds, newest first (nobody sees another's); filter by `program`, `kind`, `state`."""
    if filters.kind:
        choice_check("kind", filters.kind, ReportJob.Kind.values)
    if filters.state:
        choice_check("state", filters.state, ReportJob.State.values)
    return report_selectors.report_job_list(user=request.user, program_id=filters.program, kind=filters.kind,
                                            state=filters.state)


@router.post("/programs/{program_id}/report-jobs", response={201: ReportJobOut, **WRITE_ERRORS})
def report_request(request: AuthedRequest, program_id: int, payload: ReportRequestIn) -> Any:
    """Queue a build for a program the caller may open; parameters are checked now, the build runs in the background."""
    program = program_selectors.program_get(user=request.user, pk=program_id)
    choice_check("kind", payload.kind, ReportJob.Kind.values)
    choice_check("format", payload.format, ReportJob.Format.values)
    date_check("as_of", payload.as_of)
    params: dict[str, Any] = {}
    if payload.kind == ReportJob.Kind.YEAR_END:
        params["year"] = payload.year
    if payload.kind == ReportJob.Kind.PERIODIC:
        params["period"] = payload.period
    elif payload.as_of is not None:
        params["as_of"] = payload.as_of.isoformat()
    if payload.kind == ReportJob.Kind.DISPATCH:
        # As the page's picker: the dispatch goes to a unit that leads deliverables of the program.
        leads = payload.unit_id is not None and report_selectors.report_unit_leads(program=program,
                                                                                   unit_id=payload.unit_id)
        params["unit"] = str(payload.unit_id) if leads else ""
    job = services.report_job_request(actor=request.user, program=program, kind=payload.kind, fmt=payload.format,
                                      params=params)
    return HttpStatus(201, report_selectors.report_job_fresh(job=job))


@router.get("/report-jobs/{job_id}", response={200: ReportJobOut, **READ_ERRORS})
def report_job(request: AuthedRequest, job_id: int) -> Any:
    """One of the caller's builds with its state, progress and error (404 for anyone else's)."""
    return report_selectors.report_job_get(user=request.user, pk=job_id)


@router.get(
    "/report-jobs/{job_id}/file", response=READ_ERRORS,
    openapi_extra=binary("The built report.", *CONTENT_TYPES.values()),
)
def report_download(request: AuthedRequest, job_id: int) -> Any:
    """Download a finished build, only by whoever asked for it (404 otherwise or while not done)."""
    job = report_selectors.report_job_done_get(user=request.user, pk=job_id)
    return stored_file_response(job.file, job.filename, missing=_("Không tìm thấy báo cáo."),
                                mime=CONTENT_TYPES.get(job.format, "application/octet-stream"))


# --- Word templates (administrators) -----------------------------------------------------------------


@router.get("/report-templates", response={200: list[ReportTemplateOut], **READ_ERRORS, 403: ErrorOut})
@paginate(Pager)
def report_templates(request: AuthedRequest) -> Any:
    """The replaceable Word templates and whether a replacement is in force (administrators only)."""
    _require_admin(request)
    custom = report_selectors.report_templates_by_kind()
    return [_template_row(kind, custom.get(kind)) for kind in TemplateKind.values]


@router.post("/report-templates/{kind}", response={200: ReportTemplateOut, **WRITE_ERRORS})
def report_template_replace(request: AuthedRequest, kind: str, file: File[UploadedFile]) -> Any:
    """Replace a Word template with an uploaded .docx (multipart `file`); a template that fails to render is refused."""
    _require_admin(request)
    choice_check("kind", kind, TemplateKind.values)
    template = services.report_template_replace(actor=request.user, kind=kind, upload=file)
    return _template_row(kind, template)


@router.delete("/report-templates/{kind}", response={200: ReportTemplateOut, **WRITE_ERRORS})
def report_template_reset(request: AuthedRequest, kind: str) -> Any:
    """Go back to the default template of this kind (administrators only)."""
    _require_admin(request)
    choice_check("kind", kind, TemplateKind.values)
    services.report_template_reset(actor=request.user, kind=kind)
    return _template_row(kind, None)


@router.get(
    "/report-templates/{kind}/file", response={**READ_ERRORS, 403: ErrorOut},
    openapi_extra=binary("The Word template.", DOCX),
)
def report_template_download(request: AuthedRequest, kind: str, default: bool = False) -> Any:
    """The template in force (or the default with `default=true`), to edit in Word (administrators only)."""
    _require_admin(request)
    choice_check("kind", kind, TemplateKind.values)
    path = DEFAULT_TEMPLATES / f"{kind}.docx" if default else template_file(kind)
    return stored_file_response(path, f"{kind}.docx", missing=_("Không tìm thấy mẫu văn bản."), mime=DOCX)
