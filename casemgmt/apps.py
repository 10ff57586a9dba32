from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasemgmtConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "casemgmt"
    verbose_name = _("Case management")

    def ready(self):
        from casemgmt.auth import signals  # noqa: F401 - connects the receivers
