"""The language rules of ``kjgraph ingest``, kept as data in ``rules/<lang>.yaml``.

Each file is checked against :class:`LanguageRules` when read; a mistake is reported as
``rules/<file>: field: message``. Regular expressions are compiled once (case-insensitive)
and ``{month}``/``{weekday}`` in date patterns are filled in from dateparser's locale data
for the language, so month and weekday names come from the library, not from us.

>>> rules = load_rules("de")
>>> rules.triggers[0].kind, rules.stemmer
('Commitment', 'german')
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from ruamel.yaml import YAML

from kjgraph.errors import KjgraphError

Language = Literal["de", "en", "ko", "ja"]
LANGUAGES: tuple[Language, ...] = ("de", "en", "ko", "ja")


class RulesError(KjgraphError):
    """A rules file is malformed (the message names the file and the field)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _regex(value: str) -> str:
    try:
        re.compile(value.replace("{month}", "x").replace("{weekday}", "x"))
    except re.error as exc:
        raise ValueError(f"not a regular expression ({exc}): {value!r}") from None
    return value


class Trigger(_Strict):
    pattern: str
    kind: Literal["Commitment", "Agreement", "Proposal", "SharedPosition"]
    status: Literal["agreed", "proposed", "emphasised", "reaffirmed", "planned"]
    join: bool = False  # "X will join Y": a planned membership of X in the body Y
    _check = field_validator("pattern")(lambda v: _regex(v))


class Frame(_Strict):
    pattern: str
    add: bool
    _check = field_validator("pattern")(lambda v: _regex(v))


class EventCue(_Strict):
    pattern: str
    kind: str
    main: bool = False  # the first sentence with such a cue reports the document's event
    part_of_main: bool = False
    _check = field_validator("pattern")(lambda v: _regex(v))


class DateRule(_Strict):
    pattern: str
    parse: bool = False  # hand the matched text to dateparser (absolute dates)
    year: int | None = None  # year relative to the reference date (-1: the year before)
    _check = field_validator("pattern")(lambda v: _regex(v))


class UnknownRule(_Strict):
    pattern: str
    hint: Literal["person", "place", "body", "acronym", "name"]
    _check = field_validator("pattern")(lambda v: _regex(v))


class LanguageRules(_Strict):
    """The rules of one language (``rules/<lang>.yaml``)."""

    stemmer: str | None = None  # a Snowball algorithm name; None for languages matched by character
    compound_prefix: int = 0  # min. letters for a name to match the start of a longer word (0: never)
    word_boundary: Literal["tokens", "left", "none"] = "tokens"
    stopwords: list[str] = []
    terms: dict[str, list[str]] = {}
    titles: dict[str, list[str]] = {}
    title_position: Literal["before", "after"] = "before"
    honorifics: list[str] = []
    place_suffixes: list[str] = []
    blocked: list[str] = []
    both_parties: list[str] = []
    triggers: list[Trigger] = []
    remarks: list[str] = []
    clause_breaks: list[str] = []
    separators: list[str] = []
    distributive: list[str] = []
    anaphora: list[str] = []
    frames: list[Frame] = []
    events: list[EventCue] = []
    locative_before: list[str] = []  # what stands before a place where something happens ("in ")
    locative_after: list[str] = []  # ... or after it (Korean and Japanese particles: "에서", "で")
    event_span: Literal["forward", "backward"] = "forward"  # where a visit's place and people stand
    first_visit: str | None = None
    reciprocal: str | None = None
    dates: list[DateRule] = []
    unknown: list[UnknownRule] = []
    not_names: list[str] = []

    @field_validator("both_parties", "remarks", "locative_before", "locative_after", "clause_breaks",
                     "separators", "distributive", "anaphora")
    @classmethod
    def _regexes(cls, value: list[str]) -> list[str]:
        return [_regex(v) for v in value]


class CountrySet(_Strict):
    countries: list[str] = Field(min_length=2)
    topic: str


class CommonRules(_Strict):
    """The rules that hold in every language (``rules/common.yaml``)."""

    country_sets: list[CountrySet] = []
    country_set_window: int = 40
    passive_parties: dict[str, Literal["both", "none"]] = {}
    status_words: dict[str, dict[str, str]] = {}
    korean_surname_romanisations: dict[str, list[str]] = {}
    korean_two_syllable_surnames: list[str] = []
    long_vowels: dict[str, list[str]] = {}


def _read(name: str) -> object:
    text = files("kjgraph.ingest").joinpath("rules", f"{name}.yaml").read_text(encoding="utf-8")
    return YAML(typ="safe").load(text)


def _validated(model: type[_Strict], name: str) -> _Strict:
    try:
        return model.model_validate(_read(name))
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "(file)"
        raise RulesError(f"rules/{name}.yaml: {field}: {first['msg']}") from None


@cache
def load_rules(lang: str) -> LanguageRules:
    """The checked rules of ``lang`` (one of de, en, ko, ja); raises :class:`RulesError`."""
    if lang not in LANGUAGES:
        raise RulesError(f"no ingest rules for language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    rules = _validated(LanguageRules, lang)
    assert isinstance(rules, LanguageRules)
    return rules


@cache
def common_rules() -> CommonRules:
    """The checked language-independent rules; raises :class:`RulesError`."""
    rules = _validated(CommonRules, "common")
    assert isinstance(rules, CommonRules)
    return rules


@cache
def compiled(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled once, case-insensitive."""
    return re.compile(pattern, re.IGNORECASE)
