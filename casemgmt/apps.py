from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasemgmtConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "casemgmt"
    verbose_name = _("Case management")

    def ready(self):
        from casemgmt.auth import signals

        signals.connect()
        from casemgmt.auth import enrolment  # noqa: F401 - enrolling proves the factor
