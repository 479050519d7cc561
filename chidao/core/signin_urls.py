"""The sign-in pages (core.signin_views) and single sign-on (core.oidc)."""

from django.urls import path

from . import oidc, signin_views

urlpatterns = [
    path("dang-nhap/", signin_views.login_view, name="login"),
    path("dang-nhap/xac-thuc/", signin_views.otp_verify_view, name="otp_verify"),
    # Single sign-on (404 unless CHIDAO_OIDC_ISSUER is set); the callback is what the provider must know.
    path("dang-nhap/sso/", oidc.OIDCStartView.as_view(), name="oidc_authentication_init"),
    path("dang-nhap/sso/callback/", oidc.OIDCCallbackView.as_view(), name="oidc_authentication_callback"),
    path("tai-khoan/xac-thuc-hai-lop/", signin_views.otp_enrol_view, name="otp_enrol"),
    path("quan-tri/nguoi-dung/<int:pk>/dat-lai-xac-thuc/", signin_views.user_otp_reset_view, name="user_otp_reset"),
]
