"""The app's URLs plus views that fail on purpose, for the error page tests."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from config.urls import urlpatterns as app_urlpatterns

SECRET = "SELECT secret_column FROM casemgmt_person WHERE cnic = '15602-1234567-3'"


def fails(request):
    raise RuntimeError(SECRET)


def refuses(request):
    raise PermissionDenied(SECRET)


def suspicious(request):
    raise SuspiciousOperation(SECRET)


urlpatterns = [
    path("test-errors/500/", fails),
    path("test-errors/403/", refuses),
    path("test-errors/400/", suspicious),
    *app_urlpatterns,
]
