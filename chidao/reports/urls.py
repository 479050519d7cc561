from django.urls import path

from . import views

urlpatterns = [
    path("chuong-trinh/<int:pk>/bao-cao/", views.program_reports, name="program_reports"),
    path("chuong-trinh/<int:pk>/bao-cao/lap/", views.report_request, name="report_request"),
    path("chuong-trinh/<int:pk>/bao-cao/danh-sach/", views.report_jobs, name="report_jobs"),
    path("bao-cao/<int:pk>/tai-ve/", views.report_download, name="report_download"),
    path("bao-cao/<int:pk>/ban-hanh/", views.report_issue, name="report_issue"),
    path("bao-cao/mau-van-ban/", views.report_templates, name="report_templates"),
    path("bao-cao/mau-van-ban/<str:kind>.docx", views.report_template_download, name="report_template_download"),
]
