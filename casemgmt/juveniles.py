"""Age as of a date, and the day a person joins the adult track (DOMAIN.md: juveniles
are a separate, more protected track).

A person is a juvenile on a day when they are under 18 on that day; a record belongs to
the juvenile track when the person was under 18 on the record's date. Each ``Person``
stores ``adult_on`` (the 18th birthday) so the access policy compares dates in SQL.
"""

from __future__ import annotations

import datetime

ADULT_AGE = 18


def age_on(person, day: datetime.date) -> int:
    """The person's age in whole years on ``day``."""
    dob = person.date_of_birth
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def adult_from(date_of_birth: datetime.date | None) -> datetime.date | None:
    """The first day the person is 18 (born on 29 February: 1 March in a common year)."""
    if date_of_birth is None:
        return None
    year = date_of_birth.year + ADULT_AGE
    try:
        return date_of_birth.replace(year=year)
    except ValueError:
        return datetime.date(year, 3, 1)


def is_juvenile_on(person, day: datetime.date) -> bool:
    return age_on(person, day) < ADULT_AGE
