"""Multi-agency notes: append-only, corrected by adding a version within a short window."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casemgmt import access
from casemgmt.errors import NotPermitted
from casemgmt.models import AuditAction, Case, Note, NoteCategory, NoteVisibility, User
from casemgmt.services import audit

CORRECTION_WINDOW = datetime.timedelta(hours=2)


def _validate(category: str, visibility: str, body: str) -> None:
    errors = {}
    if category not in NoteCategory.values:
        errors["category"] = _("Choose a category.")
    if visibility not in NoteVisibility.values:
        errors["visibility"] = _("Choose who may read the note.")
    if not body.strip():
        errors["body"] = _("Write the note.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def note_add(
    *,
    case: Case,
    by: User,
    category: str,
    visibility: str,
    body: str,
    raise_escalation: bool = False,
) -> Note:
    """Write a note on the case; a security concern can raise an escalation at once."""
    access.ensure_can_write_case(by, case)
    _validate(category, visibility, body)
    if raise_escalation and category != NoteCategory.SECURITY_CONCERN:
        raise ValidationError(
            {"raise_escalation": _("Only a security concern note raises an escalation.")}
        )
    note = Note.objects.create(
        case=case,
        author=by,
        agency_id=by.agency_id,
        category=category,
        visibility=visibility,
        body=body.strip(),
    )
    escalation = None
    if raise_escalation:
        from casemgmt.services.escalations import escalation_raise

        escalation = escalation_raise(
            case=case,
            by=by,
            trigger="security_information",
            # No note text here: the note keeps its own visibility.
            description=f"Security concern note {note.pk}.",
        )
    audit.record(
        actor=by,
        action=AuditAction.NOTE_ADDED,
        target=note,
        case=case,
        # The body is not copied into the trail: the note itself is append-only.
        changes={"category": [None, category], "visibility": [None, visibility]},
        metadata={"escalation": escalation.pk if escalation else None},
    )
    return note


@transaction.atomic
def note_correct(*, note: Note, by: User, body: str, now: datetime.datetime | None = None) -> Note:
    """The author corrects a note within the window: a new version; the old text stays."""
    now = now or timezone.now()
    access.ensure_can_write_case(by, note.case)
    latest = Note.objects.select_for_update().get(pk=note.pk)
    if hasattr(latest, "superseded_by"):
        raise ValidationError(_("This version has already been corrected; correct the latest one."))
    if latest.author_id != by.pk:
        raise NotPermitted(_("Only the author can correct a note."))
    first = latest.thread or latest
    if now - first.created_at > CORRECTION_WINDOW:
        raise ValidationError(
            _("Notes can be corrected only within %d hours of writing; add a new note instead.")
            % int(CORRECTION_WINDOW.total_seconds() // 3600)
        )
    if not body.strip():
        raise ValidationError({"body": _("Write the corrected note.")})
    version = Note.objects.create(
        case=latest.case,
        author=by,
        agency_id=latest.agency_id,
        category=latest.category,
        visibility=latest.visibility,
        body=body.strip(),
        supersedes=latest,
        thread=first,
        created_at=now,
    )
    audit.record(
        actor=by,
        action=AuditAction.NOTE_CORRECTED,
        target=version,
        case=latest.case,
        metadata={"supersedes": latest.pk, "thread": first.pk},
    )
    return version
