"""The admin side of a programme's settings (P1): after a save, due dates are recomputed
in the background and the administrator is told so; settings that work against each
other (a gate wanting a fresher assessment than the stage's interval gives) warn."""

from __future__ import annotations

from django.contrib import messages
from django.utils.translation import gettext as _

from casemgmt.models import Programme, Stage
from casemgmt.services import programme_settings


def _due_dates_changed(form, formsets) -> bool:
    if set(form.changed_data) & programme_settings.DUE_DATE_SETTINGS:
        return True
    for formset in formsets:
        if formset.model is not Stage:
            continue
        for stage_form in formset.forms:
            changed = set(getattr(stage_form, "changed_data", []))
            if stage_form.instance.pk and changed & programme_settings.STAGE_DUE_DATE_SETTINGS:
                return True
    return False


class ProgrammeSettingsMixin:
    """For the programme's and the transitions' admin pages."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        instance = form.instance
        programme = instance if isinstance(instance, Programme) else instance.programme
        if change and isinstance(instance, Programme) and _due_dates_changed(form, formsets):
            programme_settings.programme_settings_changed(programme=programme)
            messages.info(
                request,
                _(
                    "The due dates of this programme's open cases are being recomputed in "
                    "the background; the caseload and inboxes show the new dates when it "
                    "is done."
                ),
            )
        for warning in programme.cadence_warnings():
            messages.warning(request, warning)
