"""Views that answer questions about the relationship, as pyvis networks.

* :func:`timeline_network` – *when did the leaders meet, under whom, and what happened around it?*
  Sixty years on one time axis: the administrations of both countries as two lanes (Presidents of
  the Republic of Korea above, Prime Ministers of Japan below, acting terms on a lane of their own),
  every leaders' meeting between them marked by its kind (stand-alone summit, sideline meeting,
  brief talk) and every leaders' call, the agreements signed and the incidents and rulings, the
  phases of shuttle diplomacy (active and suspended), and every stretch of a year or more without
  a leaders' meeting (the freezes). The page zooms to a period (a decade, an administration, any
  years).
* :func:`leaders_network` – *who met whom, and how often?* The leaders of sixty years as nodes
  (Korean presidents above, Japanese prime ministers below, left to right in the order they took
  office), an edge per pair weighted by the meetings they held, counted by the counting rule
  (the library query ``leader-meetings``: a meeting is a Summit, SidelineMeeting or BriefTalk with
  both as participants in their capacity, each once; calls are counted apart, drawn dashed and
  hidden at first); a year slider recounts the edges for the years chosen.

Both are :class:`pyvis.network.Network` objects: adjust them with pyvis' API, then write them
with :func:`kjgraph.render.write_network` (offline) — or with pyvis' ``write_html``, which loads
vis-network from a CDN. Their numbers come from the library queries, so the drawing and
``kjgraph query`` always agree.

>>> from kjgraph.query import KnowledgeGraph
>>> net = leaders_network(KnowledgeGraph.in_memory())
>>> sorted({n["group"] for n in net.nodes})
['jp-leader', 'kr-leader']
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from kjgraph.diplomacy import (
    JP_OFFICE,
    KR_OFFICE,
    MARKS,
    MEETING_MARKS,
    agreements,
    fractional_year,
    incidents,
    leader_contacts,
)
from kjgraph.i18n import N_, gettext, ngettext
from kjgraph.labels import LANGUAGES, check_language, graph_labels
from kjgraph.query import Graph, plain
from kjgraph.render.extract import kind_labels
from kjgraph.render.model import RenderError
from kjgraph.render.network import group_options, new_network

if TYPE_CHECKING:
    from pyvis.network import Network

__all__ = ["EDGE_KINDS", "JP_OFFICE", "KR_OFFICE", "LANES", "LEADER_GROUPS", "TIMELINE_GROUPS", "fractional_year",
           "leader_contacts", "leaders_network", "timeline_network"]

_TERMS = f"""
SELECT ?tenure ?leader ?office ?start ?end ?acting WHERE {{
  VALUES ?office {{ <{KR_OFFICE}> <{JP_OFFICE}> }}
  ?tenure a kjo:Tenure ; kjo:holder ?leader ; kjo:office ?office ; schema:startDate ?start .
  OPTIONAL {{ ?tenure schema:endDate ?end }}
  OPTIONAL {{ ?tenure kjo:acting ?acting }}
}} ORDER BY ?start ?tenure
"""

_SHAPES = {"kr-term": "box", "jp-term": "box", "summit": "dot", "sideline": "diamond", "brief-talk": "triangle",
           "call": "square", "agreement": "star", "incident": "triangleDown"}
#: The marks and bands of the timeline: legend name (message id), colour, shape (:data:`MARKS`
#: with vis-network's shapes, and the bands only this drawing has).
TIMELINE_GROUPS: dict[str, dict[str, Any]] = {
    **{key: {**spec, "shape": _SHAPES[key]} for key, spec in MARKS.items()},
    "shuttle-active": {"name": N_("Shuttle diplomacy: active"), "color": "#82e0aa", "border": "#239b56",
                       "shape": "box"},
    "shuttle-suspended": {"name": N_("Shuttle diplomacy: suspended"), "color": "#d5d8dc", "border": "#7b7d7d",
                          "shape": "box"},
    "gap": {"name": N_("A year or more without a leaders' meeting"), "color": "#f2f3f4", "border": "#909497",
            "shape": "box"},
}
#: Lanes of the timeline, top to bottom: message id, the y of their middle and their height (canvas units).
LANES: dict[str, tuple[str, float, float]] = {
    "kr": (N_("Presidents of the Republic of Korea"), -360.0, 120.0),
    "incident": (N_("Incidents and rulings"), -240.0, 120.0),
    "meeting": (N_("Leaders' meetings"), -80.0, 200.0),
    "call": (N_("Leaders' calls"), 60.0, 80.0),
    "agreement": (N_("Agreements signed"), 160.0, 120.0),
    "jp": (N_("Prime Ministers of Japan"), 280.0, 120.0),
    "shuttle": (N_("Shuttle diplomacy"), 380.0, 80.0),
    "gap": (N_("Freezes: a year or more without a leaders' meeting"), 460.0, 80.0),
}

Names = dict[str, dict[str, str]]


def _names(kg: Graph, iris: set[str]) -> Names:
    """``{iri: {lang: label}}`` for every language (RFC 4647 lookup, English as the fallback)."""
    out: Names = defaultdict(dict)
    for lang in LANGUAGES:
        for iri, label in graph_labels(kg, iris, lang).items():
            out[iri][lang] = label
    return out


def _per_lang(make: Any) -> dict[str, Any]:
    """``{lang: make(lang)}`` for every language (``make``: a function of the language code)."""
    return {lang: make(lang) for lang in LANGUAGES}


def _name_in(names: Names, iri: str, lang: str) -> str:
    """The name of ``iri`` in ``lang``, the IRI itself when it has none."""
    return names.get(iri, {}).get(lang, iri)


def _network(groups: dict[str, dict[str, Any]]) -> Network:
    """A network with fixed positions (no physics) for the views drawn on axes."""
    # directed: pyvis merges the edges of an undirected network that join the same two nodes (a
    # pair's meetings and its calls); the leaders' edges carry no arrow ("arrows": "")
    net = new_network(directed=True)
    net.options.groups = group_options(groups, hover=True)
    net.options.physics.enabled = False
    net.options.edges.smooth.enabled = False
    net.options.interaction.hover = True
    net.options.layout = {"randomSeed": 1, "improvedLayout": False}
    return net


def _is_acting(row: dict[str, Any]) -> bool:
    return plain(row["acting"]) in ("true", "1")


def _span(row: dict[str, Any], start: str, end: str, today: date) -> tuple[float, float]:
    """The fractional years from ``row[start]`` to ``row[end]`` (today when open)."""
    e = plain(row[end]) if row[end] is not None else today.isoformat()
    return fractional_year(plain(row[start])), fractional_year(e)


def _dates_text(row: dict[str, Any], start: str, end: str) -> str:
    return f"{plain(row[start])} – {plain(row[end]) if row[end] is not None else ''}"


# ------------------------------------------------------------------ the diplomacy timeline

def _offset(i: int) -> float:
    """The vertical offset of the ``i``-th marker of a crowded lane: 0, -19, 19, -38, 38, …"""
    return (-1.0 if i % 2 else 1.0) * ((i + 1) // 2) * 19.0


@dataclass
class _TimelineRecord:
    """What the timeline shows, as the library queries answer (rows per language for meetings)."""

    meetings: dict[str, list[dict[str, Any]]]
    calls: list[tuple[str, str, str, str]]
    terms: list[dict[str, Any]]
    agreements: list[tuple[str, str]]
    incidents: list[tuple[str, str]]
    phases: list[dict[str, Any]]
    gaps: list[dict[str, Any]]

    @classmethod
    def read(cls, kg: Graph, min_gap_days: int) -> _TimelineRecord:
        return cls({code: kg.run("meetings", lang=code).rows for code in LANGUAGES},
                   leader_contacts(kg, "LeaderCall"), kg.rows(_TERMS), agreements(kg), incidents(kg),
                   kg.run("series-phases").rows, kg.run("summit-gaps", min_days=str(min_gap_days)).rows)

    def iris(self) -> set[str]:
        """Every entity whose name the timeline shows."""
        meetings = self.meetings["en"]
        return ({plain(r["event"]) for r in meetings} | {c[0] for c in self.calls} | {a for a, _ in self.agreements}
                | {e for e, _ in self.incidents} | {plain(r["leader"]) for r in self.terms}
                | {plain(r["phase"]) for r in self.phases}
                | {plain(r["occasion"]) for r in meetings if r["occasion"] is not None}
                | {plain(r["previous"]) for r in self.gaps} | {plain(r["next"]) for r in self.gaps})

    def first_year(self) -> float:
        """The fractional year of the earliest meeting, call, agreement, incident or term (1965 if none)."""
        days = ([plain(r["date"]) for r in self.meetings["en"]] + [c[3] for c in self.calls]
                + [d for _, d in self.agreements] + [d for _, d in self.incidents]
                + [plain(r["start"]) for r in self.terms])
        return min(fractional_year(d) for d in days) if days else 1965.0


@dataclass
class _TimelineCanvas:
    """Places the timeline's nodes: x from the year (``px_per_year`` canvas units a year from
    ``origin``), y from the lane, markers stacked where they crowd; counts the nodes per group."""

    net: Network
    names: Names
    lang: str
    origin: float
    px_per_year: float
    today: date
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    slots: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))

    def x(self, year: float) -> float:
        return round((year - self.origin) * self.px_per_year, 1)

    def width(self, start: float, end: float) -> float:
        """The width of a band from ``start`` to ``end`` (fractional years), in canvas units."""
        return (end - start) * self.px_per_year

    def stacked(self, lane: str, at: float) -> float:
        """The offset from the lane's middle of a marker at ``at``: the first slot whose last marker
        is far enough to the left (18 units), else a new slot."""
        taken = self.slots[lane]
        for i, last_x in enumerate(taken):
            if self.x(at) - last_x >= 18:
                taken[i] = self.x(at)
                return _offset(i)
        taken.append(self.x(at))
        return _offset(len(taken) - 1)

    def _band(self, lane: str, at: float, width: float, dy: float) -> dict[str, Any]:
        """The fields of a band (a box as wide as its period) whose label fits or is hidden."""
        item: dict[str, Any] = {"x": self.x(at) + width / 2, "until": round(at + width / self.px_per_year, 4),
                                "widthConstraint": {"minimum": max(width, 3.0), "maximum": max(width, 3.0)},
                                "heightConstraint": {"minimum": 44 if lane in ("kr", "jp") else 30},
                                "font": {"size": 16}, "labelMax": max(4, int(width / 9))}
        if dy:
            item["dy"] = dy
        if width < 60:
            item["labelHidden"] = True
        return item

    def add(self, node_id: str, group: str, lane: str, at: float, *, width: float | None = None, dy: float = 0.0,
            **fields: Any) -> None:
        """A marker (``width`` None) or a band at ``at`` on ``lane``; ``fields`` are the node's own."""
        self.counts[group] += 1
        item: dict[str, Any] = {"group": group, "x": self.x(at), "y": LANES[lane][1] + dy, "fixed": True,
                                "physics": False, "shape": TIMELINE_GROUPS[group]["shape"], "at": round(at, 4),
                                "lane": lane, "laneY": LANES[lane][1]}
        if width is not None:
            item.update(self._band(lane, at, width, dy))
        item.update(fields)
        label = item.get("names", {}).get(self.lang) or item.pop("text", "") or " "
        if item.get("labelHidden"):
            label = " "
        self.net.add_node(node_id, label=label[:60], **item)

    def mark(self, node_id: str, group: str, lane: str, day: str, **fields: Any) -> None:
        """A marker for ``day`` on ``lane``, stacked where markers crowd, its label hidden."""
        at = fractional_year(day)
        self.add(node_id, group, lane, at, dy=self.stacked(lane, at), names=self.names.get(node_id, {}),
                 dates=day, labelHidden=True, **fields)


