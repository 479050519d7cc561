"""Personnel pages: records (views), planning (planning_views), Excel import/export (import_views)."""

from . import import_views, log_views, planning_views, position_views, rulebook_views, views

urlpatterns = [*log_views.urlpatterns, *views.urlpatterns, *planning_views.urlpatterns, *import_views.urlpatterns,
               *position_views.urlpatterns, *rulebook_views.urlpatterns]
