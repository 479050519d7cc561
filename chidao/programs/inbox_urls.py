"""The addresses of "Việc của tôi" (included by programs/urls.py)."""

from django.urls import path

from . import inbox_views

urlpatterns = [
    path("viec-cua-toi/", inbox_views.inbox, name="inbox"),
    path("viec-cua-toi/gia-han/", inbox_views.inbox_extend, name="inbox_extend"),
    path("viec-cua-toi/xuat-excel/", inbox_views.inbox_export, name="inbox_export"),
]
