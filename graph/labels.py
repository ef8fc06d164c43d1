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
from typing import TYPE_CHECKING

from kjgraph.errors import KjgraphError

if TYPE_CHECKING:  # kjgraph.query imports this module
    from kjgraph.query import Graph

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


def check_language_tag(tag: str) -> str:
    """A BCP 47 tag whose language kjgraph supports (``ko``, ``ko-Hani``, ``ja-Latn``), as given;
    else :class:`UnsupportedLanguage` (a tag that is not well-formed too).

    >>> check_language_tag("ko-Hani")
    'ko-Hani'
    >>> check_language_tag("fr-CA")
    Traceback (most recent call last):
    ...
    kjgraph.labels.UnsupportedLanguage: unsupported language 'fr-CA'; choose one of en, ko, ja, de
    """
    import re

    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", tag.strip()):
        raise UnsupportedLanguage(f"{tag!r} is not a language tag; choose one of {', '.join(LANGUAGES)}")
    if truncations(tag.strip())[-1] not in LANGUAGES:
        raise UnsupportedLanguage(f"unsupported language {tag!r}; choose one of {', '.join(LANGUAGES)}")
    return tag.strip()


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


#: The label properties :func:`graph_labels` reads.
LABEL_PROPERTY = "http://www.w3.org/2000/01/rdf-schema#label"


def graph_labels(kg: Graph, iris: Iterable[str], lang: str, *, chunk: int = 500) -> dict[str, str]:
    """The ``rdfs:label`` a reader of ``lang`` sees for each IRI that has one (:func:`lookup`).

    ``kg`` is anything with the ``rows`` method of :class:`kjgraph.query.KnowledgeGraph` (the
    embedded store or a remote server); the labels are read ``chunk`` IRIs per query.
    """
    wanted = sorted(set(iris))
    found: dict[str, list[tuple[str, str]]] = {}
    for start in range(0, len(wanted), chunk):
        values = " ".join(f"<{iri}>" for iri in wanted[start:start + chunk])
        for row in kg.rows(f"SELECT ?x ?l WHERE {{ VALUES ?x {{ {values} }} ?x <{LABEL_PROPERTY}> ?l }}"):
            label = row["l"]
            if row["x"] is not None and label is not None:
                found.setdefault(row["x"].value, []).append((label.value, getattr(label, "language", None) or ""))
    for labels in found.values():
        labels.sort()
    return {iri: picked[0] for iri, labels in found.items() if (picked := lookup(labels, lang))}
