"""The access log of personnel records, for administrators and auditors (who read, never write)."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from chidao.core.http import AuthedRequest

from .selectors import access_log_list


@login_required
def access_log(request: AuthedRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    page = Paginator(access_log_list(user=request.user, q=q), 50).get_page(request.GET.get("page"))
    query = urlencode({"q": q}) if q else ""
    return render(request, "personnel/access_log.html", {"page": page, "q": q, "query": query})


urlpatterns = [path("can-bo/nhat-ky-truy-cap/", access_log, name="person_access_log")]
