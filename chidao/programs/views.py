"""Pages: thin adapters over selectors (reads) and services (writes)."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chidao.core.errors import ConflictError, PermissionDenied, ValidationError
from chidao.core.forms import form_apply_errors, share_model_choices
from chidao.core.htmx import hx_redirect
from chidao.core.http import XLSX, AuthedRequest, file_response, import_page, stored_file_response
from chidao.core.keyset import BadCursor, bad_cursor_response, list_page, list_query

from . import excel, permissions, selectors, services
from .extension_forms import extension_section
from .forms import (
    AgendaItemForm,
    AsOfForm,
    ConclusionForm,
    DeliverableFilterForm,
    DeliverableForm,
    ExtensionForm,
    ImportForm,
    MeetingForm,
    MeetingPointForm,
    NoteForm,
    ProgramForm,
    TransitionForm,
)
from .inbox import has_inbox
from .models import DeadlineClass, Deliverable, Kind, Meeting, Note, Program, Status


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """Who may have work waiting (a lead officer, the office, a steering member) starts at "Việc của tôi"; anyone
    else at the program list, or at the one program they see."""
    if has_inbox(request.user):
        return redirect("inbox")
    programs = selectors.program_list(user=request.user)
    if programs.count() == 1:
        return redirect("program_dashboard", pk=programs.get().pk)
    return render(request, "programs/program_list.html", {"programs": programs})


@login_required
def program_list(request: AuthedRequest) -> HttpResponse:
    return render(request, "programs/program_list.html", {
        "programs": selectors.program_list(user=request.user),
        "can_manage": permissions.can_manage_programs(request.user)})


@login_required
def program_create(request: AuthedRequest) -> HttpResponse:
    if not permissions.can_manage_programs(request.user):
        raise PermissionDenied(_("Bạn không có quyền tạo chương trình."))
    form = ProgramForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            program = services.program_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, _("Đã tạo chương trình."))
            return redirect("program_dashboard", pk=program.pk)
    return render(request, "programs/program_form.html", {"form": form}, status=422 if form.errors else 200)


def _chart(title: str, prefix: str, color: str, items: list[tuple[str, str, int]]) -> dict[str, Any]:
    """A horizontal bar chart drawn as SVG (prints sharply): 150 px for the largest value."""
    top = max((v for _k, _l, v in items), default=0) or 1
    bars = [
        {"key": k, "label": label, "value": v, "y": 28 * i, "w": round(150 * v / top)}
        for i, (k, label, v) in enumerate(items)
    ]
    return {"title": title, "prefix": prefix, "color": color, "bars": bars, "height": 28 * len(items) + 6}


@login_required
def program_dashboard(request: AuthedRequest, pk: int) -> HttpResponse:
    program = selectors.program_get(user=request.user, pk=pk)
    form = AsOfForm(request.GET or None)
    as_of = form.cleaned_data["as_of"] if form.is_valid() and form.cleaned_data["as_of"] else None
    summary = selectors.program_summary(user=request.user, program=program, as_of=as_of)
    status_chart = _chart(_("Theo trạng thái"), "bar", "#1a4f8b", [
        ("completed", _("Đã hoàn thành"), summary.completed),
        ("awaiting", _("Đã hoàn thành dự thảo, đã trình"), summary.awaiting_approval),
        ("in_progress", _("Đang thực hiện"), summary.in_progress),
        ("not_started", _("Chưa triển khai"), summary.not_started),
        ("cancelled", _("Dừng"), summary.cancelled),
    ])
    class_chart = _chart(_("Tiến độ so với thời hạn"), "class", "#a3191f",
                         [(c.value, str(c.label), summary.deadline_classes[c.value]) for c in DeadlineClass])
    return render(request, "programs/dashboard.html", {
        "program": program, "summary": summary, "form": form, "status_chart": status_chart,
        "class_chart": class_chart, "paragraph": selectors.summary_paragraph(summary),
        "by_kind": [(str(k.label), summary.by_kind.get(k.value, 0)) for k in Kind],
        "by_status": [(str(s.label), summary.by_status.get(s.value, 0)) for s in Status],
        "scoped": not request.user.reads_all,
    })


def _filters(request: AuthedRequest, program_units: Any) -> tuple[DeliverableFilterForm, selectors.DeliverableFilters]:
    form = DeliverableFilterForm(request.GET or None, units=program_units)
    return form, form.filters()


@login_required
def deliverable_list(request: AuthedRequest, pk: int) -> HttpResponse:
    program = selectors.program_get(user=request.user, pk=pk)
    units = selectors.program_lead_units(program=program)
    form, filters = _filters(request, units)
    qs = selectors.deliverable_list(user=request.user, program=program, filters=filters)
    if request.GET.get("format") == "xlsx":
        data = excel.deliverables_export(program=program, deliverables=qs)
        return file_response(data, f"noi-dung-{program.pk}-{timezone.localdate():%Y%m%d}.xlsx", XLSX)
    try:  # numbered first pages, then cursors on (code, id): a deep page reads no skipped row
        page = list_page(request, qs, keys=("code", "id"), name=f"deliverables-{program.pk}",
                         per_page=settings.CHIDAO_PAGE_SIZE)
    except BadCursor as exc:
        return bad_cursor_response(request, exc)
    context = {
        "program": program, "form": form, "page": page, "query": list_query(request),
        "today": timezone.localdate(), "can_manage": permissions.can_manage_programs(request.user),
    }
    if request.htmx:
        return render(request, "programs/deliverable_list.html#results", context)
    return render(request, "programs/deliverable_list.html", context)


def _detail_context(request: AuthedRequest, deliverable: Deliverable, **forms: Any) -> dict[str, Any]:
    user = request.user
    choices = permissions.allowed_transitions(user, deliverable)
    note_kinds = [k for k, ok in (
        (Note.Kind.PROGRESS, permissions.can_report_progress(user, deliverable)),
        (Note.Kind.COMMENT, permissions.can_comment(user)),
        (Note.Kind.DIRECTIVE, permissions.can_direct(user)),
    ) if ok]
    klass = selectors.deadline_class(
        status=deliverable.status, deadline=deliverable.deadline, completed_on=deliverable.completed_on,
        as_of=timezone.localdate())
    return {
        "d": deliverable, "program": deliverable.program,
        "history": selectors.deliverable_history(deliverable=deliverable),
        "today": timezone.localdate(),
        "deadline_class": klass, "deadline_class_label": DeadlineClass(klass).label if klass else "",
        "can_edit": permissions.can_edit_deliverable(user, deliverable),
        "can_manage": permissions.can_manage_programs(user),
        "transition_form": forms.get("transition_form") or (
            TransitionForm(choices=choices, initial={"version": deliverable.version}) if choices else None),
        "note_form": forms.get("note_form") or (NoteForm(kinds=note_kinds) if note_kinds else None),
        "extension_form": forms.get("extension_form") or ExtensionForm(
            prefix="ext", initial={"version": deliverable.version}),
        **extension_section(user, deliverable, **forms),
    }


@login_required
def deliverable_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    deliverable = selectors.deliverable_get(user=request.user, pk=pk)
    return render(request, "programs/deliverable_detail.html", _detail_context(request, deliverable))


def _editable_fields(request: AuthedRequest) -> frozenset[str]:
    return services.OFFICE_EDITABLE if permissions.can_manage_programs(request.user) else services.LEAD_EDITABLE


@login_required
def deliverable_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    deliverable = selectors.deliverable_get(user=request.user, pk=pk)
    if not permissions.can_edit_deliverable(request.user, deliverable):
        raise PermissionDenied(_("Bạn không có quyền sửa nội dung này."))
    editable = _editable_fields(request)
    if request.method == "POST":
        form = DeliverableForm(request.POST, editable=editable)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version, reason = data.pop("version"), data.pop("reason")
            try:
                services.deliverable_update(
                    actor=request.user, deliverable=deliverable, expected_version=version, reason=reason, **data
                )
            except ValidationError as exc:
                form_apply_errors(form, exc)
            except ConflictError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Đã lưu thay đổi."))
                return _redirect_detail(request, deliverable)
    else:
        form = DeliverableForm(editable=editable, initial={
            "version": deliverable.version, "code": deliverable.code, "kind": deliverable.kind,
            "title": deliverable.title, "description": deliverable.description,
            "lead_unit": deliverable.lead_unit_id,
            "coordinating_units": list(deliverable.coordinating_units.values_list("pk", flat=True)),
            "responsible_leader": deliverable.responsible_leader,
            "original_deadline": deliverable.original_deadline,
        })
    template = "programs/deliverable_edit.html#edit-form" if request.htmx else "programs/deliverable_edit.html"
    return render(request, template, {"d": deliverable, "form": form})


@login_required
def deliverable_create(request: AuthedRequest, pk: int) -> HttpResponse:
    """The office assigns a new deliverable to a lead unit."""
    program = selectors.program_get(user=request.user, pk=pk)
    if not permissions.can_manage_programs(request.user):
        raise PermissionDenied(_("Bạn không có quyền giao nội dung."))
    form = DeliverableForm(request.POST or None, editable=services.OFFICE_EDITABLE | {"description"})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        data.pop("reason", None)
        try:
            created = services.deliverable_create(actor=request.user, program=program, **data)
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, _("Đã giao nội dung %(code)s.") % {"code": created.code})
            return redirect("deliverable_detail", pk=created.pk)
    return render(request, "programs/deliverable_create.html", {"program": program, "form": form},
                  status=422 if form.errors else 200)


def _redirect_detail(request: AuthedRequest, deliverable: Deliverable) -> HttpResponse:
    return hx_redirect(request, reverse("deliverable_detail", args=[deliverable.pk]))


def _partial_or_page(request: AuthedRequest, deliverable: Deliverable, partial: str, **forms: Any) -> HttpResponse:
    context = _detail_context(request, deliverable, **forms)
    if request.htmx:
        return render(request, f"programs/deliverable_detail.html#{partial}", context, status=422)
    return render(request, "programs/deliverable_detail.html", context, status=422)


@login_required
@require_POST
def deliverable_transition(request: AuthedRequest, pk: int) -> HttpResponse:
    deliverable = selectors.deliverable_get(user=request.user, pk=pk)
    # As the API: a role that never moves it gets 403.
    if not permissions.can_edit_deliverable(request.user, deliverable):
        raise PermissionDenied(_("Bạn không có quyền chuyển trạng thái nội dung này."))
    choices = permissions.allowed_transitions(request.user, deliverable)
    form = TransitionForm(request.POST, request.FILES, choices=choices or [deliverable.status])
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.deliverable_transition_with_file(
                actor=request.user, deliverable=deliverable, to_status=data["to_status"], file=data["file"],
                expected_version=data["version"], reason=data["reason"], doc_number=data["doc_number"],
                doc_date=data["doc_date"],
            )
        except ValidationError as exc:
            form_apply_errors(form, exc)
        except ConflictError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Đã chuyển trạng thái sang “%(s)s”.") % {"s": Status(data["to_status"]).label})
            return _redirect_detail(request, deliverable)
    return _partial_or_page(request, deliverable, "transition", transition_form=form)


@login_required
@require_POST
def deliverable_extend(request: AuthedRequest, pk: int) -> HttpResponse:
    deliverable = selectors.deliverable_get(user=request.user, pk=pk)
    form = ExtensionForm(request.POST, prefix="ext")
    if form.is_valid():
        try:
            services.deliverable_extend_deadline(
                actor=request.user, deliverable=deliverable, expected_version=form.cleaned_data["version"],
                new_deadline=form.cleaned_data["new_deadline"], approved_by=form.cleaned_data["approved_by"],
                approved_on=form.cleaned_data["approved_on"], reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form_apply_errors(form, exc)
        except ConflictError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Đã ghi nhận gia hạn."))
            return _redirect_detail(request, deliverable)
    return _partial_or_page(request, deliverable, "extension", extension_form=form)


@login_required
@require_POST
def deliverable_note(request: AuthedRequest, pk: int) -> HttpResponse:
    deliverable = selectors.deliverable_get(user=request.user, pk=pk)
    form = NoteForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.note_add(
                actor=request.user, deliverable=deliverable, kind=data["kind"], text=data["text"],
                percent=data["percent"], due_on=data["due_on"],
                files=[data["attachment"]] if data["attachment"] else [],
            )
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận."))
            return _redirect_detail(request, deliverable)
    return _partial_or_page(request, deliverable, "note", note_form=form)


@login_required
def attachment_download(request: AuthedRequest, pk: int) -> FileResponse:
    attachment = selectors.attachment_get(user=request.user, pk=pk)
    return stored_file_response(attachment.file, attachment.original_name, missing=_("Không tìm thấy tệp."))


@login_required
def deliverable_import(request: AuthedRequest, pk: int) -> HttpResponse:
    program = selectors.program_get(user=request.user, pk=pk)
    if not permissions.can_manage_programs(request.user):
        raise PermissionDenied(_("Bạn không có quyền nhập danh mục nội dung."))
    result = None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        result = excel.deliverables_import(actor=request.user, program=program, file=form.cleaned_data["file"])
        if result.ok:
            messages.success(request, _("Đã nhập %(n)s nội dung.") % {"n": len(result.created)})
            return redirect("deliverable_list", pk=program.pk)
    return import_page(request, "programs/import.html", form, result, context={"program": program})


@login_required
def import_template(request: AuthedRequest) -> HttpResponse:
    return file_response(excel.import_template(), "mau-nhap-noi-dung.xlsx", XLSX)



# --- Meetings and conclusions ---------------------------------------------------------------------


@login_required
def meeting_list(request: AuthedRequest, pk: int) -> HttpResponse:
    """The program's meetings; the office records a new one on the same page."""
    program = selectors.program_get(user=request.user, pk=pk)
    can_manage = permissions.can_manage_programs(request.user)
    form = MeetingForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Chỉ cơ quan thường trực ghi nhận hội nghị, cuộc họp và kết luận."))
        if form.is_valid():
            try:
                meeting = services.meeting_create(actor=request.user, program=program, **form.cleaned_data)
            except ValidationError as exc:
                form_apply_errors(form, exc)
            else:
                messages.success(request, _("Đã ghi nhận hội nghị, cuộc họp."))
                return hx_redirect(request, reverse("meeting_detail", args=[meeting.pk]))
    context = {"program": program, "meetings": selectors.meeting_list(user=request.user, program=program),
               "form": form, "can_manage": can_manage}
    status = 422 if form is not None and form.errors else 200
    if request.htmx and request.method == "POST":
        return render(request, "programs/meeting_list.html#meeting-form", context, status=status)
    return render(request, "programs/meeting_list.html", context, status=status)


