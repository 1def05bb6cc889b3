"""As-of semantics of relation periods whose bounds are known to a day, a month or a year.

A bound is kept as the source gives it ("2025-01-01", "2024-11", "2034"); a
beginning counts from the first day it may denote, an end up to the last day.
A relation is valid on a date when its beginning (if known) is on or before the
date and its end (if known) on or after it; unknown bounds are open.

>>> is_valid_on(date(2024, 12, 1), "2024-11", None)
True
>>> is_valid_on(date(2024, 10, 1), "2024-11", None)
False
>>> last_day("2024-02")
datetime.date(2024, 2, 29)
"""

from __future__ import annotations

import calendar
import re
from datetime import date

_BOUND = re.compile(r"^(-?\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def parse_date(text: str) -> date:
    """A full ISO date (YYYY-MM-DD); raises ValueError naming the expected form.

    >>> parse_date("2025-03-01")
    datetime.date(2025, 3, 1)
    """
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"invalid date {text!r}: expected YYYY-MM-DD, e.g. 2025-03-01") from None


def _parts(bound: str) -> tuple[int, int | None, int | None]:
    match = _BOUND.match(bound.strip())
    if not match:
        raise ValueError(f"not an xsd:date, xsd:gYearMonth or xsd:gYear value: {bound!r}")
    year, month, day = match.groups()
    return int(year), int(month) if month else None, int(day) if day else None


def first_day(bound: str) -> date:
    """The first day a date, month or year denotes (timezones and times are ignored)."""
    year, month, day = _parts(bound)
    return date(year, month or 1, day or 1)


def last_day(bound: str) -> date:
    """The last day a date, month or year denotes."""
    year, month, day = _parts(bound)
    if day:
        return date(year, month or 1, day)
    month = month or 12
    return date(year, month, calendar.monthrange(year, month)[1])


def is_valid_on(day: date, start: str | None, end: str | None) -> bool:
    """Whether a relation with these bounds holds on `day` (unknown bounds are open)."""
    if start and first_day(start) > day:
        return False
    if end and last_day(end) < day:
        return False
    return True
