"""The plan of a round (`/luan-chuyen/<pk>/phuong-an/...`): thin views over `plan.py`.

The round page includes `rotation/_plan.html`, which loads the plan partial by htmx; every button posts
to a view here that answers the re-rendered partial (htmx) or redirects to the round page. Those who
manage no cadre records get 403; a round outside the user's scope answers 404.

URL patterns of this module are collected by rotation/urls.py.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from chidao.core.errors import ValidationError
from chidao.core.forms import date_field
from chidao.core.htmx import error_messages, form_failure
from chidao.core.http import DOCX, PDF, AuthedRequest, file_response
from chidao.personnel.models import Position

from . import plan, selectors
from .forms import MoverPicker, PostPicker
from .models import Move, RotationRound

PARTIAL = "rotation/plan_partial.html"
CHECK = "rotation/_move_check.html"
PLAN_PAGE_SIZE = 50  # moves per page (a city-wide round proposes tens of thousands)
DOCUMENT_TYPES = {"docx": DOCX, "pdf": PDF}


class ApproveForm(forms.Form):
    decision_number = forms.CharField(label=gettext_lazy("Số quyết định phê duyệt"), max_length=64)


class PublishForm(forms.Form):
    effective_on = date_field(gettext_lazy("Ngày có hiệu lực"))


class MoveEditForm(forms.Form):
    # An option's position id, "other" (then position_id: the post picker's value), or "none" (not placed).
    choice = forms.CharField(max_length=20)
    position_id = forms.IntegerField(required=False, min_value=1)
    reason = forms.CharField(max_length=2000, required=False)


class MoveSwapForm(forms.Form):
    other = forms.IntegerField(min_value=1)  # the other move's id (the person picker's value)
    reason = forms.CharField(max_length=2000, required=False)


def _target(form: MoveEditForm) -> tuple[Position | None, list[str]]:
    """The post a valid edit form names (None: not placed), or why it names none."""
    choice = form.cleaned_data["choice"]
    raw = form.cleaned_data["position_id"] if choice == "other" else (None if choice == "none" else choice)
    if choice == "other" and raw is None:
        return None, [_("Gõ tên chức danh để tìm rồi chọn.")]
    if raw is None:
        return None, []
    position = selectors.move_target_find(pk=raw)
    if position is None:
        return None, [_("Không có chức danh mã %(p)s.") % {"p": raw or ""}]
    return position, []


def _render(request: AuthedRequest, rnd: RotationRound, *, errors: list[str] | None = None,
            edit_errors: dict[int, list[str]] | None = None) -> HttpResponse:
    """The plan partial; with errors it answers 422 (htmx swaps 422 too, see base.html)."""
    view = plan.plan_get(user=request.user, round=rnd, page=request.GET.get("page"), per_page=PLAN_PAGE_SIZE)
    for row in view.rows:
        row.errors = (edit_errors or {}).get(row.move.pk, [])
        if view.can_edit:
            pk = row.move.pk
            row.widgets = {
                "post": PostPicker(round_pk=rnd.pk, move_pk=pk).render(
                    "position_id", None, attrs={"id": f"post-{pk}", "data-show-when": "choice=other"}),
                "swap": MoverPicker(round_pk=rnd.pk, move_pk=pk).render("other", None, attrs={"id": f"swap-{pk}"}),
            }
    return form_failure(request, PARTIAL, {
        "round": view.round, "plan": view, "errors": errors or [],
        "approve_form": ApproveForm(), "publish_form": PublishForm(),
        "today": timezone.localdate(),
    }, failed=bool(errors or edit_errors))


def _answer(request: AuthedRequest, rnd: RotationRound, *, errors: list[str], done: str) -> HttpResponse:
    """htmx: the partial again, with the errors (status 422, as every form that fails).
    A plain form post: back to the round page with a message."""
    if request.htmx:
        return _render(request, rnd, errors=errors)
    if errors:
        messages.error(request, " ".join(errors))
    else:
        messages.success(request, done)
    return redirect("round_detail", pk=rnd.pk)


@login_required
def rotation_plan(request: AuthedRequest, pk: int) -> HttpResponse:
    """The plan partial: solver figures, progress (polled while solving), moves, buttons."""
    rnd = plan.plan_round_get(user=request.user, pk=pk)
    return _render(request, rnd)


@login_required
@require_POST
def rotation_plan_request(request: AuthedRequest, pk: int) -> HttpResponse:
    rnd = plan.plan_round_get(user=request.user, pk=pk)
    errors: list[str] = []
    try:
        plan.plan_request(actor=request.user, round=rnd)
    except ValidationError as exc:
        errors = error_messages(exc)
    return _answer(request, rnd, errors=errors, done=_("Đã đưa vào hàng đợi lập phương án."))


@login_required
@require_POST
def rotation_move_edit(request: AuthedRequest, pk: int, move_pk: int) -> HttpResponse:
    rnd = plan.plan_round_get(user=request.user, pk=pk)
    move = selectors.plan_move_get(round=rnd, pk=move_pk)
    form = MoveEditForm(request.POST)
    errors: list[str] = []
    if not form.is_valid():
        errors = [_("Chọn chức danh đến.")]
    else:
        position, errors = _target(form)
        if not errors:
            try:
                plan.move_edit(actor=request.user, move=move, to_position=position,
                               reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                errors = error_messages(exc)
    if request.htmx:
        return _render(request, rnd, edit_errors={move.pk: errors} if errors else None)
    return _answer(request, rnd, errors=errors, done=_("Đã điều chỉnh đề xuất."))


@login_required
@require_GET
def rotation_move_check(request: AuthedRequest, pk: int, move_pk: int) -> HttpResponse:
    """Before a hand edit is saved (htmx GET when a post is chosen): every rule it would break
    (`plan.move_check`), or that it breaks none."""
    rnd = plan.plan_round_get(user=request.user, pk=pk)
    move = selectors.plan_move_get(round=rnd, pk=move_pk)
    form = MoveEditForm(request.GET)
    violations: list[str] = []
    prompt: list[str] = []
    if not form.is_valid():
        prompt = [_("Chọn chức danh đến.")]
    else:
        position, prompt = _target(form)
        if not prompt:
            violations = plan.move_check(user=request.user, move=move, to_position=position)
    return render(request, CHECK, {"move": move, "violations": violations, "prompt": prompt})


@login_required
@require_POST
def rotation_move_swap(request: AuthedRequest, pk: int, move_pk: int) -> HttpResponse:
    """Swap the proposed posts of this move's person and another person of the plan (`plan.move_swap`)."""
    rnd = plan.plan_round_get(user=request.user, pk=pk)
    move = selectors.plan_move_get(round=rnd, pk=move_pk)
    form = MoveSwapForm(request.POST)
    errors: list[str] = []
    if not form.is_valid():
        errors = [_("Chọn người để đổi chỗ.")]
    else:
        other = Move.objects.filter(round=rnd, pk=form.cleaned_data["other"]).first()
        if other is None:
            errors = [_("Người này không có trong phương án của đợt.")]
        else:
            try:
                plan.move_swap(actor=request.user, round=rnd, first=move, second=other,
                               reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                errors = error_messages(exc)
    if request.htmx:
        return _render(request, rnd, edit_errors={move.pk: errors} if errors else None)
    return _answer(request, rnd, errors=errors, done=_("Đã đổi chỗ hai người trong phương án."))


@login_required
@require_POST
def rotation_plan_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    rnd = plan.plan_round_get(user=request.user, pk=pk)
    form = ApproveForm(request.POST)
    errors: list[str] = []
    if not form.is_valid():
        errors = [_("Nhập số quyết định phê duyệt.")]
    else:
        try:
            plan.plan_approve(actor=request.user, round=rnd, decision_number=form.cleaned_data["decision_number"])
        except ValidationError as exc:
            errors = error_messages(exc)
    return _answer(request, rnd, errors=errors, done=_("Đã phê duyệt phương án."))


@login_required
@require_POST
def rotation_plan_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    rnd = plan.plan_round_get(user=request.user, pk=pk)
    form = PublishForm(request.POST)
    errors: list[str] = []
    if not form.is_valid():
        errors = [_("Nhập ngày có hiệu lực theo dạng dd/mm/yyyy.")]
    else:
        try:
            plan.plan_publish(actor=request.user, round=rnd, effective_on=form.cleaned_data["effective_on"])
        except ValidationError as exc:
            errors = error_messages(exc)
    return _answer(request, rnd, errors=errors, done=_("Đã công khai phương án."))


@login_required
@require_POST
def rotation_plan_apply(request: AuthedRequest, pk: int) -> HttpResponse:
    rnd = plan.plan_round_get(user=request.user, pk=pk)
    errors: list[str] = []
    try:
        plan.plan_apply(actor=request.user, round=rnd, on=timezone.localdate())
    except ValidationError as exc:
        errors = error_messages(exc)
    return _answer(request, rnd, errors=errors, done=_("Đã ghi quá trình công tác theo phương án."))


@login_required
def rotation_plan_document(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
    rnd = plan.plan_round_get(user=request.user, pk=pk)
    if fmt not in DOCUMENT_TYPES:
        raise Http404
    try:
        content, name = plan.plan_publish_document(user=request.user, round=rnd, fmt=fmt)
    except ValidationError as exc:
        messages.error(request, " ".join(error_messages(exc)))
        return redirect("round_detail", pk=rnd.pk)
    return file_response(content, name, DOCUMENT_TYPES[fmt])


urlpatterns: list[Any] = [
    path("luan-chuyen/<int:pk>/phuong-an/", rotation_plan, name="rotation_plan"),
    path("luan-chuyen/<int:pk>/phuong-an/lap/", rotation_plan_request, name="rotation_plan_request"),
    path("luan-chuyen/<int:pk>/phuong-an/<int:move_pk>/sua/", rotation_move_edit, name="rotation_move_edit"),
    path("luan-chuyen/<int:pk>/phuong-an/<int:move_pk>/kiem-tra/", rotation_move_check, name="rotation_move_check"),
    path("luan-chuyen/<int:pk>/phuong-an/<int:move_pk>/doi-cho/", rotation_move_swap, name="rotation_move_swap"),
    path("luan-chuyen/<int:pk>/phuong-an/phe-duyet/", rotation_plan_approve, name="rotation_plan_approve"),
    path("luan-chuyen/<int:pk>/phuong-an/cong-khai/", rotation_plan_publish, name="rotation_plan_publish"),
    path("luan-chuyen/<int:pk>/phuong-an/thuc-hien/", rotation_plan_apply, name="rotation_plan_apply"),
    path("luan-chuyen/<int:pk>/phuong-an/tai-ve.<str:fmt>", rotation_plan_document, name="rotation_plan_document"),
]