def _meeting_context(request: AuthedRequest, meeting: Meeting, **forms: Any) -> dict[str, Any]:
    program: Program = meeting.program
    can_manage = permissions.can_manage_programs(request.user)
    deliverables = _program_deliverables(request, meeting)
    context: dict[str, Any] = {
        "meeting": meeting, "program": program, "can_manage": can_manage,
        "points": selectors.meeting_points_by_kind(meeting),
    }
    if can_manage:
        context |= {
            "agenda_form": forms.get("agenda_form") or AgendaItemForm(prefix="agenda", deliverables=deliverables),
            "point_form": forms.get("point_form") or MeetingPointForm(prefix="point"),
            "conclusion_form": forms.get("conclusion_form") or ConclusionForm(prefix="kl", deliverables=deliverables),
        }
        # The agenda and conclusion forms pick from the same deliverables and units: one query each, not two.
        agenda, conclusion = context["agenda_form"], context["conclusion_form"]
        share_model_choices(agenda.fields["deliverables"], conclusion.fields["deliverable"])
        share_model_choices(agenda.fields["units"], conclusion.fields["lead_unit"])
    return context


@login_required
def meeting_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    return render(request, "programs/meeting_detail.html", _meeting_context(request, meeting))


def _meeting_form_failed(request: AuthedRequest, meeting: Meeting, partial: str, **forms: Any) -> HttpResponse:
    context = _meeting_context(request, meeting, **forms)
    template = f"programs/meeting_detail.html#{partial}" if request.htmx else "programs/meeting_detail.html"
    return render(request, template, context, status=422)


