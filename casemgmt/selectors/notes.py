"""Reads of notes beyond the case page: one note's versions."""

from __future__ import annotations

from casemgmt import access
from casemgmt.models import Case, Note
from casemgmt.selectors.scope import in_scope_or_404


def note_versions_or_404(user, case: Case, pk) -> tuple[Note, list[Note]]:
    """The first version of note ``pk`` and every version ``user`` may know exists, oldest
    first; a note the user may not know about is "not found"."""
    visible = Note.objects.filter(case=case).filter(access.note_visibility_filter(user, case))
    note = in_scope_or_404(visible.select_related("thread"), pk)
    first = note.thread or note
    versions = list(visible.filter(pk=first.pk).select_related("author", "agency")) + list(
        visible.filter(thread=first).select_related("author", "agency").order_by("created_at")
    )
    return first, versions
