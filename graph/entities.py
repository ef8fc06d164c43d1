"""Naming an entity on the command line: an IRI, ``kind:slug``, ``kind/slug`` or a label.

One resolver for every command that takes an entity (``kjgraph render entity``, ``kjgraph
analyze path``): :func:`match_entity` matches a text against labels in any language (exact,
case-insensitive, Unicode case folding) or a slug, and says which entities a near miss could
mean; :func:`resolve_entity` reads the labels from a graph.

>>> labels = {"https://w3id.org/kjgraph/id/place/nara": ["Nara", "나라", "奈良"]}
>>> match_entity("나라", labels)
'https://w3id.org/kjgraph/id/place/nara'
>>> match_entity("place:nara", labels)
'https://w3id.org/kjgraph/id/place/nara'
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING

from kjgraph.errors import KjgraphError
from kjgraph.iris import BASE

if TYPE_CHECKING:
    from kjgraph.query import Graph

ID = f"{BASE}id/"


class EntityError(KjgraphError, LookupError):
    """No entity, or more than one, answers to the name given (the message lists candidates)."""


def as_iri(text: str) -> str | None:
    """The IRI ``text`` spells (full, ``kind:slug`` with a prefix kjgraph knows, or ``kind/slug``), or None."""
    from kjgraph.query import PREFIXES

    text = text.strip()
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    if text.startswith(("http://", "https://", "urn:")):
        return text
    kind, slash, slug = text.partition("/")
    if slash and slug and kind in PREFIXES and kind not in ("kjo", "kjg") and " " not in text:
        return f"{ID}{text}"
    return None


def match_entity(text: str, labels: Mapping[str, Iterable[str]], *,
                 demote: Collection[str] = (), english: Mapping[str, str] | None = None) -> str:
    """The IRI among ``labels``' keys that ``text`` names.

    ``text`` is an IRI or ``kind:slug`` (it must be a key), a label in any language (exact,
    case-insensitive) or a slug (``nara``). ``demote``: entities that only win when nothing else
    matches (sources titled after a person). Raises :class:`EntityError` naming candidates.
    """
    iri = as_iri(text)
    if iri is not None:
        if iri in labels:
            return iri
        raise EntityError(f"no entity {iri} in the graph")
    folded = text.strip().casefold()
    sets = {k: [str(v) for v in vs] for k, vs in labels.items()}
    matches = _named_by(folded, sets)
    if len(matches) > 1:
        matches = [m for m in matches if m not in demote] or matches
    if len(matches) == 1:
        return matches[0]
    raise _not_one(text.strip(), folded, matches, sets, english or {})


def _named_by(folded: str, sets: Mapping[str, list[str]]) -> list[str]:
    """The keys (sorted) with a label equal to ``folded`` (case-folded), else those whose slug is it."""
    matches = sorted(k for k, vs in sets.items() if any(v.casefold() == folded for v in vs))
    return matches or sorted(k for k in sets if k.rsplit("/", 1)[-1] == folded)


def _not_one(text: str, folded: str, matches: list[str], sets: Mapping[str, list[str]],
             english: Mapping[str, str]) -> EntityError:
    """The error for a name that matches no entity (with the labels containing it) or several (listed)."""
    def name(k: str) -> str:
        return english.get(k) or next(iter(sets.get(k, [])), k)

    if not matches:
        near = sorted({name(k) for k, vs in sets.items() if folded and any(folded in v.casefold() for v in vs)})
        hint = f"; labels containing it: {', '.join(near[:15])}" if near else ""
        return EntityError(f"no entity labelled {text!r} (en/ko/ja/de, exact match){hint}")
    listing = "; ".join(f"{k} ({name(k)})" for k in matches)
    return EntityError(f"{text!r} names {len(matches)} entities, give one IRI: {listing}")


def resolve_entity(kg: Graph, text: str, *, within: Collection[str] | None = None) -> str:
    """The IRI of the kjgraph instance ``text`` names in graph ``kg`` (see :func:`match_entity`).

    Labels are ``rdfs:label`` of ``https://w3id.org/kjgraph/id/…`` IRIs; ``within`` limits the
    candidates (the nodes of a projection). Sources lose ties (a source titled after a leader
    does not make the leader's name ambiguous).
    """
    iri = as_iri(text)
    if iri is not None and (within is None or iri in within):
        if within is not None or kg.execute(f"ASK {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }} }}"):
            return iri
        raise EntityError(f"no entity {iri} in the graph")
    labels: dict[str, list[str]] = {}
    english: dict[str, str] = {}
    rows = kg.rows(f'SELECT ?x ?l WHERE {{ ?x <http://www.w3.org/2000/01/rdf-schema#label> ?l '
                   f'FILTER (STRSTARTS(STR(?x), "{ID}")) }}')
    for row in rows:
        x, label = row["x"], row["l"]
        if x is None or label is None or (within is not None and x.value not in within):
            continue
        labels.setdefault(x.value, []).append(label.value)
        if getattr(label, "language", None) == "en":
            english.setdefault(x.value, label.value)
    demote = {k for k in labels if k.startswith(f"{ID}source/") or k.startswith(f"{ID}publisher/")}
    return match_entity(text, labels, demote=demote, english=english)
