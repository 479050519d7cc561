"""URL patterns of this module are collected by rotation/urls.py."""

urlpatterns: list = []
