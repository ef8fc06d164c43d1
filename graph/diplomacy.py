"""The record of the leaders' diplomacy that the timeline drawings read, and how they mark it.

Both the timeline network (:func:`kjgraph.views.timeline_network`) and the timeline plot
(:func:`kjgraph.plots.timeline_figure`) show the same things: the terms of office of both
countries' leaders, their meetings by kind and their calls (:func:`leader_contacts`, the pattern
of the library query ``leader-meetings``), the agreements signed (:func:`agreements`) and the
incidents and rulings (:func:`incidents`). :data:`MARKS` holds each kind's legend name (a
message id of :mod:`kjgraph.i18n`) and colours, so that the two drawings use one legend.

>>> from kjgraph.query import KnowledgeGraph
>>> kg = KnowledgeGraph.in_memory()
>>> all(day[:4].isdigit() for _iri, day in agreements(kg))
True
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from kjgraph.i18n import N_
from kjgraph.query import Graph, plain

KR_OFFICE = "https://w3id.org/kjgraph/id/office/president-kr"
JP_OFFICE = "https://w3id.org/kjgraph/id/office/prime-minister-jp"

#: What the timelines mark: legend name (message id), fill colour and, for bands, border colour.
MARKS: dict[str, dict[str, Any]] = {
    "kr-term": {"name": N_("Presidents of the Republic of Korea"), "color": "#e6b0aa", "border": "#c0392b"},
    "jp-term": {"name": N_("Prime Ministers of Japan"), "color": "#a9dfbf", "border": "#1e8449"},
    "summit": {"name": N_("Stand-alone summits"), "color": "#1f4e79"},
    "sideline": {"name": N_("Sideline meetings"), "color": "#3498db"},
    "brief-talk": {"name": N_("Brief talks"), "color": "#85c1e9"},
    "call": {"name": N_("Leaders' calls"), "color": "#f5b041"},
    "agreement": {"name": N_("Agreements signed"), "color": "#7d3c98"},
    "incident": {"name": N_("Incidents and rulings"), "color": "#d35400"},
}
#: The mark of each kind of leaders' meeting the counting rule counts (the class's local name).
MEETING_MARKS = {"Summit": "summit", "SidelineMeeting": "sideline", "BriefTalk": "brief-talk"}

#: Meetings (or calls) with the Korean and the Japanese leader who took part in their capacity:
#: the pattern of the library query ``leader-meetings``, one row per event and pair.
_CONTACTS = """
SELECT ?event ?kr ?jp (MAX(?d) AS ?day) WHERE {
  ?event a <%s> ; kjo:participation ?pk , ?pj ; kjo:earliestDate ?d .
  ?pk kjo:participant ?kr ; kjo:inCapacityOf/kjo:office <%s> .
  ?pj kjo:participant ?jp ; kjo:inCapacityOf/kjo:office <%s> .
} GROUP BY ?event ?kr ?jp ORDER BY ?day ?event
"""
#: Agreements (not commitments) with the day they were signed, or their earliest date.
_AGREEMENTS = """
SELECT ?a (MIN(?d) AS ?day) WHERE {
  VALUES ?kind { kjo:Treaty kjo:JointDeclaration kjo:Arrangement kjo:Agreement }
  ?a a ?kind .
  FILTER NOT EXISTS { ?a a kjo:Commitment }
  { ?a kjo:signedOn ?d } UNION { ?a kjo:earliestDate ?d }
  %s
} GROUP BY ?a ORDER BY ?day
"""
_INCIDENTS = "SELECT ?e (%s(?d) AS ?day) WHERE { ?e a kjo:Incident ; kjo:earliestDate ?d } GROUP BY ?e ORDER BY ?day"


def fractional_year(value: str) -> float:
    """An ISO 8601 date of any precision (``2025``, ``2025-10``, ``2025-10-30``) as a year with a
    fraction, at the start of the period it names.

    >>> fractional_year("2000"), round(fractional_year("2000-07"), 3), round(fractional_year("2000-12-31"), 3)
    (2000.0, 2000.497, 2000.997)
    """
    parts = [int(p) for p in value[:10].split("-") if p]
    year, month, day = [*parts, 1, 1][:3]
    return year + (date(year, month, day).timetuple().tm_yday - 1) / (366 if calendar.isleap(year) else 365)


def leader_contacts(kg: Graph, kind: str = "LeadersMeeting") -> list[tuple[str, str, str, str]]:
    """``(event, Korean leader, Japanese leader, day)`` of every leaders' meeting (``kind`` =
    ``LeadersMeeting``, or ``Summit``, ``SidelineMeeting``, ``BriefTalk``) or call (``LeaderCall``)
    between a President of the ROK and a Prime Minister of Japan in their capacity, in date order —
    the rows the library query ``leader-meetings`` counts."""
    rows = kg.rows(_CONTACTS % (f"https://w3id.org/kjgraph/ontology#{kind}", KR_OFFICE, JP_OFFICE))
    return [(plain(r["event"]), plain(r["kr"]), plain(r["jp"]), plain(r["day"])) for r in rows]


def agreements(kg: Graph, *, whole_days: bool = False) -> list[tuple[str, str]]:
    """``(agreement IRI, day)`` of every agreement signed (a commitment is not one), in date order:
    the day it was signed or its earliest date, at any precision (``whole_days``: only those
    known to the day, as a plot's axis needs)."""
    only = "FILTER (DATATYPE(?d) = xsd:date)" if whole_days else ""
    return [(plain(r["a"]), plain(r["day"])) for r in kg.rows(_AGREEMENTS % only) if r["day"] is not None]


def incidents(kg: Graph, *, latest: bool = False) -> list[tuple[str, str]]:
    """``(incident IRI, day)`` of every incident or ruling, in date order: its earliest date, or
    with ``latest`` the latest of its earliest dates (where sources differ)."""
    rows = kg.rows(_INCIDENTS % ("MAX" if latest else "MIN"))
    return [(plain(r["e"]), plain(r["day"])) for r in rows if r["day"] is not None]
