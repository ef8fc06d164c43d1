"""Dates in a text, resolved at the precision the text gives: absolute ("13. Januar 2026",
"2026年1月13日") and relative to a reference day, the publication date ("am Dienstag",
"im Oktober des Vorjahres", "지난 13일", "昨年10月").

The patterns are data (``rules/<lang>.yaml``, ``dates``); month and weekday names and the
words for "yesterday"/"today" come from dateparser's locale data, and absolute dates are
parsed by dateparser (``DateDataParser``, whose ``period`` gives the precision). dateparser
works offline: its locale data ships with the package, and no language detection is asked.
How the relative forms resolve:

- a weekday: the latest such day on or before the reference day;
- a day of the month without a month ("지난 13일", "13日"): that day in the reference month,
  or in the month before if it would lie after the reference day;
- a month with a year offset ("des Vorjahres", "昨年"): that month of the reference year
  plus the offset; a month alone: the latest such month on or before the reference day.

>>> import datetime as dt
>>> [(d.text, str(d.date)) for d in find_dates("Im Oktober des Vorjahres.", "de", dt.date(2026, 1, 13))]
[('Im Oktober des Vorjahres', '2025-10')]
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from dateparser.date import DateDataParser
from dateparser.languages.loader import LocaleDataLoader

from kjgraph.dates import PartialDate
from kjgraph.ingest.rules import load_rules

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class FoundDate:
    start: int
    end: int
    text: str
    date: PartialDate
    relative: bool


@cache
def _locale(lang: str) -> dict[str, object]:
    return LocaleDataLoader().get_locale(lang).info  # type: ignore[no-any-return]


def _names(lang: str, keys: tuple[str, ...]) -> dict[str, int]:
    info = _locale(lang)
    names: dict[str, int] = {}
    for number, key in enumerate(keys, start=1):
        for name in info.get(key, []):  # type: ignore[attr-defined]
            if len(name) >= 2 or not name.isascii():
                names[name.lower()] = number
    return names


def _alternatives(names: Iterable[str]) -> str:
    """A regular expression matching any of ``names``, the longest first (so "May" loses to "Mayo")."""
    return "|".join(sorted((re.escape(n) for n in names), key=len, reverse=True))


@cache
def _patterns(lang: str) -> list[tuple[re.Pattern[str], bool, int | None]]:
    months = _names(lang, _MONTHS)
    weekdays = _names(lang, _WEEKDAYS)
    out = []
    for rule in load_rules(lang).dates:
        pattern = rule.pattern.replace("{month}", f"(?:{_alternatives(months)})").replace(
            "{weekday}", f"(?:{_alternatives(weekdays)})")
        out.append((re.compile(pattern, re.IGNORECASE), rule.parse, rule.year))
    return out


@cache
def _parser(lang: str) -> DateDataParser:
    return DateDataParser(languages=[lang], settings={"PREFER_DAY_OF_MONTH": "first",
                                                      "RETURN_TIME_AS_PERIOD": False})


def _relative_days(lang: str) -> dict[str, int]:
    words: dict[str, int] = {}
    for phrase, forms in dict(_locale(lang).get("relative-type", {})).items():  # type: ignore[call-overload]
        match = re.fullmatch(r"(?:(in )?(\d+) day(?: ago)?)", phrase)
        if match:
            days = int(match.group(2)) * (1 if match.group(1) else -1)
            for form in forms:
                words[form.lower()] = days
    return words


def find_dates(text: str, lang: str, reference: dt.date | None) -> list[FoundDate]:
    """Date expressions of ``text`` in order, without overlaps (earlier rules win a tie).

    Relative forms need ``reference``; without it they are skipped.
    """
    found: list[FoundDate] = []
    taken: list[tuple[int, int]] = []
    for pattern, parse, year_offset in _patterns(lang):
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            date = _resolve(m, lang, parse, year_offset, reference)
            if date is None:
                continue
            relative = not parse and "year" not in m.groupdict()
            found.append(FoundDate(m.start(), m.end(), m.group(), date, relative))
            taken.append((m.start(), m.end()))
    return sorted(found, key=lambda f: f.start)


def _resolve(m: re.Match[str], lang: str, parse: bool, year_offset: int | None,
             reference: dt.date | None) -> PartialDate | None:
    """The date a match of a date rule names: parsed by dateparser (``parse``), else from its
    named groups (year, month or monthnum, day, weekday, relative); relative forms count
    from ``reference`` (None: not resolved), ``year_offset`` years from its year."""
    groups = {k: v for k, v in m.groupdict().items() if v}
    if parse:
        return _parsed(m.group(), lang, "day" in groups)
    month = None
    if "month" in groups:
        month = _names(lang, _MONTHS).get(groups["month"].lower())
    if "monthnum" in groups:
        month = int(groups["monthnum"])
    day = int(groups["day"]) if "day" in groups else None
    if "year" in groups:
        year = int(groups["year"])
        return PartialDate.parse(f"{year:04d}") if month is None else _date(year, month, day)
    if reference is None:
        return None
    if "weekday" in groups:
        return _last_weekday(_names(lang, _WEEKDAYS).get(groups["weekday"].lower()), reference)
    if "relative" in groups:
        offset = _relative_days(lang).get(groups["relative"].lower())
        return None if offset is None else PartialDate.parse((reference + dt.timedelta(days=offset)).isoformat())
    return _from_reference(month, day, year_offset, reference)


def _parsed(text: str, lang: str, has_day: bool) -> PartialDate | None:
    """``text`` read by dateparser at the precision it gives (day when the rule matched a day)."""
    data = _parser(lang).get_date_data(text)
    if data.date_obj is None:
        return None
    precision = data.period if data.period in ("day", "month", "year") else "day"
    if has_day:
        precision = "day"
    return PartialDate.parse(data.date_obj.date().isoformat()[: {"day": 10, "month": 7, "year": 4}[precision]])


def _last_weekday(weekday: int | None, reference: dt.date) -> PartialDate | None:
    """The last day on or before ``reference`` that is ``weekday`` (1 = Monday), or None."""
    if weekday is None:
        return None
    back = (reference.weekday() - (weekday - 1)) % 7
    return PartialDate.parse((reference - dt.timedelta(days=back)).isoformat())


def _from_reference(month: int | None, day: int | None, year_offset: int | None,
                    reference: dt.date) -> PartialDate | None:
    """A date without its year (or month) completed from ``reference``: the year
    ``year_offset`` from the reference's, else the latest such date not after it."""
    if month is not None:
        if year_offset is not None:
            return _date(reference.year + year_offset, month, day)
        return _date(reference.year if month <= reference.month else reference.year - 1, month, day)
    if day is not None:
        year, month_ = reference.year, reference.month
        if day > reference.day:
            year, month_ = (year, month_ - 1) if month_ > 1 else (year - 1, 12)
        return _date(year, month_, day)
    if year_offset is not None:
        return PartialDate.parse(f"{reference.year + year_offset:04d}")
    return None


def _date(year: int, month: int, day: int | None) -> PartialDate | None:
    if not 1 <= month <= 12:
        return None
    if day is None:
        return PartialDate.parse(f"{year:04d}-{month:02d}")
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return PartialDate.parse(f"{year:04d}-{month:02d}-{day:02d}")
