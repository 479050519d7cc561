from django.urls import path

from . import notification_views, register_views, unit_views, user_views, views

urlpatterns = [
    path("thong-bao/", notification_views.notifications, name="notifications"),
    path("thong-bao/da-doc/", notification_views.notifications_read, name="notifications_read"),
    path("thong-bao/tuy-chon/", notification_views.notifications_preferences, name="notifications_preferences"),
    path("tai-khoan/ma-truy-cap/", views.api_tokens, name="api_tokens"),
    path("tai-khoan/ma-truy-cap/<int:pk>/thu-hoi/", views.api_token_revoke_view, name="api_token_revoke"),
    path("quan-tri/ma-truy-cap/", views.admin_tokens, name="admin_tokens"),
    path("quan-tri/ma-truy-cap/<int:pk>/thu-hoi/", views.admin_token_revoke, name="admin_token_revoke"),
    # Account administration (administrators)
    path("quan-tri/nguoi-dung/", user_views.user_list_view, name="user_list"),
    path("quan-tri/nguoi-dung/them/", user_views.user_create_view, name="user_create"),
    path("quan-tri/nguoi-dung/nhap/", user_views.user_import_view, name="user_import"),
    path("quan-tri/nguoi-dung/mau-nhap.xlsx", user_views.user_import_template_view, name="user_import_template"),
    path("quan-tri/nguoi-dung/<int:pk>/", user_views.user_detail_view, name="user_detail"),
    path("quan-tri/nguoi-dung/<int:pk>/ngung/", user_views.user_deactivate_view, name="user_deactivate"),
    path("quan-tri/nguoi-dung/<int:pk>/dung-lai/", user_views.user_reactivate_view, name="user_reactivate"),
    path("quan-tri/nguoi-dung/<int:pk>/mat-khau/", user_views.user_password_reset_view, name="user_password_reset"),
    path("quan-tri/nguoi-dung/<int:pk>/vai-tro/", user_views.user_grant_add_view, name="user_grant_add"),
    path("quan-tri/nguoi-dung/<int:pk>/vai-tro/<int:grant_pk>/bo/", user_views.user_grant_remove_view,
         name="user_grant_remove"),
    *unit_views.urlpatterns,
    *register_views.urlpatterns,
]
