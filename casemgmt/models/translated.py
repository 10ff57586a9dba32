"""Configured names in the reader's language (issue 14): ``name`` stays the English value
(the one column that constraints, ordering, filters and the audit use); ``name_ur``
beside it holds the Urdu one, edited in the admin. Reading ``obj.name`` gives the value
of the active language, or the English one when that is empty, so templates, forms'
choice labels and messages need no change.

Writes never depend on the language of the request: saving, validating, the admin's
form values and the audit read the stored English value (``stored``). Queries that read
names by field path (``values``, the timeline's UNION) pick the column with ``localized``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce, NullIf
from django.db.models.query_utils import DeferredAttribute
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# The languages a configured name can have besides English; each is a ``<field>_<code>``.
OTHER_LANGUAGES = ("ur",)

# While set, translated fields read as their stored (English) values: see ``stored_values``.
_STORED: ContextVar[bool] = ContextVar("stored_values", default=False)


@contextmanager
def stored_values() -> Iterator[None]:
    """Inside, ``obj.name`` is the stored English value whatever the active language."""
    token = _STORED.set(True)
    try:
        yield
    finally:
        _STORED.reset(token)


def active_suffix() -> str | None:
    """The active language's code when configured names have a column for it, else None."""
    code = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return code if code in OTHER_LANGUAGES else None


class _TranslatedAttribute(DeferredAttribute):
    """A data descriptor (so it is asked even when the value is loaded): the active
    language's value with English fallback; assignment sets the English value."""

    def __get__(self, instance, cls=None):
        value = super().__get__(instance, cls)
        if instance is None or _STORED.get():
            return value
        suffix = active_suffix()
        if suffix is None:
            return value
        # Never loads a deferred column: a row read without it shows English.
        return instance.__dict__.get(f"{self.field.attname}_{suffix}") or value

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value


class TranslatedMixin:
    """A field whose attribute reads in the active language; the column is English."""

    descriptor_class = _TranslatedAttribute

    def stored(self, instance):
        with stored_values():
            return getattr(instance, self.attname)

    def pre_save(self, model_instance, add):
        return self.stored(model_instance)

    def value_from_object(self, obj):
        return self.stored(obj)

    def clean(self, value, model_instance):
        # Model.clean_fields passes the attribute's (translated) value and assigns the result.
        if model_instance is not None:
            value = self.stored(model_instance)
        return super().clean(value, model_instance)


class TranslatedCharField(TranslatedMixin, models.CharField):
    def deconstruct(self):
        # The column is a plain one: migrations (and their historical models) say so.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs


class TranslatedTextField(TranslatedMixin, models.TextField):
    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.TextField", args, kwargs


class TranslatedModel(models.Model):
    """A model with translated fields: checks and reloads go by the stored values."""

    class Meta:
        abstract = True

    def validate_unique(self, exclude=None):
        with stored_values():
            return super().validate_unique(exclude)

    def validate_constraints(self, exclude=None):
        with stored_values():
            return super().validate_constraints(exclude)

    def refresh_from_db(self, *args, **kwargs):
        with stored_values():
            return super().refresh_from_db(*args, **kwargs)

    def serializable_value(self, field_name):
        with stored_values():
            return super().serializable_value(field_name)


def translated_field_names(model) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if isinstance(f, TranslatedMixin)]


def is_translated(model, path: str) -> bool:
    """Whether the field at ``path`` (``__`` through relations) is a translated field."""
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return isinstance(model._meta.get_field(name), TranslatedMixin)


def localized(model, path: str):
    """An expression for the field at ``path`` in the active language, English when the
    translation is empty (for ``values``, ``annotate`` and the timeline's UNION)."""
    suffix = active_suffix()
    if suffix is None or not is_translated(model, path):
        return models.F(path)
    return Coalesce(
        NullIf(models.F(f"{path}_{suffix}"), models.Value("")),
        models.F(path),
        output_field=models.CharField(),
    )


def stored(obj, field: str = "name"):
    """The stored (English) value of ``obj.<field>``, whatever the active language: for
    comparing names, and for text written to the database."""
    with stored_values():
        return getattr(obj, field)


def in_languages(obj, field: str = "name") -> dict[str, str]:
    """``obj.<field>`` in every language it has, for text stored now and worded later
    (a gate reason names a stage in the language of whoever reads it)."""
    with stored_values():
        values = {settings.LANGUAGE_CODE: getattr(obj, field)}
    for code in OTHER_LANGUAGES:
        if value := obj.__dict__.get(f"{field}_{code}"):
            values[code] = value
    return values


def pick(value) -> str:
    """A value stored by ``in_languages``, in the active language (English fallback); a
    plain string (stored before names had languages) as it is."""
    if not isinstance(value, dict):
        return str(value)
    suffix = active_suffix()
    return str(value.get(suffix or "") or value.get(settings.LANGUAGE_CODE) or "")


def urdu_field(verbose_name, *, max_length: int | None = None):
    """The Urdu column beside a translated field: empty means "show the English value"."""
    help_text = _("Shown when the site is read in Urdu; left empty, the English value is shown.")
    if max_length is None:
        return models.TextField(verbose_name, blank=True, default="", help_text=help_text)
    return models.CharField(
        verbose_name, max_length=max_length, blank=True, default="", help_text=help_text
    )
