"""The shared write path for a simple record on a case: check, validate, save, audit."""

from __future__ import annotations

from django.db import models

from casemgmt import access
from casemgmt.models import Case, User
from casemgmt.services import audit


def create_case_record(model: type[models.Model], *, by: User, case: Case, action: str, **values):
    """Validate, save and audit one new evidence record on ``case``."""
    access.ensure_can_write_case(by, case)
    instance = model(case=case, **values)
    instance.full_clean()
    instance.save()
    fields = [
        f.name for f in model._meta.concrete_fields if f.name not in {"id", "case", "recorded_at"}
    ]
    audit.record(
        actor=by, action=action, target=instance, case=case, changes=audit.created(instance, fields)
    )
    return instance
