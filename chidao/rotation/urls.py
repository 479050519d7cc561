"""Rotation pages: rounds and due lists (due_views), plans and their workflow (plan_views)."""

from . import due_views, plan_views

urlpatterns = [*due_views.urlpatterns, *plan_views.urlpatterns]
