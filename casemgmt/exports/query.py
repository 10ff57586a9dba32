"""The SQL of one export for one user: scoped rows, readable columns, their filters.

Which cases: those of the programmes the user exports (an auditor's via
``Programme.auditors``, a supervisor's via ``Programme.supervisors``) that the access
policy lets them open (``Case.objects.visible_to``: a restricted case only for its
allow-list). Which rows of a kind: the access policy's row rules (juvenile dates,
escalation triggers). Which columns: those whose class the user may read; identifying
and free-text ones only in an identified export. The audit trail follows the trail's
own rule (``access.trail_events_filter``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import DateTimeField, QuerySet
from django.utils import timezone

from casemgmt import access
from casemgmt.exports.audit_export import VISIBLE_CASES
from casemgmt.exports.columns import Column, Dialect
from casemgmt.exports.types import Export
from casemgmt.info_classes import InfoClass
from casemgmt.roles import Role

EXPORT_ROLES = frozenset({Role.AUDITOR, Role.SUPERVISOR})


@dataclass(frozen=True)
class Filters:
    programme: object | None = None
    agency: object | None = None
    district: str = ""
    stage: object | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    upto: int | None = None  # the audit trail: the last position exported

    def as_record(self) -> dict:
        """The filters as the audit event and the checkpoint file name them."""
        named = {
            "programme": getattr(self.programme, "code", None),
            "agency": getattr(self.agency, "pk", None),
            "district": self.district or None,
            "stage": getattr(self.stage, "key", None),
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "upto": self.upto,
        }
        return {k: v for k, v in named.items() if v is not None}

    @property
    def narrows_cases(self) -> bool:
        return bool(self.programme or self.agency or self.district or self.stage)


@dataclass(frozen=True)
class Built:
    sql: str
    params: list = field(default_factory=list)
    columns: tuple[Column, ...] = ()

    @property
    def header(self) -> list[str]:
        return [c.name for c in self.columns]


def can_export(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role in EXPORT_ROLES)


def export_programmes(user) -> QuerySet:
    """The programmes ``user`` may export: an auditor's, a supervisor's own."""
    from casemgmt.models import Programme

    if not can_export(user):
        return Programme.objects.none()
    if user.role == Role.AUDITOR:
        return Programme.objects.filter(auditors=user)
    return Programme.objects.filter(supervisors=user)


def may_identify(user) -> bool:
    """May ``user`` ask for identified exports at all (they still step up each time)?"""
    return can_export(user) and user.has_perm("casemgmt.export_identified")


def available(user, export: Export) -> bool:
    return can_export(user) and access.can_read(user, export.info_class)


def columns_for(export: Export, user, *, identified: bool) -> tuple[Column, ...]:
    classes = access.info_classes(user)
    return tuple(
        c
        for c in export.columns
        if c.info_class in classes
        and c.also_needs <= classes
        and (identified or not c.identified_only)
    )


def may_filter_by_district(user) -> bool:
    return access.can_read(user, access.PERSON_FIELD_CLASSES["district"])


def cases_for(user, filters: Filters, *, trail: bool = False) -> QuerySet:
    """The cases whose rows ``user`` exports with ``filters``."""
    from casemgmt.models import Case

    cases = Case.objects.filter(programme__in=export_programmes(user).values("pk"))
    cases = cases.filter(access.trail_cases_filter(user)) if trail else cases.visible_to(user)
    if filters.programme is not None:
        cases = cases.filter(programme=filters.programme)
    if filters.agency is not None:
        cases = cases.filter(lead_agency=filters.agency)
    if filters.district:
        cases = cases.filter(person__district=filters.district)
    if filters.stage is not None:
        cases = cases.filter(current_stage=filters.stage)
    return cases


def _dated(export: Export, rows: QuerySet, filters: Filters) -> QuerySet:
    model = rows.model
    path = export.date_path
    target = model
    for part in path.split("__")[:-1]:
        target = target._meta.get_field(part).related_model
    if isinstance(target._meta.get_field(export.date_field), DateTimeField):
        # The days of the current time zone as a range of instants (``__date`` would
        # compare a computed date, which no index on the column serves).
        if filters.date_from:
            rows = rows.filter(**{f"{path}__gte": _day_starts(filters.date_from)})
        if filters.date_to:
            rows = rows.filter(**{f"{path}__lt": _day_starts(filters.date_to, after=1)})
        return rows
    if filters.date_from:
        rows = rows.filter(**{f"{path}__gte": filters.date_from})
    if filters.date_to:
        rows = rows.filter(**{f"{path}__lte": filters.date_to})
    return rows


def _day_starts(day: datetime.date, *, after: int = 0) -> datetime.datetime:
    """The first instant of ``day`` (plus ``after`` days) in the current time zone."""
    moment = datetime.datetime.combine(day + datetime.timedelta(days=after), datetime.time.min)
    return timezone.make_aware(moment)


def rows_for(export: Export, user, filters: Filters) -> QuerySet:
    """The rows of ``export`` that ``user`` may export with ``filters``."""
    classes = access.info_classes(user)
    if export.key == "audit_trail":
        rows = export.model.objects.filter(access.trail_events_filter(user))
        if filters.narrows_cases:
            rows = rows.filter(case__in=cases_for(user, filters, trail=True).values("pk"))
        return _dated(export, rows, filters)
    cases = cases_for(user, filters)
    if not export.case_path:
        return _dated(export, cases, filters)
    rows = export.model.objects.filter(**{f"{export.case_path}__in": cases.values("pk")})
    if export.record_kind:
        rows = rows.filter(access.record_rows_filter(export.record_kind, user))
    if export.key == "domain_ratings" and InfoClass.CLINICAL not in classes:
        rows = rows.exclude(item__domain__is_clinical=True)
    return _dated(export, rows, filters)


def _sql(queryset: QuerySet) -> tuple[str, list]:
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


def _clinical_free_text(export: Export, column: Column, classes, dialect: Dialect, expr: str):
    """Free text of clinical interventions (counselling, health) is clinical information."""
    from casemgmt.models.interventions import CLINICAL_INTERVENTION_KINDS

    if export.key not in ("interventions", "sessions") or not column.free_text:
        return expr
    if InfoClass.CLINICAL in classes:
        return expr
    kind = "m.kind" if export.key == "interventions" else "iv.kind"
    kinds = ", ".join(f"'{k}'" for k in sorted(CLINICAL_INTERVENTION_KINDS))
    return f"CASE WHEN {kind} IN ({kinds}) THEN NULL ELSE {expr} END"


def build(
    export: Export,
    user,
    filters: Filters,
    *,
    identified: bool,
    postgresql: bool | None = None,
    columns: tuple[Column, ...] | None = None,
) -> Built:
    """The query of ``export`` for ``user``: its SQL and parameters, and its columns."""
    if postgresql is None:
        postgresql = connection.vendor == "postgresql"
    classes = access.info_classes(user)
    dialect = Dialect(postgresql=postgresql, classes=classes)
    chosen = columns if columns is not None else columns_for(export, user, identified=identified)
    params: list = []
    selected = []
    for column in chosen:
        expr = _clinical_free_text(export, column, classes, dialect, column.expression(dialect))
        while VISIBLE_CASES in expr:
            visible_sql, visible_params = _sql(
                export.model._meta.apps.get_model("casemgmt", "Case")
                .objects.visible_to(user)
                .values("pk")
            )
            expr = expr.replace(VISIBLE_CASES, f"({visible_sql})", 1)
            params.extend(visible_params)
        selected.append(f'{expr} AS "{column.name}"')
    rows_sql, rows_params = _sql(rows_for(export, user, filters).values("pk"))
    params.extend(rows_params)
    where = f"WHERE {export.row_id} IN ({rows_sql})"
    if export.key == "audit_trail" and filters.upto is not None:
        where += " AND s.position <= %s"
        params.append(filters.upto)
    sql = f"SELECT {', '.join(selected)} {export.source} {where} ORDER BY {export.id_column}"
    return Built(sql=sql, params=params, columns=tuple(chosen))
