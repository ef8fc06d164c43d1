"""Dates at the precision a source gives them.

A date is ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; it is never padded to a day.

>>> d = PartialDate.parse("2025-10")
>>> d.precision, d.earliest, d.latest
('month', datetime.date(2025, 10, 1), datetime.date(2025, 10, 31))
>>> PartialDate.parse("2023-02-30")
Traceback (most recent call last):
...
ValueError: '2023-02-30' is not a calendar date (day is out of range for month)
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # RDFLib is loaded by literal() only: reading dates in a query needs none of it
    from rdflib import Literal as RDFLiteral

Precision = Literal["year", "month", "day"]
_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A calendar date known to the year, month or day."""

    earliest: dt.date
    latest: dt.date
    precision: Precision

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; raise ValueError otherwise."""
        match = _PATTERN.match(str(text).strip())
        if not match:
            raise ValueError(f"expected YYYY, YYYY-MM or YYYY-MM-DD, found {text!r}")
        year, month, day = match.groups()
        try:
            if day:
                d = dt.date(int(year), int(month), int(day))
                return cls(d, d, "day")
            if month:
                last = calendar.monthrange(int(year), int(month))[1]
                return cls(dt.date(int(year), int(month), 1),
                           dt.date(int(year), int(month), last), "month")
        except ValueError as exc:
            raise ValueError(f"{text!r} is not a calendar date ({exc})") from None
        return cls(dt.date(int(year), 1, 1), dt.date(int(year), 12, 31), "year")

    def __str__(self) -> str:
        if self.precision == "day":
            return self.earliest.isoformat()
        if self.precision == "month":
            return self.earliest.isoformat()[:7]
        return self.earliest.isoformat()[:4]

    def literal(self) -> RDFLiteral:
        """The literal typed by precision: xsd:date, xsd:gYearMonth or xsd:gYear."""
        from rdflib import Literal as RDFLiteral
        from rdflib.namespace import XSD

        datatype = {"day": XSD.date, "month": XSD.gYearMonth, "year": XSD.gYear}[self.precision]
        return RDFLiteral(str(self), datatype=datatype)

    def covers(self, day: dt.date) -> bool:
        return self.earliest <= day <= self.latest
