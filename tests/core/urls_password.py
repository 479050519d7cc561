"""The site's URLs plus, until the password pages are merged, Django's own password reset confirmation at the
path and name the accounts code links to ("password_reset_confirm", mat-khau/dat-lai/<uidb64>/<token>/)."""

from django.contrib.auth import views as auth_views
from django.urls import NoReverseMatch, path, reverse

from chidao.urls import urlpatterns as site

urlpatterns = list(site)
try:
    reverse("password_reset_confirm", urlconf="chidao.urls", kwargs={"uidb64": "MQ", "token": "x-y"})
except NoReverseMatch:
    urlpatterns.append(path("mat-khau/dat-lai/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(),
                            name="password_reset_confirm"))
