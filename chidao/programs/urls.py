from django.urls import include, path

from . import extension_views, trust_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("chuong-trinh/", views.program_list, name="program_list"),
    path("chuong-trinh/tao-moi/", views.program_create, name="program_create"),
    path("chuong-trinh/<int:pk>/", views.program_dashboard, name="program_dashboard"),
    path("chuong-trinh/<int:pk>/noi-dung/", views.deliverable_list, name="deliverable_list"),
    path("chuong-trinh/<int:pk>/giao-noi-dung/", views.deliverable_create, name="deliverable_create"),
    path("chuong-trinh/<int:pk>/nhap-excel/", views.deliverable_import, name="deliverable_import"),
    path("mau-nhap-noi-dung.xlsx", views.import_template, name="import_template"),
    path("noi-dung/<int:pk>/", views.deliverable_detail, name="deliverable_detail"),
    path("noi-dung/<int:pk>/sua/", views.deliverable_edit, name="deliverable_edit"),
    path("noi-dung/<int:pk>/chuyen-trang-thai/", views.deliverable_transition, name="deliverable_transition"),
    path("noi-dung/<int:pk>/gia-han/", views.deliverable_extend, name="deliverable_extend"),
    path("noi-dung/<int:pk>/trao-doi/", views.deliverable_note, name="deliverable_note"),
    path("noi-dung/<int:pk>/de-nghi-gia-han/", extension_views.extension_request_create,
         name="extension_request_create"),
    path("de-nghi-gia-han/<int:pk>/quyet-dinh/", extension_views.extension_request_decide,
         name="extension_request_decide"),
    path("chuong-trinh/<int:pk>/hoi-nghi/", views.meeting_list, name="meeting_list"),
    path("hoi-nghi/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("hoi-nghi/<int:pk>/noi-dung-hop/", views.meeting_agenda_add, name="meeting_agenda_add"),
    path("hoi-nghi/<int:pk>/y-kien/", views.meeting_point_add, name="meeting_point_add"),
    path("hoi-nghi/<int:pk>/ket-luan/", views.meeting_conclusion_add, name="meeting_conclusion_add"),
    path("tep/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("quan-tri/chung-thu-goc/", trust_views.trust_roots_view, name="trust_roots"),
    path("", include("chidao.programs.inbox_urls")),
]
