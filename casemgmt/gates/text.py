"""How gates write dates and lists of kinds in their reasons."""

import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _


def local_date(value) -> str:
    """A local, translated date for people (aware datetimes converted to local time)."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATE_FORMAT")


def either_of(choices_cls, values) -> str:
    """The choices' labels joined with "or": "Court order or Detention order"."""
    labels = dict(choices_cls.choices)
    return _(" or ").join(str(labels.get(v, v)) for v in values)
