"""Template helpers: translated labels of codes stored as plain values."""

from django import template

register = template.Library()


def _label(choices, value):
    return str(dict(choices.choices).get(value, value))


@register.filter
def agency_kind(value: str) -> str:
    """The translated label of an agency kind stored as its code."""
    from casemgmt.models import AgencyKind

    return _label(AgencyKind, value)


@register.filter
def rating_label(value: str) -> str:
    from casemgmt.models import Rating

    return _label(Rating, value)
