"""Pages of deadline extension requests: asked and decided on the deliverable's page (htmx partial)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chidao.core.errors import ConflictError, PermissionDenied, ValidationError
from chidao.core.forms import form_apply_errors
from chidao.core.http import AuthedRequest

from . import extension_selectors, extensions, permissions, selectors
from .extension_forms import GRANT, ExtensionDecisionForm, ExtensionRequestForm
from .views import _partial_or_page, _redirect_detail

SECTION = "extension-requests"


@login_required
@require_POST
def extension_request_create(request: AuthedRequest, pk: int) -> HttpResponse:
    deliverable = selectors.deliverable_get(user=request.user, pk=pk)
    if not permissions.can_request_extension(request.user, deliverable):
        raise PermissionDenied(_("Chỉ đơn vị chủ trì hoặc cơ quan thường trực đề nghị gia hạn nội dung này."))
    form = ExtensionRequestForm(request.POST, prefix="req")
    if form.is_valid():
        try:
            extensions.extension_request_create(actor=request.user, deliverable=deliverable, **form.cleaned_data)
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, _("Đã gửi đề nghị gia hạn đến cơ quan thường trực."))
            return _redirect_detail(request, deliverable)
    return _partial_or_page(request, deliverable, SECTION, extension_request_form=form)


@login_required
@require_POST
def extension_request_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    asked = extension_selectors.extension_request_get(user=request.user, pk=pk)
    if not permissions.can_decide_extension(request.user):
        raise PermissionDenied(_("Chỉ cơ quan thường trực quyết định đề nghị gia hạn."))
    form = ExtensionDecisionForm(request.POST, prefix="dec")
    if form.is_valid():
        data = form.cleaned_data
        try:
            decided = extensions.extension_request_decide(
                actor=request.user, request=asked, grant=data["decision"] == GRANT, note=data["note"],
                approved_by=data["approved_by"], approved_on=data["approved_on"])
        except ValidationError as exc:
            form_apply_errors(form, exc)
        except ConflictError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Đã ghi nhận: %(s)s.") % {"s": decided.get_state_display()})
            return _redirect_detail(request, asked.deliverable)
    deliverable = selectors.deliverable_get(user=request.user, pk=asked.deliverable_id)
    return _partial_or_page(request, deliverable, SECTION, extension_decision_form=form)
