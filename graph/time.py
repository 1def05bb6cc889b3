"""As-of semantics: bounds known to a day, a month or a year, and how sure an answer is.

A bound is kept as the source gives it ("2025-01-01", "2024-11", "2034"); a
beginning counts from the first day it may denote, an end up to the last day.
A relation is possible on a date when its beginning (if known) is on or before the
date and its end (if known) on or after it; unknown bounds are open.

>>> is_valid_on(date(2024, 12, 1), "2024-11", None)
True
>>> is_valid_on(date(2024, 10, 1), "2024-11", None)
False
>>> last_day("2024-02")
datetime.date(2024, 2, 29)

How sure: a relation is *certain* on a day only where a source speaks for that day:
inside one of its observations (a day, month or year), inside its stated period, or
between a stated beginning or end and an observation. Elsewhere inside its possible
days it is only *possible*; outside them it does not hold.

>>> kroeger = RelationTime(start="2024-11", observations=("2024-12",))
>>> kroeger.certainty(date(2024, 12, 18)), kroeger.certainty(date(2024, 11, 15)), kroeger.certainty(date(2030, 1, 1))
('certain', 'possible', 'possible')
>>> kroeger.certainty(date(2024, 10, 31)) is None
True
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Iterable
from zoneinfo import ZoneInfo

_BOUND = re.compile(r"^(-?\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")

CERTAIN = "certain"
POSSIBLE = "possible"
NRW_TIME_ZONE = ZoneInfo("Europe/Berlin")


def today_in_nrw() -> date:
    """Today's date where the network is (the default as-of date)."""
    return datetime.now(NRW_TIME_ZONE).date()


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


def is_day(bound: str) -> bool:
    """Whether a bound is known to the day.

    >>> is_day("2024-01-01"), is_day("2024")
    (True, False)
    """
    return _parts(bound)[2] is not None


def precision_rank(bound: str) -> int:
    """0 for a year, 1 for a month, 2 for a day: the more precise, the higher."""
    _, month, day = _parts(bound)
    return 2 if day else 1 if month else 0


def day_before(day: date) -> date:
    """The day before `day`."""
    return day - timedelta(days=1)


def is_valid_on(day: date, start: str | None, end: str | None) -> bool:
    """Whether a relation with these bounds may hold on `day` (unknown bounds are open)."""
    if start and first_day(start) > day:
        return False
    if end and last_day(end) < day:
        return False
    return True


@dataclass(frozen=True)
class Span:
    """A closed range of days; None on a side means open."""

    first: date | None
    last: date | None

    def contains(self, day: date) -> bool:
        """Whether `day` lies in the span."""
        return (self.first is None or self.first <= day) and (self.last is None or day <= self.last)

    def is_empty(self) -> bool:
        """Whether no day lies in the span."""
        return self.first is not None and self.last is not None and self.first > self.last

    def clipped(self, other: Span) -> Span:
        """The days of both spans."""
        firsts = [day for day in (self.first, other.first) if day is not None]
        lasts = [day for day in (self.last, other.last) if day is not None]
        return Span(max(firsts) if firsts else None, min(lasts) if lasts else None)


def bound_span(bound: str) -> Span:
    """The days a date, month or year denotes.

    >>> bound_span("2024-11")
    Span(first=datetime.date(2024, 11, 1), last=datetime.date(2024, 11, 30))
    """
    return Span(first_day(bound), last_day(bound))


@dataclass(frozen=True)
class RelationTime:
    """What the sources (and the rules) say about when one relation holds.

    `start`/`end` are its known bounds (stated by a source, or a beginning that follows
    from an appointment); `lower`/`upper` are limits that come only from the lifetimes of
    its two ends (the relation may have begun later or ended earlier); `observations`
    are the dates on which sources saw it, as precise as they give them.
    """

    start: str | None = None
    end: str | None = None
    lower: date | None = None
    upper: date | None = None
    observations: tuple[str, ...] = ()

    def possible(self) -> Span:
        """The days on which the relation may hold."""
        span = Span(first_day(self.start) if self.start else None, last_day(self.end) if self.end else None)
        return span.clipped(Span(self.lower, self.upper))

    def effective_observations(self) -> tuple[str, ...]:
        """The observations that fall (at least partly) inside the possible days, in date order."""
        possible = self.possible()
        inside = [bound for bound in self.observations if not bound_span(bound).clipped(possible).is_empty()]
        return tuple(sorted(set(inside), key=lambda bound: (first_day(bound), last_day(bound))))

    def certain(self) -> tuple[Span, ...]:
        """The days on which the relation certainly holds, as disjoint spans in date order.

        >>> RelationTime(start="2016-12", end="2019").certain()
        (Span(first=datetime.date(2016, 12, 31), last=datetime.date(2019, 1, 1)),)
        >>> RelationTime(start="2025-01-01", observations=("2024-12",)).certain()
        ()
        """
        possible = self.possible()
        observed = [bound_span(bound).clipped(possible) for bound in self.effective_observations()]
        spans = [span for span in observed if not span.is_empty()]
        # A known beginning has certainly happened by its last day; a known end not before its first.
        begun = last_day(self.start) if self.start else None
        ended = first_day(self.end) if self.end else None
        if begun and ended:
            spans.append(Span(begun, ended))
        if begun and spans:
            latest = max(span.last for span in spans if span.last is not None)
            spans.append(Span(begun, latest))
        if ended and spans:
            earliest = min(span.first for span in spans if span.first is not None)
            spans.append(Span(earliest, ended))
        return _merged([span for span in spans if not span.is_empty()])

    def certainty(self, day: date) -> str | None:
        """"certain", "possible", or None where the relation does not hold on `day`."""
        return certainty_on(day, self.possible(), self.certain())


def certainty_on(day: date, possible: Span, certain: Iterable[Span]) -> str | None:
    """How sure a relation with these possible and certain days is on `day`: every view asks this.

    >>> certainty_on(date(2025, 6, 1), Span(date(2024, 1, 1), None), [Span(date(2024, 12, 1), date(2024, 12, 31))])
    'possible'
    """
    if not possible.contains(day):
        return None
    return CERTAIN if any(span.contains(day) for span in certain) else POSSIBLE


def _merged(spans: list[Span]) -> tuple[Span, ...]:
    """Overlapping or adjacent spans joined (all closed on both sides)."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda span: span.first):  # type: ignore[arg-type, return-value]
        if merged and merged[-1].last is not None and span.first is not None and span.first <= merged[-1].last + timedelta(days=1):
            last = max(merged[-1].last, span.last) if span.last is not None else None
            merged[-1] = Span(merged[-1].first, last)
        else:
            merged.append(span)
    return tuple(merged)
