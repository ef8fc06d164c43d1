"""Choosing a label for a reader: the languages kjgraph speaks and RFC 4647 lookup.

Labels in the graph carry BCP 47 tags (``ko``, ``ko-Hani``, ``ja-Latn`` …). A reader asks for a
language range (``ko``); :func:`lookup` implements the *lookup* scheme of RFC 4647 §3.4: the
range is tried as is, then truncated subtag by subtag (``ko-Hani`` → ``ko``), comparing tags
case-insensitively and never matching a more specific tag (``ko`` does not pick ``ko-Hani``).
When nothing matches it falls back to the default language, then to a literal without a
language, then to the first label by tag, so a reader always sees a name. One function picks
labels everywhere: pages, renderings, plots, the CLI and the Python API.

>>> labels = [("李在明", "ko-Hani"), ("이재명", "ko"), ("Lee Jae-myung", "en")]
>>> lookup(labels, "ko")
('이재명', 'ko')
>>> lookup(labels, "de")
('Lee Jae-myung', 'en')
>>> lookup([("Nara", "ja-Latn"), ("奈良", "ja")], "ja-Latn")
('Nara', 'ja-Latn')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from kjgraph.errors import KjgraphError

#: The languages of kjgraph's labels and interface, in the order they are shown.
LANGUAGES: tuple[str, ...] = ("en", "ko", "ja", "de")
#: The language used when the reader's is missing.
DEFAULT_LANGUAGE = "en"


class UnsupportedLanguage(KjgraphError, ValueError):
    """A language kjgraph does not speak was asked for (the message lists the supported ones)."""


def check_language(lang: str) -> str:
    """``lang`` normalised to lower case if kjgraph supports it, else :class:`UnsupportedLanguage`.

    >>> check_language("KO")
    'ko'
    >>> check_language("fr")
    Traceback (most recent call last):
    ...
    kjgraph.labels.UnsupportedLanguage: unsupported language 'fr'; choose one of en, ko, ja, de
    """
    norm = lang.strip().lower()
    if norm not in LANGUAGES:
        raise UnsupportedLanguage(f"unsupported language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    return norm


def truncations(language_range: str) -> list[str]:
    """The tags RFC 4647 lookup tries for a range, most specific first (lower case).

    A singleton subtag left at the end after truncation is dropped with it (§3.4 step 3).

    >>> truncations("zh-Hant-CN-x-private1")
    ['zh-hant-cn-x-private1', 'zh-hant-cn', 'zh-hant', 'zh']
    """
    parts = language_range.lower().split("-")
    tried: list[str] = []
    while parts:
        tried.append("-".join(parts))
        parts = parts[:-1]
        if parts and len(parts[-1]) == 1:
            parts = parts[:-1]
    return tried


def lookup(labels: Iterable[tuple[str, str]], lang: str, *,
           default: str = DEFAULT_LANGUAGE) -> tuple[str, str] | None:
    """The ``(text, tag)`` label a reader of ``lang`` should see, or ``None`` without labels.

    ``labels`` are ``(text, tag)`` pairs, the tag ``""`` for a literal without a language.
    Order of preference: RFC 4647 lookup of ``lang``, then of ``default``, then a literal
    without a language, then the label with the smallest tag (a stable choice).
    """
    by_tag: dict[str, tuple[str, str]] = {}
    for text, tag in labels:
        by_tag.setdefault(tag.lower(), (text, tag))
    if not by_tag:
        return None
    for wanted in (*truncations(lang), *truncations(default), ""):
        if wanted in by_tag:
            return by_tag[wanted]
    return by_tag[min(by_tag)]


def lookup_text(labels: Mapping[str, str], lang: str, *, default: str = DEFAULT_LANGUAGE,
                missing: str = "") -> str:
    """:func:`lookup` over a ``{tag: text}`` mapping, returning only the text.

    >>> lookup_text({"ko-Hani": "文在寅", "ko": "문재인", "en": "Moon Jae-in"}, "ko")
    '문재인'
    >>> lookup_text({}, "en", missing="?")
    '?'
    """
    found = lookup(((text, tag) for tag, text in labels.items()), lang, default=default)
    return found[0] if found else missing
