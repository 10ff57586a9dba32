"""The one status-change helper: lock, check the move against the lifecycle, set, audit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import models

from casemgmt.errors import InvalidStatusChange
from casemgmt.lifecycles import lifecycle_of
from casemgmt.models import User
from casemgmt.services import audit

M = TypeVar("M", bound=models.Model)


def change_status(
    obj: M,
    *,
    to: str,
    by: User | None,
    fields: dict[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
    check: Callable[[M], None] | None = None,
    effects: Callable[[M], dict[str, Any]] | None = None,
) -> M:
    """Move ``obj`` to status ``to`` and return the locked, saved row.

    Locks the row, refuses a move its lifecycle does not declare (``InvalidStatusChange``),
    runs ``check`` on the locked row (rules that depend on the row's current state; it
    may raise), sets the status and ``fields``, saves, runs ``effects`` (what the change
    brings with it; it returns a summary for the audit row), and writes one audit row
    with ``{"status": [old, new]}`` and the other changed fields. Call it inside the
    service's transaction; a refusal writes nothing.
    """
    lifecycle = lifecycle_of(type(obj))
    to = lifecycle.statuses(to).value  # ValueError on a status that does not exist
    # No join in the locking query (see services/cases.lock_case).
    locked = type(obj).objects.select_for_update().get(pk=obj.pk)
    old = locked.status
    if not lifecycle.allows(old, to):
        raise InvalidStatusChange(locked, old, to)
    if check is not None:
        check(locked)
    fields = fields or {}
    before = audit.snapshot(locked, list(fields))
    locked.status = to
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=["status", *fields])
    consequences = effects(locked) if effects is not None else {}
    audit.record(
        actor=by,
        action=lifecycle.action_for(old, to),
        target=locked,
        case=getattr(locked, "case", None),  # configuration (a role grant) has no case
        changes={"status": [old, to], **audit.diff(before, audit.snapshot(locked, list(fields)))},
        metadata={**(metadata or {}), **consequences},
    )
    return locked
