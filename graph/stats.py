"""Counts that describe the graph: by class, events of every kind per decade, coverage per decade
and per pair of administrations (from the coverage ledger).

Every count of leaders' meetings follows the counting rule
(docs/decisions/20261201-counting-leader-meetings.md): one Summit, SidelineMeeting or
BriefTalk with a President of the ROK and a Prime Minister of Japan among its participants
counts once; visits and gatherings are containers; calls are counted apart.

>>> from kjgraph.query import KnowledgeGraph
>>> s = graph_stats(KnowledgeGraph.in_memory())
>>> s["classes"]["Summit"] >= 1 and s["events"]["Summit"]["2020s"] >= 1
True
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kjgraph.query import KnowledgeGraph

_CLASSES = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {
  ?s a ?class . FILTER(STRSTARTS(STR(?class), STR(kjo:)))
  FILTER(STRSTARTS(STR(?s), "https://w3id.org/kjgraph/id/"))
} GROUP BY ?class ORDER BY ?class
"""
# Every event by its most specific class (whatever kinds the ontology has), per decade.
_EVENT_KINDS = """
SELECT ?decade ?kind (COUNT(DISTINCT ?x) AS ?n) WHERE {
  { SELECT ?x (MAX(?d) AS ?day) WHERE { ?x a kjo:Event ; kjo:earliestDate ?d } GROUP BY ?x }
  ?x a ?cls . ?cls rdfs:subClassOf* kjo:Event .
  FILTER NOT EXISTS { ?x a ?sub . ?sub rdfs:subClassOf+ ?cls . FILTER(?sub != ?cls) }
  BIND(STRAFTER(STR(?cls), "#") AS ?kind)
  BIND(CONCAT(STR(FLOOR(YEAR(?day) / 10) * 10), "s") AS ?decade)
} GROUP BY ?decade ?kind
"""
_DECADES = """
SELECT ?decade ?what (COUNT(DISTINCT ?x) AS ?n) WHERE {
  {
    { SELECT ?x (MAX(?d0) AS ?d) ?what WHERE {
        VALUES (?cls ?what) { (kjo:LeadersMeeting "leaders' meetings") (kjo:LeaderCall "leaders' calls") }
        ?x a ?cls ; kjo:earliestDate ?d0 ;
           kjo:participation/kjo:inCapacityOf/kjo:office office:president-kr ;
           kjo:participation/kjo:inCapacityOf/kjo:office office:prime-minister-jp .
      } GROUP BY ?x ?what }
  } UNION {
    ?x a kjo:Tenure ; kjo:office/a kjo:LeaderOffice ; kjo:earliestDate ?d . BIND("leaders' terms starting" AS ?what)
  } UNION {
    ?x a kjo:Agreement ; kjo:earliestDate ?d . FILTER NOT EXISTS { ?x a kjo:Commitment }
    BIND("agreements" AS ?what)
  } UNION {
    ?x a kjo:Commitment ; kjo:earliestDate ?d . BIND("commitments" AS ?what)
  } UNION {
    ?x a kjo:Source ; schema:datePublished ?p . BIND(xsd:date(CONCAT(SUBSTR(STR(?p), 1, 4), "-01-01")) AS ?d)
    BIND("sources (by publication)" AS ?what)
  }
  BIND(CONCAT(STR(FLOOR(YEAR(?d) / 10) * 10), "s") AS ?decade)
} GROUP BY ?decade ?what ORDER BY ?decade ?what
"""
_LEADER_TERMS = """
SELECT ?tenure ?country ?name ?start ?end ?acting WHERE {
  VALUES (?office ?country) { (office:president-kr "kr") (office:prime-minister-jp "jp") }
  ?tenure kjo:office ?office ; kjo:holder ?person ; kjo:earliestDate ?start ; kjo:acting ?acting .
  OPTIONAL { ?tenure kjo:latestDate ?end }
  OPTIONAL { ?person rdfs:label ?name . FILTER(LANG(?name) = "en") }
}
"""
_LEDGER = """
SELECT ?record ?kr ?jp (COUNT(DISTINCT ?chronology) AS ?chronologies) (COUNT(DISTINCT ?entry) AS ?entries)
       (GROUP_CONCAT(DISTINCT COALESCE(STR(?recorded), ""); separator=" ") AS ?records)
       (COUNT(DISTINCT ?left) AS ?left_out) WHERE {
  ?record a kjo:CoverageRecord ; kjo:koreanTenure ?kr ; kjo:japaneseTenure ?jp .
  OPTIONAL { ?record kjo:chronology ?chronology }
  OPTIONAL { ?record kjo:entry ?entry .
             OPTIONAL { ?entry kjo:recordedAs ?recorded }
             OPTIONAL { ?entry kjo:leftOutReason ?reason . BIND(?entry AS ?left) } }
} GROUP BY ?record ?kr ?jp
"""
_CONTACTS = """
SELECT DISTINCT ?event ?kr ?jp ?isMeeting WHERE {
  VALUES (?cls ?isMeeting) { (kjo:LeadersMeeting 1) (kjo:LeaderCall 0) }
  ?event a ?cls ; kjo:participation ?pk , ?pj .
  ?pk kjo:inCapacityOf ?kr . ?kr kjo:office office:president-kr .
  ?pj kjo:inCapacityOf ?jp . ?jp kjo:office office:prime-minister-jp .
}
"""
#: The first day whose pairs of administrations the coverage table lists (as the ledger check).
SINCE = dt.date(1965, 1, 1)