def _add_terms(canvas: _TimelineCanvas, terms: list[dict[str, Any]]) -> None:
    """The administrations: one box per term, acting terms on a lane of their own."""
    for r in terms:
        leader = plain(r["leader"])
        s, e = _span(r, "start", "end", canvas.today)
        acting = _is_acting(r)
        country = "kr" if plain(r["office"]) == KR_OFFICE else "jp"
        person = canvas.names.get(leader, {})
        canvas.add(f"term:{plain(r['tenure'])}", f"{country}-term", country, s, width=canvas.width(s, e),
                   dy=(45.0 if country == "kr" else -45.0) * -1 if acting else 0.0,
                   names={code: person.get(code, leader) + (" " + gettext("(acting)", code) if acting else "")
                          for code in LANGUAGES},
                   page=leader, kind="Tenure", dates=_dates_text(r, "start", "end"), acting=acting,
                   start=int(s), end=int(e))


def _meeting_info(rows: dict[str, dict[str, Any]], names: Names, occasion: str | None) -> Callable[[str], list[str]]:
    """The detail lines of a meeting in a language: place, participants, the gathering it was part of."""
    def info(code: str) -> list[str]:
        row = rows[code]
        lines = [f"{gettext('place', code)}: {plain(row['city'])}" if row["city"] is not None else "",
                 f"{gettext('participants', code)}: {plain(row['participants'])}"]
        if occasion:
            lines.append(f"{gettext('part of', code)}: {_name_in(names, occasion, code)}")
        return [line for line in lines if line]

    return info


