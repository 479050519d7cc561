"""Procedure pages: registry, decisions, reviews, counts (views); processing figures and Excel (figures_views)."""

from . import figures_views, views

urlpatterns = [*views.urlpatterns, *figures_views.urlpatterns]
