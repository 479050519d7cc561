"""Cadre record pages: list and search, the record, and its small htmx forms (thin over selectors and services).

URL patterns of this module are collected by personnel/urls.py.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.forms import form_apply_errors
from chidao.core.htmx import hx_redirect
from chidao.core.http import AuthedRequest
from chidao.core.keyset import BadCursor, IdsFirst, bad_cursor_response, list_page, list_query

from . import permissions, selectors, services
from .forms import (
    AssignmentForm,
    DeferralForm,
    DisciplineFormForm,
    PersonFilterForm,
    PersonForm,
    RatingForm,
    RelativeForm,
)
from .models import Person

DETAIL = "personnel/person_detail.html"

SEARCH_COUNT_CAP = 1000  # matches counted by the people search before it says "more than"


@login_required
def person_list(request: AuthedRequest) -> HttpResponse:
    """`/can-bo/`: search without diacritics, filters, Vietnamese name order, one page at a time."""
    if not permissions.can_read_people(request.user):
        raise PermissionDenied(_("Bạn không có quyền xem hồ sơ cán bộ."))
    form = PersonFilterForm(request.GET or None, units=selectors.person_filter_units(user=request.user))
    filters = form.filters()
    qs = selectors.person_list(user=request.user, filters=filters)
    if isinstance(qs, IdsFirst):  # a search: "more than 1,000" rather than counting every "nguyen van" each time
        qs = qs.capped(SEARCH_COUNT_CAP)
    try:  # numbered first pages, then cursors on (sort_key, id): a deep page reads no skipped row
        page = list_page(request, qs, keys=selectors.PERSON_LIST_KEYS, name="people",
                         per_page=settings.CHIDAO_PAGE_SIZE)
    except BadCursor as exc:
        return bad_cursor_response(request, exc)
    today = timezone.localdate()
    counted = page.paginator.count if page.paginator is not None else 0
    context = {
        "form": form, "page": page, "query": list_query(request), "today": today,
        "more_than": SEARCH_COUNT_CAP if isinstance(qs, IdsFirst) and qs.count_capped(counted) else None,
        "rows": [(p, selectors.time_in_post(p.position_since, today)) for p in page],
        "can_manage": permissions.can_manage_people(request.user),
    }
    if request.htmx:
        return render(request, "personnel/person_list.html#results", context)
    return render(request, "personnel/person_list.html", context)


def _forms(request: AuthedRequest, person: Person, **given: Any) -> dict[str, Any]:
    """The record's write forms, for those who may change it (the person is already in scope)."""
    if not permissions.can_manage_people(request.user):
        return {}
    user = request.user
    return {
        "assignment_form": given.get("assignment_form") or AssignmentForm(
            prefix="as", positions=selectors.person_positions(user=user)),
        "rating_form": given.get("rating_form") or RatingForm(prefix="xl"),
        "discipline_form": given.get("discipline_form") or DisciplineFormForm(prefix="kl"),
        "deferral_form": given.get("deferral_form") or DeferralForm(prefix="cd"),
        "relative_form": given.get("relative_form") or RelativeForm(prefix="qh"),
    }


def _detail_context(request: AuthedRequest, person: Person, **given: Any) -> dict[str, Any]:
    today = timezone.localdate()
    record = selectors.person_record(user=request.user, person=person, on=today)
    return {
        "p": person, "record": record, "today": today,
        "time_in_post": selectors.time_in_post(person.position_since, today),
        "can_manage": permissions.can_manage_people(request.user),
        **_forms(request, person, **given),
    }


@login_required
def person_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """`/can-bo/<pk>/`: the record; the view is logged; 404 outside the user's scope."""
    person = selectors.person_get(user=request.user, pk=pk)
    return render(request, DETAIL, _detail_context(request, person))


