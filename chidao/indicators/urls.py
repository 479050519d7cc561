"""URL patterns of the indicators pages."""

from django.urls import path

from . import views

urlpatterns = [
    path("chi-so/", views.indicator_list, name="indicator_list"),
    path("chi-so/tao-moi/", views.indicator_create, name="indicator_create"),
    path("chi-so/xuat-excel/", views.indicator_export, name="indicator_export"),
    path("chi-so/<int:pk>/", views.indicator_detail, name="indicator_detail"),
    path("chi-so/<int:pk>/sua/", views.indicator_edit, name="indicator_edit"),
    path("chi-so/<int:pk>/chi-tieu/", views.indicator_target_set, name="indicator_target_set"),
    path("chi-so/<int:pk>/bao-cao/", views.indicator_actual_report, name="indicator_actual_report"),
    path("to-cong-tac/", views.task_force_list, name="task_force_list"),
    path("to-cong-tac/<int:pk>/", views.task_force_detail, name="task_force_detail"),
]
