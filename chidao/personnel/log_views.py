"""The access log of personnel records, for administrators and auditors (who read, never write)."""

import datetime as dt
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from chidao.core.errors import PermissionDenied
from chidao.core.http import AuthedRequest
from chidao.core.models import User
from chidao.core.text import search_terms

from .models import AccessLog
from .permissions import can_read_access_log


def access_log_list(*, user: User, q: str = "", person: int | None = None, start: dt.date | None = None,
                    end: dt.date | None = None) -> QuerySet[AccessLog]:
    """Every recorded view of a personnel record; only administrators and auditors may read it.

    Filters: `q` (the person's name or code, folded), `person` (a record id), `start`/`end` (local days,
    both included)."""
    if not can_read_access_log(user):
        raise PermissionDenied(_("Chỉ quản trị hệ thống và kiểm tra, giám sát được xem nhật ký truy cập hồ sơ."))
    qs = AccessLog.objects.select_related("user", "person").order_by("-at", "-id")
    for term in search_terms(q):
        qs = qs.filter(person__search_text__contains=term)
    if person is not None:
        qs = qs.filter(person_id=person)
    if start is not None:
        qs = qs.filter(at__date__gte=start)
    if end is not None:
        qs = qs.filter(at__date__lte=end)
    return qs


@login_required
def access_log(request: AuthedRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    page = Paginator(access_log_list(user=request.user, q=q), 50).get_page(request.GET.get("page"))
    query = urlencode({"q": q}) if q else ""
    return render(request, "personnel/access_log.html", {"page": page, "q": q, "query": query})


urlpatterns = [path("can-bo/nhat-ky-truy-cap/", access_log, name="person_access_log")]
