from django.contrib import admin
from django.urls import include, path

from casemgmt.views.language import set_language

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("casemgmt.urls")),
    path("accounts/", include("casemgmt.auth.urls")),
]
