"""Scoped look-ups: the same "not found" for "not yours" and "not there".

Every look-up of one object by a view goes through a selector built on
``in_scope_or_404``, so each refusal raises ``OutOfScope`` and the middleware
records it as an ``access.denied`` audit event.
"""

from __future__ import annotations

from typing import NoReturn

from django.db.models import Model, QuerySet

from casemgmt.selectors.cases import OutOfScope

__all__ = ["OutOfScope", "in_scope_or_404", "refuse"]


def refuse(model: type[Model], target_id) -> NoReturn:
    """Answer "not found" for ``model`` ``target_id`` and have the refusal recorded."""
    raise OutOfScope(model._meta.label_lower, str(target_id))


def in_scope_or_404(queryset: QuerySet, pk) -> Model:
    """The row ``pk`` of ``queryset``, which already holds only what the user may see."""
    if not str(pk).isdigit():
        refuse(queryset.model, pk)
    try:
        return queryset.get(pk=int(pk))
    except queryset.model.DoesNotExist:
        refuse(queryset.model, pk)
