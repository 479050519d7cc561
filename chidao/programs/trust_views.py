"""The administrator's page of trust roots (/quan-tri/chung-thu-goc/): the root certificates against which the
digital signatures of uploaded PDFs are checked (chidao.core.signing), and the form to install one; installing
checks again the stored PDFs not yet found valid (like `chidao trust add FILE.pem`)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chidao.core.errors import PermissionDenied
from chidao.core.http import AuthedRequest
from chidao.core.permissions import can_manage_users
from chidao.core.signing import trust_roots

from .services import trust_root_install

PEM_MAX_BYTES = 256 * 1024


class TrustRootForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp chứng thư số gốc (.pem, .crt)"))

    def clean_file(self) -> bytes:
        f = self.cleaned_data["file"]
        if f.size > PEM_MAX_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn cho một chứng thư số."))
        return f.read()


@login_required
def trust_roots_view(request: AuthedRequest) -> HttpResponse:
    if not can_manage_users(request.user):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được cài chứng thư số gốc."))
    form = TrustRootForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            checked = trust_root_install(actor=request.user, pem_bytes=form.cleaned_data["file"])
        except ValueError as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, _("Đã cài chứng thư số gốc; đã kiểm tra lại %(n)s tệp PDF.") % {"n": checked})
            return redirect("trust_roots")
    roots = [{"subject": r.subject.human_friendly, "until": r.not_valid_after,
              "fingerprint": r.sha256_fingerprint} for r in trust_roots()]
    return render(request, "programs/trust_roots.html", {"form": form, "roots": roots})
