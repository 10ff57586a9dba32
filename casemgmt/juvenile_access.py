"""The juvenile track's rule in the access policy (``casemgmt/access.py`` applies it).

A case whose person is under 18 today opens only for juvenile-trained staff of the
agencies on the team and for the programme's supervisors; auditors keep their read-only
oversight. From the 18th birthday the case joins the adult track, but each record
dated before it stays under this rule. Both are SQL conditions on the stored
``Person.adult_on``, so lists and counts are filtered in the database.
"""

from __future__ import annotations

from django.db.models import DateTimeField, Exists, F, OuterRef, Q
from django.utils import timezone

from casemgmt.roles import Role


def exempt(user) -> bool:
    """Auditors (read-only oversight) and juvenile-trained staff are not held back."""
    return user.role == Role.AUDITOR or bool(getattr(user, "juvenile_trained", False))


def supervised_programme_filter(user, programme_path: str) -> Q:
    """The programme (reached through ``programme_path``) is one ``user`` supervises."""
    from casemgmt.models import Programme

    if user.role != Role.SUPERVISOR:
        return Q(pk__in=[])
    return Q(
        Exists(
            Programme.supervisors.through.objects.filter(
                programme_id=OuterRef(programme_path), user_id=user.pk
            )
        )
    )


def opened_before_18(case) -> bool:
    """The case opened before its person's 18th birthday (so some of its records may be)."""
    adult_on = case.person.adult_on
    return adult_on is not None and case.opened_on < adult_on


def hides_early_history(user, case, *, supervises: bool | None = None) -> bool:
    """Whether the juvenile rule hides part of ``case``'s history from ``user``: the case
    opened before the person's 18th birthday and ``user`` is neither juvenile-trained nor a
    supervisor of its programme (``supervises``, when the caller knows). What sums up the
    records (a gate's reason, worded from the records it checked) then says only whether
    it is met: the record it cites may be one from before the birthday."""
    if exempt(user) or not opened_before_18(case):
        return False
    if supervises is None:
        from casemgmt.access import supervises_programme

        supervises = supervises_programme(user, case.programme_id)
    return not supervises


def juvenile_case_filter(user, prefix: str = "", on=None, *, person_joined=False) -> Q:
    """Cases (reached through ``prefix``) ``user`` may open under the juvenile rule; with
    ``on`` (a date), those whose every record dated from ``on`` ``user`` may know of.
    ``person_joined``: the query joins each case to its person anyway (it sorts or
    searches by name), so the rule reads the person's column; the same cases either way."""
    from casemgmt.models import Person

    if exempt(user):
        return Q()
    day = on or timezone.localdate()
    if person_joined:
        # Walking people by name, PostgreSQL charged the hashed set below once per person
        # and read every visible case for each instead (320 ms; 9 ms with the column).
        adult = Q(**{f"{prefix}person__adult_on__lte": day}) | Q(
            **{f"{prefix}person__adult_on__isnull": True}
        )
    else:
        # "Not one of the people under 18 on that day": the minors are a small indexed
        # set, hashed once, where "adult_on <= day or null" joins every case to its
        # person. The set must fit PostgreSQL's hash memory (docs/operations.md,
        # "Juvenile track"); NOT EXISTS would not need to, but it misled the planner:
        # nested figures 2-10x slower.
        minors = Person.objects.filter(adult_on__gt=day).values("pk")
        adult = ~Q(**{f"{prefix}person_id__in": minors})
    return supervised_programme_filter(user, f"{prefix}programme_id") | adult


def juvenile_record_filter(kind, user, prefix: str = "") -> Q:
    """Rows of ``kind`` (reached through ``prefix``, e.g. from a part of a review) that
    ``user`` may know about: those dated before the person's 18th birthday only for
    juvenile-trained staff and the programme's supervisors."""
    if exempt(user) or not kind.juvenile_rule:
        return Q()
    case = prefix + kind.case_path
    field = prefix + kind.date_field
    is_datetime = isinstance(kind.model_class._meta.get_field(kind.date_field), DateTimeField)
    lookup = f"{field}__date__gte" if is_datetime else f"{field}__gte"
    adult = Q(**{lookup: F(f"{case}__person__adult_on")}) | Q(
        **{f"{case}__person__adult_on__isnull": True}
    )
    return adult | supervised_programme_filter(user, f"{case}__programme_id")
