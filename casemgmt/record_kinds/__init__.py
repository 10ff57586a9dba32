"""Every kind of record on a case, declared once.

A ``RecordKind`` names its model, its information class, the form and the write
service that add one from the case page, the page section that lists it, and its
timeline source with the sentence the timeline shows. Everything else is derived
from these declarations: the access policy's record classes, the timeline's
UNION, the timeline labels, the role permissions' model list, the case page's
sections and the "add" and "action" URLs.

This module imports nothing of ours but the information classes: ``roles.py``
(imported by the models and by data migrations) derives permissions from it, so
models, forms and services are named by dotted path and resolved on first use.
How to add a kind: docs/architecture.md.
"""

from casemgmt.record_kinds.actions import RECORD_ACTIONS
from casemgmt.record_kinds.kinds import RECORD_KINDS
from casemgmt.record_kinds.sections import (
    CASE_TABS,
    NOT_RECORD_KINDS,
    SECTIONS,
    SECTIONS_BY_KEY,
    TIMELINE_TAB,
    case_data_model_names,
    kinds_in,
    section_classes,
    section_url,
)
from casemgmt.record_kinds.types import (
    CaseTab,
    RecordAction,
    RecordKind,
    Section,
    TimelineSource,
)

__all__ = [
    "CASE_TABS",
    "CaseTab",
    "TIMELINE_TAB",
    "section_url",
    "NOT_RECORD_KINDS",
    "RECORD_ACTIONS",
    "RECORD_KINDS",
    "SECTIONS",
    "SECTIONS_BY_KEY",
    "RecordAction",
    "RecordKind",
    "Section",
    "TimelineSource",
    "case_data_model_names",
    "kinds_in",
    "section_classes",
]
