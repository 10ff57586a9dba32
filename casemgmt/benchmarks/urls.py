"""The project's URLs plus the reference admin; only the benchmarks ever use this URLconf."""

from django.urls import path

from casemgmt.benchmarks.reference_admin import site
from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [path("bench-admin/", site.urls), *project_urlpatterns]
