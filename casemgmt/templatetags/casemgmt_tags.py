"""Template helpers: translated labels of codes stored as plain values, and links to a
section of the case page on its tab."""

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


@register.simple_tag
def section_url(reference: str, key: str) -> str:
    """``{% section_url case.reference "reviews" %}``: the section on its tab of the case page."""
    from casemgmt.record_kinds import section_url

    return section_url(reference, key)
