"""The declaration of one export (``definitions`` lists them)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise

from casemgmt.exports.columns import Column
from casemgmt.info_classes import InfoClass


@dataclass(frozen=True)
class Export:
    """One CSV export: its rows are those of ``model`` (``model_label``) on the cases the
    user may export, in ``id_column`` order; ``source`` is the SQL FROM clause over the
    aliases its columns use (``c`` is always the case, ``p`` its person)."""

    key: str
    title: str | Promise
    description: str
    info_class: InfoClass  # the class of its rows: a user who may not read it has no export
    model_label: str
    case_path: str  # from the model to its case ("" for the case itself)
    date_path: str  # the date the date range filters on
    source: str
    id_column: str
    columns: tuple[Column, ...]
    record_kind: str = ""  # for the access policy's row rules (juvenile, triggers)
    row_id: str = "m.id"  # the SQL of the model's id in ``source``

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def model(self):
        from django.apps import apps

        return apps.get_model(self.model_label)

    @property
    def date_field(self) -> str:
        return self.date_path.rsplit("__", 1)[-1]
