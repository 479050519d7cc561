from django.contrib.auth import views as auth_views
from django.urls import include, path

from chidao.api.api import api
from chidao.core import password_views

urlpatterns = [
    # Login (password, single sign-on) and the second factor: chidao/core/signin_urls.py.
    path("", include("chidao.core.signin_urls")),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("tai-khoan/mat-khau/", password_views.PasswordChangeView.as_view(), name="password_change"),
    path("mat-khau/quen/", password_views.PasswordResetView.as_view(), name="password_reset"),
    path("mat-khau/quen/da-gui/", password_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("mat-khau/dat-lai/<uidb64>/<token>/", password_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("mat-khau/xong/", password_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("", include("chidao.core.urls")),
    path("", include("chidao.core.audit_urls")),
    # Type-ahead searches of the pickers (core.widgets, static/chidao/picker.js): units, people, posts of a plan.
    path("tra-cuu/", include("chidao.core.lookup_views")),
    path("tra-cuu/", include("chidao.personnel.lookup_views")),
    path("tra-cuu/", include("chidao.rotation.lookup_views")),
    path("", include("chidao.reports.urls")),
    path("", include("chidao.personnel.urls")),
    path("", include("chidao.rotation.urls")),
    path("", include("chidao.procedures.urls")),
    path("", include("chidao.indicators.urls")),
    path("", include("chidao.programs.urls")),
]