def _add_contacts(canvas: _TimelineCanvas, record: _TimelineRecord) -> None:
    """The leaders' meetings by kind and the leaders' calls (a call also recorded as a meeting is
    drawn once), stacked where they crowd."""
    rows_by_lang = {code: {plain(r["event"]): r for r in record.meetings[code]} for code in LANGUAGES}
    for r in record.meetings["en"]:
        event, kind = plain(r["event"]), plain(r["kind"]).split(", ")[0]
        occasion = plain(r["occasion"]) if r["occasion"] is not None else None
        rows = {code: rows_by_lang[code][event] for code in LANGUAGES}
        canvas.mark(event, MEETING_MARKS.get(kind, "summit"), "meeting", plain(r["date"]), kind=kind,
                    info=_per_lang(_meeting_info(rows, canvas.names, occasion)), size=9)
    for event, kr, jp, day in record.calls:
        if event in canvas.net.node_map:
            continue
        pair = _per_lang(lambda code, kr=kr, jp=jp: [f"{_name_in(canvas.names, kr, code)} – "
                                                      f"{_name_in(canvas.names, jp, code)}"])
        canvas.mark(event, "call", "call", day, kind="LeaderCall", info=pair, size=7)


def _add_documents(canvas: _TimelineCanvas, record: _TimelineRecord) -> None:
    """The agreements signed and the incidents and rulings, on lanes of their own."""
    for iri, day in record.agreements:
        canvas.mark(iri, "agreement", "agreement", day, kind="Agreement", size=12)
    for iri, day in record.incidents:
        canvas.mark(iri, "incident", "incident", day, kind="Incident", size=10)


