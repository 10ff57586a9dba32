"""Formula-safe cells: a text cell a spreadsheet would evaluate gets a leading apostrophe.

A cell is dangerous when, after any run of spaces, control characters, no-break spaces
or byte-order marks, it starts with ``=``, ``+``, ``-``, ``@``, ``|`` or ``%``, or with
a tab, carriage return or NUL (which some spreadsheets skip before evaluating). Only
text columns are neutralised: numbers and dates stay typed values, so a negative score
is still a number.

The same rule is applied twice, identically: inside the ``COPY`` query on PostgreSQL
(``sql``, a POSIX regular expression) and in the stream on SQLite (``neutralise``).
"""

from __future__ import annotations

import re

PREFIX = "'"

# What may hide a dangerous first character (PostgreSQL text never holds NUL): control
# characters, spaces of every width (U+2000-U+200B, the line and paragraph separators,
# the narrow, medium and ideographic spaces) and byte-order marks.
_HIDING = r"\x01-\x20\x7f-\x9f\xa0\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff"
_DANGEROUS = r"=+@|%\t\r-"

PATTERN = re.compile(rf"^[\x00{_HIDING}]*[\x00{_DANGEROUS}]")

# The same class for PostgreSQL's regular expressions (ARE): character-entry escapes
# are valid inside brackets there too.
PG_PATTERN = (
    r"^[\x01-\x20\x7f-\x9f\u00a0\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]*"
    r"[=+@|%\t\r-]"
)


def is_dangerous(value: str) -> bool:
    return bool(PATTERN.match(value))


def neutralise(value):
    """The cell as written: text that would be evaluated gets the apostrophe; anything
    else (numbers, None, safe text) is returned as it is."""
    if isinstance(value, str) and PATTERN.match(value):
        return PREFIX + value
    return value


def sql(expression: str) -> str:
    """``expression`` made formula-safe in PostgreSQL. The pattern is a literal in the
    query (whose parameters are bound before ``COPY``), its ``%`` doubled for that."""
    pattern = PG_PATTERN.replace("%", "%%")
    return f"CASE WHEN {expression} ~ '{pattern}' THEN '''' || {expression} ELSE {expression} END"
