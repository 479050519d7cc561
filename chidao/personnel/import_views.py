"""URL patterns of this module are collected by personnel/urls.py."""

urlpatterns: list = []