def _add_phases(canvas: _TimelineCanvas, phases: list[dict[str, Any]]) -> None:
    """Shuttle diplomacy's phases, active or suspended, with the meetings of the series in each."""
    for r in phases:
        status = plain(r["status"]).rsplit("#", 1)[-1]
        s, e = _span(r, "start", "end", canvas.today)
        group = "shuttle-active" if status == "active" else "shuttle-suspended"
        n = int(plain(r["meetings"]) or 0)
        canvas.add(plain(r["phase"]), group, "shuttle", s, width=max(canvas.width(s, e), 4.0),
                   names=_per_lang(lambda code, group=group: gettext(TIMELINE_GROUPS[group]["name"], code)),
                   kind="SeriesPhase", dates=_dates_text(r, "start", "end"),
                   info=_per_lang(lambda code, n=n: [ngettext(
                       "{n} meeting of the series", "{n} meetings of the series", n, code).format(n=n)]))


def _add_freezes(canvas: _TimelineCanvas, gaps: list[dict[str, Any]]) -> None:
    """The freezes: the stretches without a leaders' meeting, with the meetings before and after."""
    names = canvas.names
    for r in gaps:
        s, e = fractional_year(plain(r["previous_date"])), fractional_year(plain(r["next_date"]))
        n = int(plain(r["gap_days"]))
        previous, following = plain(r["previous"]), plain(r["next"])
        canvas.add(f"gap:{previous}", "gap", "gap", s, width=canvas.width(s, e),
                   names=_per_lang(lambda code, n=n: ngettext("{n} day", "{n} days", n, code).format(n=n)),
                   kind="gap", dates=f"{plain(r['previous_date'])} – {plain(r['next_date'])}",
                   info=_per_lang(lambda code, p=previous, f=following: [
                       gettext("after: {name}", code).format(name=_name_in(names, p, code)),
                       gettext("until: {name}", code).format(name=_name_in(names, f, code))]))


