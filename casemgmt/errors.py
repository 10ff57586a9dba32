"""Domain errors: exceptions whose message is meant for people. Views turn them
into form errors or messages."""

from django.utils.translation import gettext as _


class DomainError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotPermitted(DomainError):
    """The acting user's role or agency may not do this."""


class TransitionNotAllowed(DomainError):
    """The programme has no such move from the case's current stage, or it is blocked."""


class InvalidStatusChange(DomainError):
    """The object's lifecycle has no move from its current status to the one asked for."""

    def __init__(self, obj, old: str, new: str):
        statuses = type(obj)._meta.get_field("status").choices
        labels = dict(statuses)
        names = {
            "object": type(obj)._meta.verbose_name,
            "status": str(labels.get(old, old)).lower(),
            "new": str(labels.get(new, new)).lower(),
        }
        if old == new:
            message = _("This %(object)s is already %(status)s.") % names
        else:
            message = _("This %(object)s is %(status)s: it cannot become %(new)s.") % names
        super().__init__(message)
        self.old, self.new = old, new


class StaleCase(DomainError):
    """The case changed since the form was opened (optimistic lock)."""

    def __init__(self, case=None):
        if case is not None:
            message = _(
                "This case was changed by someone else while you were working on it: it is now "
                "in stage “%(stage)s” (version %(version)d). Review the current state and try "
                "again."
            ) % {"stage": case.current_stage.name, "version": case.version}
        else:
            message = _("This case was changed by someone else; reload it and try again.")
        super().__init__(message)
        self.case = case


class StalePerson(DomainError):
    """The person's details were corrected since the form was opened (optimistic lock)."""

    def __init__(self):
        super().__init__(
            _(
                "Someone else corrected this person's details while you were working on them. "
                "Check the details as they are now and make your correction again."
            )
        )


class GatesNotMet(DomainError):
    """One or more gates of a move are unmet; ``results`` lists every gate."""

    def __init__(self, results):
        self.results = results
        unmet = [r for r in results if not r.met]
        message = _("This move is not possible yet: %s") % " ".join(r.reason for r in unmet)
        super().__init__(message)

    @property
    def unmet(self):
        return [r for r in self.results if not r.met]


class PossibleDuplicate(DomainError):
    """Registration matches existing people; the caller must confirm to go on."""

    def __init__(self, matches):
        self.matches = matches
        super().__init__(
            _("This person may already be registered: %s.")
            % "; ".join(f"{m.person.reference} {m.person.full_name} ({m.why})" for m in matches)
        )


class CasesNotReassigned(DomainError):
    """A reassignment of several cases refused as a whole; ``failures`` maps each refused
    case's reference to why (``services.cases.cases_reassign``)."""

    def __init__(self, failures: dict[str, str]):
        self.failures = failures
        super().__init__(
            _("No case was reassigned: %s")
            % " ".join(f"{reference}: {why}" for reference, why in failures.items())
        )
