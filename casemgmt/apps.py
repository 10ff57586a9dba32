from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasemgmtConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "casemgmt"
    verbose_name = _("Case management")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from casemgmt import (
            checks,  # noqa: F401 - registers the deployment checks
            sessions,
        )
        from casemgmt.auth import (
            enrolment,  # noqa: F401 - enrolling proves the factor
            signals,
            step_up,
        )

        signals.connect()
        step_up.connect()
        user_logged_in.connect(sessions.on_sign_in, dispatch_uid="casemgmt_session_clocks")