def _meeting_manager(request: AuthedRequest, pk: int) -> Meeting:
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    if not permissions.can_manage_programs(request.user):
        raise PermissionDenied(_("Chỉ cơ quan thường trực ghi nhận hội nghị, cuộc họp và kết luận."))
    return meeting


def _program_deliverables(request: AuthedRequest, meeting: Meeting) -> Any:
    return selectors.program_deliverables(user=request.user, program_id=meeting.program_id)


@login_required
@require_POST
def meeting_agenda_add(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = _meeting_manager(request, pk)
    form = AgendaItemForm(request.POST, prefix="agenda", deliverables=_program_deliverables(request, meeting))
    if form.is_valid():
        try:
            services.agenda_item_add(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm nội dung họp."))
            return hx_redirect(request, reverse("meeting_detail", args=[meeting.pk]))
    return _meeting_form_failed(request, meeting, "agenda-form", agenda_form=form)


@login_required
@require_POST
def meeting_point_add(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = _meeting_manager(request, pk)
    form = MeetingPointForm(request.POST, prefix="point")
    if form.is_valid():
        try:
            services.meeting_point_add(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận ý kiến."))
            return hx_redirect(request, reverse("meeting_detail", args=[meeting.pk]))
    return _meeting_form_failed(request, meeting, "point-form", point_form=form)


@login_required
@require_POST
def meeting_conclusion_add(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = _meeting_manager(request, pk)
    form = ConclusionForm(request.POST, prefix="kl", deliverables=_program_deliverables(request, meeting))
    if form.is_valid():
        data = dict(form.cleaned_data)
        if data["track_as"] == services.TRACK_AS_DELIVERABLE:
            data["deliverable"] = None
        try:
            conclusion = services.conclusion_add(actor=request.user, meeting=meeting, **data)
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận kết luận, theo dõi tại nội dung %(code)s.") % {
                "code": conclusion.deliverable.code})
            return hx_redirect(request, reverse("meeting_detail", args=[meeting.pk]))
    return _meeting_form_failed(request, meeting, "conclusion-form", conclusion_form=form)
