"""URL patterns of the indicators pages."""

urlpatterns: list = []
