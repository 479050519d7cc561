"""Planning pages (quy hoạch cán bộ): thin views over `planning.py`. Only those who manage people see them.

URL patterns of this module are collected by personnel/urls.py.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.forms import date_field, form_apply_errors
from chidao.core.htmx import error_messages
from chidao.core.http import AuthedRequest
from chidao.core.widgets import PersonCodePicker

from . import flags, planning
from .models import PlanningTerm, Position, PostLevel
from .permissions import can_manage_people


class TermForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Nhiệm kỳ"), max_length=32)
    start_year = forms.IntegerField(label=gettext_lazy("Từ năm"), min_value=1990, max_value=2100)
    end_year = forms.IntegerField(label=gettext_lazy("Đến năm"), min_value=1990, max_value=2100)


class EntryAddForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Mã hồ sơ"), max_length=32, widget=PersonCodePicker())
    position = forms.ModelChoiceField(label=gettext_lazy("Chức danh quy hoạch"), queryset=Position.objects.none())
    on = date_field(gettext_lazy("Ngày đưa vào quy hoạch"))
    reason = forms.CharField(label=gettext_lazy("Căn cứ"), required=False, max_length=500)

    def __init__(self, *args: Any, positions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if positions is not None:
            self.fields["position"].queryset = positions  # type: ignore[attr-defined]


class EntryRemoveForm(forms.Form):
    on = date_field(gettext_lazy("Ngày đưa ra khỏi quy hoạch"))
    reason = forms.CharField(label=gettext_lazy("Lý do"), max_length=500, required=False)


class AsOfForm(forms.Form):
    ngay = date_field(gettext_lazy("Rà soát tại ngày"), required=False)


def _require_manager(request: AuthedRequest) -> None:
    if not can_manage_people(request.user):
        raise PermissionDenied(_("Bạn không có quyền xem, quản lý quy hoạch cán bộ."))



@login_required
def term_list(request: AuthedRequest) -> HttpResponse:
    """Planning terms; a manager opens a new one on the same page."""
    _require_manager(request)
    form = TermForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            term = planning.planning_term_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, _("Đã tạo nhiệm kỳ quy hoạch %(t)s.") % {"t": term.name})
            return redirect("planning_term_detail", pk=term.pk)
    status = 422 if form.errors else 200
    return render(request, "personnel/planning_term_list.html",
                  {"terms": planning.planning_terms(user=request.user), "form": form}, status=status)


def _detail(request: AuthedRequest, term: PlanningTerm, *, add_form: EntryAddForm | None = None,
            remove_errors: dict[int, list[str]] | None = None, status: int = 200) -> HttpResponse:
    today = timezone.localdate()
    as_of_form = AsOfForm(request.GET or None)
    on = (as_of_form.cleaned_data.get("ngay") if as_of_form.is_valid() else None) or today
    groups, removed = planning.planning_term_entries(user=request.user, term=term)
    # The flags next to each entry and the review read the same people's ratings and disciplines once.
    entries = [e for g in groups for e in g.entries]
    ids = sorted({e.person_id for e in entries})
    ratings = flags.ratings_by_person(ids, up_to_year=on.year)
    disciplines = flags.blocking_disciplines_by_person(ids, on=on)
    kinds = {e.person_id: e.person.service_kind for e in entries}
    flagged = flags.people_flags_from(ids, on=on, ratings=ratings, disciplines=disciplines, kinds=kinds)
    for g in groups:
        for e in g.entries:
            setattr(e, "flags", flagged.get(e.person_id, []))  # noqa: B010 (shown next to the entry)
    # The coverage reads the entries and posts the page already has (no query of its own).
    posts = planning.planning_page_posts(user=request.user)
    coverage = planning.planning_coverage(term=term, on=on, user=request.user, entries=entries + removed, posts=posts)
    if add_form is None:
        add_form = EntryAddForm(positions=planning.planning_positions(user=request.user), initial={"on": today})
        field = add_form.fields["position"]
        choices: list[tuple[Any, Any]] = [("", field.empty_label)]  # type: ignore[attr-defined]
        choices += [(p.pk, field.label_from_instance(p)) for p in posts  # type: ignore[attr-defined]
                    if p.level > PostLevel.STAFF]
        field.choices = choices  # type: ignore[attr-defined]
    context = {
        "term": term, "on": on, "as_of_form": as_of_form, "groups": groups,
        "removed": removed,
        "proposals": planning.planning_review(term=term, on=on, user=request.user, entries=entries, ratings=ratings,
                                              disciplines=disciplines),
        "coverage": coverage, "coverage_total": planning.planning_coverage_total(coverage),
        "add_form": add_form,
        "remove_form": EntryRemoveForm(initial={"on": today}), "remove_errors": remove_errors or {},
    }
    return render(request, "personnel/planning_term_detail.html", context, status=status)


@login_required
def term_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """Entries grouped by post, the add and remove forms, the review proposals and the key-post coverage."""
    _require_manager(request)
    return _detail(request, planning.planning_term_get(user=request.user, pk=pk))


@login_required
@require_POST
def entry_add(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    term = planning.planning_term_get(user=request.user, pk=pk)
    form = EntryAddForm(request.POST, positions=planning.planning_positions(user=request.user))
    if form.is_valid():
        data = form.cleaned_data
        person = planning.planning_person_by_code(user=request.user, code=data["code"])
        if person is None:
            form.add_error("code", _("Không tìm thấy hồ sơ mã %(c)s trong phạm vi bạn quản lý.") % {"c": data["code"]})
        else:
            try:
                planning.planning_entry_add(actor=request.user, term=term, person=person, position=data["position"],
                                            on=data["on"], reason=data["reason"])
            except ValidationError as exc:
                form_apply_errors(form, exc)
            else:
                messages.success(request, _("Đã đưa %(p)s vào quy hoạch chức danh “%(post)s”.") % {
                    "p": person.full_name, "post": data["position"].title})
                return redirect("planning_term_detail", pk=term.pk)
    return _detail(request, term, add_form=form, status=422)


@login_required
@require_POST
def entry_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    entry = planning.planning_entry_get(user=request.user, pk=pk)
    form = EntryRemoveForm(request.POST)
    errors: list[str] = []
    if form.is_valid():
        try:
            planning.planning_entry_remove(actor=request.user, entry=entry, on=form.cleaned_data["on"],
                                           reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            errors = error_messages(exc)
        else:
            messages.success(request, _("Đã đưa %(p)s ra khỏi quy hoạch chức danh “%(post)s”.") % {
                "p": entry.person.full_name, "post": entry.position.title})
            return redirect(reverse("planning_term_detail", args=[entry.term_id]))
    else:
        errors = [str(m) for ms in form.errors.values() for m in ms]
    return _detail(request, entry.term, remove_errors={entry.pk: errors}, status=422)


urlpatterns = [
    path("quy-hoach/", term_list, name="planning_term_list"),
    path("quy-hoach/<int:pk>/", term_detail, name="planning_term_detail"),
    path("quy-hoach/<int:pk>/them/", entry_add, name="planning_entry_add"),
    path("quy-hoach/muc/<int:pk>/dua-ra/", entry_remove, name="planning_entry_remove"),
]
