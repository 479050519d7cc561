"""The forms of deadline extension requests, and what the deliverable page shows of them (its section)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chidao.core.forms import date_field
from chidao.core.models import User

from . import extension_selectors, permissions
from .models import DeadlineExtensionRequest, Deliverable, Status

GRANT, REFUSE = "grant", "refuse"


class ExtensionRequestForm(forms.Form):
    new_deadline = date_field(_("Thời hạn đề nghị"))
    reason = forms.CharField(label=_("Lý do đề nghị gia hạn"), widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionDecisionForm(forms.Form):
    """Grant (with who approved it and when, as the extension is recorded) or refuse (saying why)."""

    decision = forms.ChoiceField(label=_("Quyết định"), widget=forms.RadioSelect,
                                 choices=[(GRANT, _("Đồng ý gia hạn")), (REFUSE, _("Không đồng ý"))])
    approved_by = forms.CharField(label=_("Người phê duyệt (khi đồng ý)"), max_length=150, required=False)
    approved_on = date_field(_("Ngày phê duyệt (khi đồng ý)"), required=False)
    note = forms.CharField(label=_("Ý kiến (bắt buộc khi không đồng ý)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


def extension_section(user: User, deliverable: Deliverable, **forms_given: Any) -> dict[str, Any]:
    """The deliverable page's extension requests: the pending one, the earlier ones, the request form (for who
    may ask while none waits) and the decision form (for who decides)."""
    requests = list(extension_selectors.deliverable_extension_requests(deliverable=deliverable))
    pending = next((r for r in requests if r.state == DeadlineExtensionRequest.State.PENDING), None)
    open_ = deliverable.status not in {Status.COMPLETED, Status.CANCELLED}
    may_ask = open_ and pending is None and permissions.can_request_extension(user, deliverable)
    may_decide = pending is not None and permissions.can_decide_extension(user)
    return {
        "extension_requests": requests,
        "pending_request": pending,
        "decided_requests": [r for r in requests if r is not pending],
        "extension_request_form": forms_given.get("extension_request_form") or (
            ExtensionRequestForm(prefix="req") if may_ask else None),
        "extension_decision_form": forms_given.get("extension_decision_form") or (
            ExtensionDecisionForm(prefix="dec", initial={"decision": GRANT}) if may_decide else None),
    }