def _zoom_periods(canvas: _TimelineCanvas, terms: list[dict[str, Any]], last: float) -> list[dict[str, Any]]:
    """The page's zoom presets: the decades and every administration not acting, ``{names, from, to}``."""
    origin, names = canvas.origin, canvas.names
    periods: list[dict[str, Any]] = [
        {"names": _per_lang(lambda code, d=decade: gettext("{decade}s", code).format(decade=d)),
         "from": max(decade, origin), "to": decade + 10}
        for decade in range(int(origin) // 10 * 10, canvas.today.year + 1, 10)]
    for r in terms:
        if _is_acting(r):
            continue
        leader = plain(r["leader"])
        s = fractional_year(plain(r["start"]))
        e = fractional_year(plain(r["end"])) if r["end"] is not None else last
        periods.append({"names": _per_lang(lambda code, leader=leader, s=s, e=e: (
            f"{_name_in(names, leader, code)} ({int(s)}–{int(e) if e < last else ''})")),
            "from": round(s, 3), "to": round(e, 3)})
    return periods


def _initial_zoom(origin: float, start: int | None, end: int | None) -> list[float] | None:
    """The years the page shows at first (None: all)."""
    if start is None and end is None:
        return None
    if start is None:
        return [origin, (end or 0) + 1]
    return [start, (end or start) + 1]


def timeline_network(kg: Graph, *, lang: str = "en", start: int | None = None, end: int | None = None,
                     px_per_year: float = 30.0, min_gap_days: int = 365) -> Network:
    """Sixty years of Korea–Japan diplomacy on a time axis (see the module's docstring).

    ``lang``: the language of labels (the page switches); ``start``/``end``: the years the page
    zooms to at first (default: all); ``px_per_year``: the scale of the axis in canvas units;
    ``min_gap_days``: the shortest stretch without a leaders' meeting drawn as a freeze (the
    library query ``summit-gaps``). Counts are those of the library queries ``meetings``,
    ``leader-meetings`` (``kind=call``), ``series-phases`` and ``summit-gaps``. Raises
    :class:`~kjgraph.render.RenderError` when the graph has no leaders' terms and no meetings.
    """
    lang = check_language(lang)
    today = date.today()
    record = _TimelineRecord.read(kg, min_gap_days)
    kinds = kind_labels(kg)
    if not record.meetings["en"] and not record.terms:
        raise RenderError("the timeline is empty: no leaders' terms or meetings in the graph")
    first = record.first_year()
    last = fractional_year(today.isoformat())
    canvas = _TimelineCanvas(_network(TIMELINE_GROUPS), _names(kg, record.iris()), lang, float(int(first)),
                             px_per_year, today)
    _add_terms(canvas, record.terms)
    _add_contacts(canvas, record)
    _add_documents(canvas, record)
    _add_phases(canvas, record.phases)
    _add_freezes(canvas, record.gaps)
    origin = canvas.origin
    top, bottom = LANES["kr"][1] - LANES["kr"][2] / 2, LANES["gap"][1] + LANES["gap"][2] / 2
    titles = _per_lang(lambda code: "kjgraph: " + gettext(
        "Korea–Japan diplomacy {first}–{last}: administrations, leaders' meetings and calls, agreements, "
        "incidents", code).format(first=int(first), last=today.year))
    net = canvas.net
    net.kjgraph.update({
        "view": "timeline", "titles": titles, "lang": lang, "groups": TIMELINE_GROUPS,
        "kinds": kinds | {"gap": _per_lang(lambda code: gettext("freeze", code))},
        "counts": dict(canvas.counts), "linkBase": None,
        "timeline": {"origin": origin, "pxPerYear": px_per_year, "extent": [origin, round(last, 3)],
                     "lanes": [{"name": name, "y": y, "height": h} for name, y, h in LANES.values()],
                     "top": top, "bottom": bottom + 30, "center": (top + bottom) / 2,
                     "periods": _zoom_periods(canvas, record.terms, last),
                     "initial": _initial_zoom(origin, start, end)},
        "messages": [spec[0] for spec in LANES.values()],
    })
    net.heading = titles[lang]
    return net


# ------------------------------------------------------------------ the leaders' network

LEADER_GROUPS: dict[str, dict[str, Any]] = {
    "kr-leader": {"name": N_("Presidents of the Republic of Korea"), "color": "#e74c3c", "shape": "dot"},
    "jp-leader": {"name": N_("Prime Ministers of Japan"), "color": "#27ae60", "shape": "dot"},
}
EDGE_KINDS: dict[str, dict[str, Any]] = {
    "meetings": {"name": N_("Leaders' meetings"), "color": "#34495e", "dashes": False},
    "calls": {"name": N_("Leaders' calls"), "color": "#f39c12", "dashes": True},
}


#: The leaders' edges' labels (the count of meetings): dark on an opaque light box, so that they
#: stay readable on an edge as thick as the label is high (vis-network draws the box behind the text).
LEADER_EDGE_FONT: dict[str, Any] = {"size": 15, "color": "#111", "strokeWidth": 0, "align": "middle",
                                    "background": "#ffffff"}

Contacts = dict[tuple[str, str, str], list[tuple[int, str, str]]]


def _leaders(terms: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """``{leader: {"country": "kr"|"jp", "terms": [(start, end or "", acting)]}}``."""
    leaders: dict[str, dict[str, Any]] = {}
    for r in terms:
        spec = leaders.setdefault(plain(r["leader"]), {"country": "kr" if plain(r["office"]) == KR_OFFICE else "jp",
                                                       "terms": []})
        spec["terms"].append((plain(r["start"]), plain(r["end"]) if r["end"] is not None else "", _is_acting(r)))
    return leaders


def _contacts_per_pair(meetings: list[tuple[str, str, str, str]],
                       calls: list[tuple[str, str, str, str]]) -> Contacts:
    """``{(kind, Korean leader, Japanese leader): [(year, day, event)]}``, kind ``meetings`` or ``calls``."""
    per_pair: Contacts = defaultdict(list)
    for kind, contacts in (("meetings", meetings), ("calls", calls)):
        for event, kr, jp, day in contacts:
            per_pair[(kind, kr, jp)].append((int(day[:4]), day, event))
    return per_pair


def _ladder(leaders: dict[str, dict[str, Any]], px_per_year: float) -> dict[str, tuple[float, float]]:
    """A ladder: time runs down, Korean presidents on the left, Japanese prime ministers on the right,
    each column in two staggered files so that the names of short terms do not overlap; ``{leader: (x, y)}``
    in the order the leaders took office."""
    first_year = min(int(t[0][:4]) for spec in leaders.values() for t in spec["terms"])
    order = sorted(leaders, key=lambda k: (leaders[k]["country"], min(t[0] for t in leaders[k]["terms"])))
    rows: dict[str, int] = defaultdict(int)
    last_y: dict[tuple[str, int], float] = defaultdict(lambda: -1e9)
    positions: dict[str, tuple[float, float]] = {}
    for leader in order:
        country = leaders[leader]["country"]
        begin = min(t[0] for t in leaders[leader]["terms"])
        file = rows[country] % 2
        rows[country] += 1
        y = max((fractional_year(begin) - first_year) * px_per_year, last_y[(country, file)] + 40.0)
        last_y[(country, file)] = y
        positions[leader] = ((-1 if country == "kr" else 1) * (230.0 + 170.0 * file), round(y, 1))
    return positions


def _add_leaders(net: Network, leaders: dict[str, dict[str, Any]], names: Names, per_pair: Contacts, lang: str,
                 px_per_year: float) -> None:
    """A node per leader at its place on the ladder, sized by the meetings it held."""
    total: dict[str, int] = defaultdict(int)
    for (kind, kr, jp), found in per_pair.items():
        if kind == "meetings":
            total[kr] += len(found)
            total[jp] += len(found)
    this_year = date.today().year
    for leader, (x, y) in _ladder(leaders, px_per_year).items():
        spec = leaders[leader]
        terms_years = [[int(s[:4]), int(e[:4]) if e else this_year] for s, e, _a in spec["terms"]]

        def info(code: str, spec: dict[str, Any] = spec) -> list[str]:
            return [f"{s} – {e}" + (" " + gettext("(acting)", code) if acting else "")
                    for s, e, acting in spec["terms"]]

        net.add_node(leader, label=_name_in(names, leader, lang), group=f"{spec['country']}-leader", shape="box",
                     names=names.get(leader, {}), x=x, y=y, value=total[leader] + 1, terms=terms_years,
                     info=_per_lang(info), kind="Person", start=min(t[0] for t in terms_years),
                     end=max(t[1] for t in terms_years), font={"color": "#fff"})


def _add_contact_edges(net: Network, per_pair: Contacts, names: Names) -> None:
    """An edge per pair and kind of contact, weighted and labelled by their number; each carries
    its contacts (``meetings``: ``[year, day, event IRI]``) for the page to recount."""
    for (kind, kr, jp), found in sorted(per_pair.items()):
        if kr not in net.node_map or jp not in net.node_map:
            continue
        spec = EDGE_KINDS[kind]

        def listing(code: str, found: list[tuple[int, str, str]] = found) -> list[str]:
            return [f"{day} {_name_in(names, event, code)}" for _y, day, event in found]

        net.add_edge(kr, jp, ekind=kind, arrows="", meetings=[list(m) for m in found], value=len(found),
                     label=str(len(found)),
                     color={"color": spec["color"], "highlight": "#000", "hover": "#000"}, dashes=spec["dashes"],
                     smooth={"enabled": True, "type": "curvedCW", "roundness": 0.12} if spec["dashes"] else False,
                     info=_per_lang(listing), title=f"{len(found)}")


def leaders_network(kg: Graph, *, lang: str = "en", start: int | None = None, end: int | None = None,
                    px_per_year: float = 18.0) -> Network:
    """The leaders of both countries linked by the meetings they held (see the module's docstring).

    Each meeting edge carries its meetings (``meetings``: ``[year, day, event IRI]``) so the
    page recounts them for the years of the slider; ``value`` and ``label`` are the count for all
    years, equal to the ``number`` of the library query ``leader-meetings`` for the pair.
    ``start``/``end``: the years the slider shows at first. Raises
    :class:`~kjgraph.render.RenderError` when the graph has no leaders' terms.
    """
    lang = check_language(lang)
    today = date.today()
    leaders = _leaders(kg.rows(_TERMS))
    meetings = leader_contacts(kg, "LeadersMeeting")
    calls = leader_contacts(kg, "LeaderCall")
    names = _names(kg, set(leaders) | {m[0] for m in meetings} | {c[0] for c in calls})
    per_pair = _contacts_per_pair(meetings, calls)
    if not leaders:
        raise RenderError("the leaders' network is empty: no leaders' terms in the graph")
    net = _network(LEADER_GROUPS)
    net.options.edges.scaling = {"min": 1, "max": 14, "label": {"enabled": False}}
    net.options.edges.font = dict(LEADER_EDGE_FONT)
    net.options.nodes["scaling"] = {"min": 8, "max": 34, "label": {"enabled": True, "min": 14, "max": 24}}
    _add_leaders(net, leaders, names, per_pair, lang, px_per_year)
    _add_contact_edges(net, per_pair, names)
    years = [min(int(t[0][:4]) for spec in leaders.values() for t in spec["terms"]), today.year]
    titles = _per_lang(lambda code: "kjgraph: " + gettext(
        "Leaders' meetings between Korea and Japan, {first}–{last}", code).format(first=years[0], last=years[1]))
    initial = [start if start is not None else years[0], end if end is not None else years[1]] \
        if start is not None or end is not None else None
    net.kjgraph.update({
        "view": "leaders", "titles": titles, "lang": lang, "groups": LEADER_GROUPS, "edgeKinds": EDGE_KINDS,
        "hiddenEdgeKinds": ["calls"], "years": years, "initialYears": initial,
        "kinds": kind_labels(kg),
        "messages": [spec["name"] for spec in EDGE_KINDS.values()],
    })
    net.heading = titles[lang]
    return net
