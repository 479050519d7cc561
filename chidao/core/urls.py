from django.urls import path

from . import unit_views, views

urlpatterns = [
    path("thong-bao/", views.notifications, name="notifications"),
    path("thong-bao/da-doc/", views.notifications_read, name="notifications_read"),
    path("tai-khoan/ma-truy-cap/", views.api_tokens, name="api_tokens"),
    path("tai-khoan/ma-truy-cap/<int:pk>/thu-hoi/", views.api_token_revoke_view, name="api_token_revoke"),
    *unit_views.urlpatterns,
]
