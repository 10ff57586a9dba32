"""Who may read the audit trail, and which of its events (part of the access policy,
re-exported by ``casemgmt.access``).

Auditors read the trail of the programmes they oversee (``Programme.auditors``);
supervisors the trail of their own programmes' cases. An auditor assigned to every
programme (the inspectorate) also reads the events that belong to no case: sign-ins,
configuration, refusals. Restricted and juvenile cases are not hidden from oversight:
their events show, but their content only to those who may open the case
(``content_visible_cases``).
"""

from __future__ import annotations

from django.db.models import CharField, Exists, OuterRef, Q
from django.db.models.functions import Cast

from casemgmt.roles import Role

TRAIL_ROLES = frozenset({Role.AUDITOR, Role.SUPERVISOR})


def can_read_audit_trail(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role in TRAIL_ROLES)


def _assigned(user):
    from casemgmt.models import Programme

    if user.role == Role.AUDITOR:
        return Programme.auditors.through.objects.filter(user_id=user.pk)
    return Programme.supervisors.through.objects.filter(user_id=user.pk)


def trail_cases_filter(user) -> Q:
    """Cases whose trail ``user`` may read (restricted and juvenile ones included)."""
    if not can_read_audit_trail(user):
        return Q(pk__in=[])
    return Q(Exists(_assigned(user).filter(programme_id=OuterRef("programme_id"))))


def oversees_every_programme(user) -> bool:
    """An auditor assigned to every programme: the inspectorate."""
    from casemgmt.models import Programme

    if not can_read_audit_trail(user) or user.role != Role.AUDITOR:
        return False
    # Asked by the page and by its query: answered once per user object (one request).
    if not hasattr(user, "_oversees_every_programme"):
        user._oversees_every_programme = not Programme.objects.exclude(auditors=user).exists()
    return user._oversees_every_programme


def trail_events_filter(user) -> Q:
    """The audit events ``user`` may read: those of cases in their programmes, those about
    the people of those cases, and (the inspectorate) those that belong to no case.

    Each test is a correlated ``EXISTS`` on an index (the case's key; a person's key as
    text, ``case_person_key_idx``), so a page of the newest events probes its own rows
    rather than first listing every case of the programme."""
    from casemgmt.models import Case, Person

    if not can_read_audit_trail(user):
        return Q(pk__in=[])
    if oversees_every_programme(user):
        # Every case is in a programme: the inspectorate reads the whole trail.
        return Q()
    cases = Case.objects.filter(trail_cases_filter(user))
    in_cases = Exists(cases.filter(pk=OuterRef("case_id")))
    people = cases.annotate(person_key=Cast("person_id", CharField())).filter(
        person_key=OuterRef("target_id")
    )
    about_people = Q(case__isnull=True, target_type=Person._meta.label_lower) & Q(Exists(people))
    return Q(in_cases) | about_people


def content_visible_cases(user, case_ids) -> set[int]:
    """Of ``case_ids``, the cases whose content ``user`` may see in the trail: those they
    may open (a restricted case needs the allow-list, a juvenile one the training)."""
    from casemgmt.models import Case

    return set(Case.objects.visible_to(user).filter(pk__in=case_ids).values_list("pk", flat=True))


def content_visible_people(user, person_ids) -> set[int]:
    """Of ``person_ids``, the people whose details ``user`` may see in the trail: those
    with a case the user may open. A person whose only cases are restricted (the user not
    allow-listed) or juvenile (the user not trained) shows by reference only."""
    from casemgmt.models import Case

    return set(
        Case.objects.visible_to(user)
        .filter(person_id__in=person_ids)
        .values_list("person_id", flat=True)
    )


def can_read_oversight_report(user) -> bool:
    """The oversight report (aggregate figures only): auditors and supervisors, for the
    programmes they oversee or supervise."""
    return can_read_audit_trail(user)


def oversight_report_programmes_filter(user) -> Q:
    """Programmes whose oversight report ``user`` may read: an auditor's assigned
    programmes, a supervisor's supervised ones; nothing for anyone else."""
    if not can_read_oversight_report(user):
        return Q(pk__in=[])
    if user.role == Role.AUDITOR:
        return Q(auditors=user)
    return Q(supervisors=user)