def _value(term: Any) -> str:
    return "" if term is None else str(term.value)


def graph_stats(kg: KnowledgeGraph) -> dict[str, Any]:
    """Counts by class, quads, graphs, sources; events by kind and coverage per decade; coverage
    per pair of administrations.

    Returns a JSON-ready mapping: ``classes`` (class → instances), ``events`` (event kind →
    decade → events, every kind of event), ``decades`` (decade → what → count: events, each kind of event, leaders'
    meetings and calls by the counting rule, leaders' terms starting, agreements, commitments,
    sources by publication), ``pairs`` (one row per pair of a Korean president's and a Japanese
    prime minister's terms that overlapped since 1965, with its ledger record if any).
    """
    store = kg.store
    classes = {_value(r["class"]).rsplit("#", 1)[-1]: int(_value(r["n"])) for r in kg.rows(_CLASSES)}
    triples = int(_value(kg.rows("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]))
    sources = int(_value(kg.rows("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a kjo:Source }")[0]["n"]))
    events: dict[str, dict[str, int]] = {}
    for row in kg.rows(_EVENT_KINDS):
        events.setdefault(_value(row["kind"]), {})[_value(row["decade"])] = int(_value(row["n"]))
    decades: dict[str, dict[str, int]] = {}
    for row in kg.rows(_DECADES):
        decades.setdefault(_value(row["decade"]), {})[_value(row["what"])] = int(_value(row["n"]))
    for kind, counts in events.items():
        for decade, n in counts.items():
            decades.setdefault(decade, {})
            decades[decade]["events"] = decades[decade].get("events", 0) + n
            decades[decade][kind] = n  # each kind too, as before (Summit, Incident …)
    return {
        "quads": len(store),  # the default graph (union) included
        "triples": triples,
        "graphs": sum(1 for _ in store.named_graphs()),
        "sources": sources,
        "classes": classes,
        "events": dict(sorted(events.items())),
        "decades": decades,
        "pairs": coverage_pairs(kg),
    }


def coverage_pairs(kg: KnowledgeGraph) -> list[dict[str, Any]]:
    """Coverage per pair of administrations: every pair of leaders' terms (a President of the
    ROK's and a Prime Minister of Japan's, acting ones included) in office together on a day
    since 1965, in order, with what the ledger says and what the graph holds.

    Each row: ``korea``/``japan`` (tenure IRIs), ``kr_name``/``jp_name``, ``start``/``end``
    (ISO days in office together), ``ledger`` (the coverage record IRI, or None when the pair
    is not checked yet), ``chronologies``, ``entries`` (listed), ``recorded`` (entries with a
    record), ``left_out``, ``meetings`` and ``calls`` (in the graph, by the counting rule),
    ``not_in_ledger`` (meetings and calls of the pair that no entry names).
    """
    today = dt.date.today()
    terms: dict[str, list[tuple[str, str, dt.date, dt.date]]] = {"kr": [], "jp": []}
    for row in kg.rows(_LEADER_TERMS):
        end = dt.date.fromisoformat(_value(row["end"])) if row["end"] else today
        name = _value(row["name"]) + (" (acting)" if _value(row["acting"]) == "true" else "")
        terms[_value(row["country"])].append((_value(row["tenure"]), name,
                                              dt.date.fromisoformat(_value(row["start"])), end))
    ledger = {(_value(r["kr"]), _value(r["jp"])): r for r in kg.rows(_LEDGER)}
    contacts: dict[tuple[str, str], dict[str, int]] = {}
    events: dict[tuple[str, str], set[str]] = {}
    for row in kg.rows(_CONTACTS):
        key = (_value(row["kr"]), _value(row["jp"]))
        kind = "meetings" if _value(row["isMeeting"]) == "1" else "calls"
        contacts.setdefault(key, {"meetings": 0, "calls": 0})[kind] += 1
        events.setdefault(key, set()).add(_value(row["event"]))
    pairs = []
    for kr, kr_name, kr_start, kr_end in terms["kr"]:
        for jp, jp_name, jp_start, jp_end in terms["jp"]:
            start, end = max(kr_start, jp_start), min(kr_end, jp_end)
            if start > end or end < SINCE:
                continue
            record = ledger.get((kr, jp))
            recorded = set(_value(record["records"]).split()) if record else set()
            found = contacts.get((kr, jp), {"meetings": 0, "calls": 0})
            pairs.append({
                "korea": kr, "japan": jp, "kr_name": kr_name, "jp_name": jp_name,
                "start": start.isoformat(), "end": end.isoformat(),
                "ledger": _value(record["record"]) if record else None,
                "chronologies": int(_value(record["chronologies"])) if record else 0,
                "entries": int(_value(record["entries"])) if record else 0,
                "recorded": len(recorded),
                "left_out": int(_value(record["left_out"])) if record else 0,
                "meetings": found["meetings"], "calls": found["calls"],
                "not_in_ledger": len(events.get((kr, jp), set()) - recorded),
            })
    return sorted(pairs, key=lambda p: (p["start"], p["kr_name"], p["jp_name"]))


def decade_table(stats: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Coverage per decade as columns and rows (for the CLI and the README)."""
    order = ["events", "leaders' meetings", "leaders' calls", "agreements", "commitments",
             "leaders' terms starting", "sources (by publication)"]
    present = {k for counts in stats["decades"].values() for k in counts}
    kinds = [k for k in order if k in present]  # the kinds of events have a table of their own
    rows = [[decade, *[str(counts.get(k, 0)) for k in kinds]]
            for decade, counts in sorted(stats["decades"].items())]
    return ["decade", *kinds], rows


def event_table(stats: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Events of every kind (rows) per decade (columns), with a total column."""
    decades = sorted({d for counts in stats["events"].values() for d in counts})
    rows = [[kind, *[str(counts.get(d, 0)) for d in decades], str(sum(counts.values()))]
            for kind, counts in stats["events"].items()]
    return ["kind", *decades, "total"], rows


def pair_table(stats: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Coverage per pair of administrations (from the coverage ledger)."""
    columns = ["korea", "japan", "together", "ledger", "chronologies", "listed", "recorded",
               "left out", "meetings", "calls", "not in ledger"]
    rows = []
    for p in stats["pairs"]:
        checked = p["ledger"] is not None
        rows.append([p["kr_name"], p["jp_name"], f"{p['start']} – {p['end']}",
                     "yes" if checked else "not yet",
                     *(str(p[k]) if checked else "–" for k in ("chronologies", "entries", "recorded",
                                                               "left_out")),
                     str(p["meetings"]), str(p["calls"]), str(p["not_in_ledger"])])
    return columns, rows


def markdown_table(columns: list[str], rows: list[list[str]]) -> str:
    """A GitHub-flavoured Markdown table (``|`` in cells escaped).

    >>> print(markdown_table(["a", "b"], [["1", "x|y"]]))
    | a | b |
    |---|---|
    | 1 | x\\|y |
    """
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"
    return "\n".join([line(columns), "|" + "---|" * len(columns), *(line(r) for r in rows)])


def markdown(stats: dict[str, Any]) -> str:
    """The README's coverage section: per decade, events by kind, per pair of administrations."""
    parts = ["Coverage per decade (`kjgraph stats --markdown`; leaders' meetings and calls by the "
             "counting rule of docs/decisions/20261201-counting-leader-meetings.md):", "",
             markdown_table(*decade_table(stats)), "",
             "Events of every kind per decade:", "", markdown_table(*event_table(stats)), "",
             "Coverage per pair of administrations (the coverage ledger, graph/data/coverage/; "
             "listed: the meetings and calls the chronologies consulted list; not in ledger: "
             "records of the graph no entry names yet):", "",
             markdown_table(*pair_table(stats))]
    return "\n".join(parts) + "\n"
