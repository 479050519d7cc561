"""The audit pages of core: the change log and its export (administrators and auditors)."""

from django.urls import path

from . import changelog_views

urlpatterns = [
    path("quan-tri/nhat-ky-thay-doi/", changelog_views.change_log, name="change_log"),
    path("quan-tri/nhat-ky-thay-doi/xuat.xlsx", changelog_views.change_log_export, name="change_log_export"),
]
