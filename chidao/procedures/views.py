"""URL patterns of this module are collected by procedures/urls.py."""

urlpatterns: list = []