@login_required
def person_create(request: AuthedRequest) -> HttpResponse:
    """`/can-bo/tao-moi/`: a new record in a unit of the user's scope."""
    if not permissions.can_manage_people(request.user):
        raise PermissionDenied(_("Bạn không có quyền cập nhật hồ sơ cán bộ."))
    form = PersonForm(request.POST or None, units=selectors.person_filter_units(user=request.user),
                      sensitive=permissions.can_write_sensitive(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, _("Đã tạo hồ sơ %(name)s.") % {"name": person.full_name})
            return hx_redirect(request, reverse("person_detail", args=[person.pk]))
    status = 422 if form.errors else 200
    template = "personnel/person_form.html#person-form" if request.htmx else "personnel/person_form.html"
    return render(request, template, {"form": form}, status=status)


def _failed(request: AuthedRequest, person: Person, partial: str, **given: Any) -> HttpResponse:
    """A rejected form: the form again with its errors (422); the whole page without htmx."""
    if request.htmx:
        context = {"p": person, "can_manage": True, **_forms(request, person, **given)}
        return render(request, f"{DETAIL}#{partial}", context, status=422)
    person = selectors.person_get(user=request.user, pk=person.pk)
    return render(request, DETAIL, _detail_context(request, person, **given), status=422)


def _done(request: AuthedRequest, person: Person, message: str) -> HttpResponse:
    messages.success(request, message)
    return hx_redirect(request, reverse("person_detail", args=[person.pk]))


@login_required
@require_POST
def person_assignment_add(request: AuthedRequest, pk: int) -> HttpResponse:
    person = selectors.person_for_update(user=request.user, pk=pk)
    form = AssignmentForm(request.POST, prefix="as", positions=selectors.person_positions(user=request.user))
    if form.is_valid():
        try:
            services.assignment_add(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            return _done(request, person, _("Đã ghi nhận quá trình công tác."))
    return _failed(request, person, "assignment-form", assignment_form=form)


@login_required
@require_POST
def person_rating_set(request: AuthedRequest, pk: int) -> HttpResponse:
    person = selectors.person_for_update(user=request.user, pk=pk)
    form = RatingForm(request.POST, prefix="xl")
    if form.is_valid():
        try:
            services.rating_set(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            return _done(request, person, _("Đã ghi nhận xếp loại."))
    return _failed(request, person, "rating-form", rating_form=form)


@login_required
@require_POST
def person_discipline_add(request: AuthedRequest, pk: int) -> HttpResponse:
    person = selectors.person_for_update(user=request.user, pk=pk)
    form = DisciplineFormForm(request.POST, prefix="kl")
    if form.is_valid():
        try:
            services.discipline_add(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            return _done(request, person, _("Đã ghi nhận kỷ luật."))
    return _failed(request, person, "discipline-form", discipline_form=form)


@login_required
@require_POST
def person_deferral_add(request: AuthedRequest, pk: int) -> HttpResponse:
    person = selectors.person_for_update(user=request.user, pk=pk)
    form = DeferralForm(request.POST, prefix="cd")
    if form.is_valid():
        try:
            services.deferral_add(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            return _done(request, person, _("Đã ghi nhận trường hợp chưa chuyển đổi vị trí."))
    return _failed(request, person, "deferral-form", deferral_form=form)


@login_required
@require_POST
def person_relative_link(request: AuthedRequest, pk: int) -> HttpResponse:
    person = selectors.person_for_update(user=request.user, pk=pk)
    form = RelativeForm(request.POST, prefix="qh", people=selectors.people_visible(user=request.user))
    if form.is_valid():
        try:
            services.relative_link(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            return _done(request, person, _("Đã ghi nhận quan hệ gia đình."))
    return _failed(request, person, "relative-form", relative_form=form)


urlpatterns = [
    path("can-bo/", person_list, name="person_list"),
    path("can-bo/tao-moi/", person_create, name="person_create"),
    path("can-bo/<int:pk>/", person_detail, name="person_detail"),
    path("can-bo/<int:pk>/qua-trinh-cong-tac/", person_assignment_add, name="person_assignment_add"),
    path("can-bo/<int:pk>/xep-loai/", person_rating_set, name="person_rating_set"),
    path("can-bo/<int:pk>/ky-luat/", person_discipline_add, name="person_discipline_add"),
    path("can-bo/<int:pk>/chua-chuyen-doi/", person_deferral_add, name="person_deferral_add"),
    path("can-bo/<int:pk>/quan-he-gia-dinh/", person_relative_link, name="person_relative_link"),
]
