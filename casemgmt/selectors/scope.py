"""Scoped look-ups: the same "not found" for "not yours" and "not there".

Every look-up of one object by a view goes through a selector built on
``in_scope_or_404``, so each refusal raises ``OutOfScope`` and the middleware
records it as an ``access.denied`` audit event.
"""

from __future__ import annotations

from typing import NoReturn

from django.db.models import Model, QuerySet
from django.http import Http404


class OutOfScope(Http404):
    """A look-up outside the user's scope; the middleware records the refusal."""

    def __init__(self, target_type: str, target_id: str):
        super().__init__("Not found")
        self.target_type = target_type
        self.target_id = target_id


__all__ = ["OutOfScope", "in_scope_or_404", "refuse", "refuse_page"]


def refuse(model: type[Model], target_id) -> NoReturn:
    """Answer "not found" for ``model`` ``target_id`` and have the refusal recorded."""
    raise OutOfScope(model._meta.label_lower, str(target_id))


def refuse_page(request) -> NoReturn:
    """Answer "not found" for a page the user's role may not open, and have it recorded."""
    raise OutOfScope("page", request.path)


def in_scope_or_404(queryset: QuerySet, pk) -> Model:
    """The row ``pk`` of ``queryset``, which already holds only what the user may see."""
    text = str(pk)
    # ASCII digits only: str.isdigit() also accepts "²" or "٣", which int() refuses or reads
    # as another number; and no id has more than 18 digits (beyond that, an overflow).
    if not (text.isascii() and text.isdigit() and len(text) <= 18):
        refuse(queryset.model, pk)
    try:
        return queryset.get(pk=int(pk))
    except queryset.model.DoesNotExist:
        refuse(queryset.model, pk)
