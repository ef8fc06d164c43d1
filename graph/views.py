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
from datetime import date
from typing import TYPE_CHECKING, Any

from kjgraph.i18n import N_, gettext, ngettext
from kjgraph.labels import LANGUAGES, check_language, graph_labels
from kjgraph.query import Graph, plain
from kjgraph.render import RenderError, kind_labels, new_network

if TYPE_CHECKING:
    from pyvis.network import Network

KR_OFFICE = "https://w3id.org/kjgraph/id/office/president-kr"
JP_OFFICE = "https://w3id.org/kjgraph/id/office/prime-minister-jp"

#: Meetings (or calls) with the Korean and the Japanese leader who took part in their capacity:
#: the pattern of the library query ``leader-meetings``, one row per event and pair.
_CONTACTS = """
SELECT ?event ?kr ?jp (MAX(?d) AS ?day) WHERE {
  ?event a <%s> ; kjo:participation ?pk , ?pj ; kjo:earliestDate ?d .
  ?pk kjo:participant ?kr ; kjo:inCapacityOf/kjo:office <%s> .
  ?pj kjo:participant ?jp ; kjo:inCapacityOf/kjo:office <%s> .
} GROUP BY ?event ?kr ?jp ORDER BY ?day ?event
"""
_AGREEMENTS = """
SELECT ?a (MIN(?d) AS ?day) WHERE {
  VALUES ?kind { kjo:Treaty kjo:JointDeclaration kjo:Arrangement kjo:Agreement }
  ?a a ?kind .
  FILTER NOT EXISTS { ?a a kjo:Commitment }
  { ?a kjo:signedOn ?d } UNION { ?a kjo:earliestDate ?d }
} GROUP BY ?a ORDER BY ?day
"""
_INCIDENTS = "SELECT ?e (MIN(?d) AS ?day) WHERE { ?e a kjo:Incident ; kjo:earliestDate ?d } GROUP BY ?e ORDER BY ?day"
_TERMS = f"""
SELECT ?tenure ?leader ?office ?start ?end ?acting WHERE {{
  VALUES ?office {{ <{KR_OFFICE}> <{JP_OFFICE}> }}
  ?tenure a kjo:Tenure ; kjo:holder ?leader ; kjo:office ?office ; schema:startDate ?start .
  OPTIONAL {{ ?tenure schema:endDate ?end }}
  OPTIONAL {{ ?tenure kjo:acting ?acting }}
}} ORDER BY ?start ?tenure
"""

#: The marks and bands of the timeline: legend name (message id), colour, shape, lane.
TIMELINE_GROUPS: dict[str, dict[str, Any]] = {
    "kr-term": {"name": N_("Presidents of the Republic of Korea"), "color": "#e6b0aa", "border": "#c0392b",
                "shape": "box"},
    "jp-term": {"name": N_("Prime Ministers of Japan"), "color": "#a9dfbf", "border": "#1e8449", "shape": "box"},
    "summit": {"name": N_("Stand-alone summits"), "color": "#1f4e79", "shape": "dot"},
    "sideline": {"name": N_("Sideline meetings"), "color": "#3498db", "shape": "diamond"},
    "brief-talk": {"name": N_("Brief talks"), "color": "#85c1e9", "shape": "triangle"},
    "call": {"name": N_("Leaders' calls"), "color": "#f5b041", "shape": "square"},
    "agreement": {"name": N_("Agreements signed"), "color": "#7d3c98", "shape": "star"},
    "incident": {"name": N_("Incidents and rulings"), "color": "#d35400", "shape": "triangleDown"},
    "shuttle-active": {"name": N_("Shuttle diplomacy: active"), "color": "#82e0aa", "border": "#239b56",
                       "shape": "box"},
    "shuttle-suspended": {"name": N_("Shuttle diplomacy: suspended"), "color": "#d5d8dc", "border": "#7b7d7d",
                          "shape": "box"},
    "gap": {"name": N_("A year or more without a leaders' meeting"), "color": "#f2f3f4", "border": "#909497",
            "shape": "box"},
}
_KIND_GROUP = {"Summit": "summit", "SidelineMeeting": "sideline", "BriefTalk": "brief-talk"}
#: Lanes of the timeline, top to bottom: message id and the y of their middle (canvas units).
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


def fractional_year(value: str) -> float:
    """An ISO 8601 date of any precision (``2025``, ``2025-10``, ``2025-10-30``) as a year with a
    fraction, at the start of the period it names.

    >>> fractional_year("2000"), round(fractional_year("2000-07"), 3), round(fractional_year("2000-12-31"), 3)
    (2000.0, 2000.497, 2000.997)
    """
    import calendar

    parts = [int(p) for p in value[:10].split("-") if p]
    year, month, day = [*parts, 1, 1][:3]
    return year + (date(year, month, day).timetuple().tm_yday - 1) / (366 if calendar.isleap(year) else 365)


def _names(kg: Graph, iris: set[str]) -> dict[str, dict[str, str]]:
    """``{iri: {lang: label}}`` for every language (RFC 4647 lookup, English as the fallback)."""
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for lang in LANGUAGES:
        for iri, label in graph_labels(kg, iris, lang).items():
            out[iri][lang] = label
    return out


def _per_lang(make: Any) -> dict[str, Any]:
    return {lang: make(lang) for lang in LANGUAGES}


def _network(groups: dict[str, dict[str, Any]]) -> Network:
    # directed: pyvis merges the edges of an undirected network that join the same two nodes (a
    # pair's meetings and its calls); the leaders' edges carry no arrow ("arrows": "")
    net = new_network(directed=True)
    net.options.groups = {
        g: {"shape": spec["shape"], "color": {"background": spec["color"], "border": spec.get("border", "#444"),
                                               "highlight": {"background": spec["color"], "border": "#000"},
                                               "hover": {"background": spec["color"], "border": "#000"}}}
        for g, spec in groups.items()}
    net.options.physics.enabled = False
    net.options.edges.smooth.enabled = False
    net.options.interaction.hover = True
    net.options.layout = {"randomSeed": 1, "improvedLayout": False}
    return net


def _contacts(kg: Graph, cls: str) -> list[tuple[str, str, str, str]]:
    rows = kg.rows(_CONTACTS % (cls, KR_OFFICE, JP_OFFICE))
    return [(plain(r["event"]), plain(r["kr"]), plain(r["jp"]), plain(r["day"])) for r in rows]


def leader_contacts(kg: Graph, kind: str = "LeadersMeeting") -> list[tuple[str, str, str, str]]:
    """``(event, Korean leader, Japanese leader, day)`` of every leaders' meeting (``kind`` =
    ``LeadersMeeting``, or ``Summit``, ``SidelineMeeting``, ``BriefTalk``) or call (``LeaderCall``)
    between a President of the ROK and a Prime Minister of Japan in their capacity, in date order —
    the rows the library query ``leader-meetings`` counts."""
    return _contacts(kg, f"https://w3id.org/kjgraph/ontology#{kind}")


# ------------------------------------------------------------------ the diplomacy timeline

def _offset(i: int) -> float:
    """The vertical offset of the ``i``-th marker of a crowded lane: 0, -19, 19, -38, 38, …"""
    return (-1.0 if i % 2 else 1.0) * ((i + 1) // 2) * 19.0


def timeline_network(kg: Graph, *, lang: str = "en", start: int | None = None, end: int | None = None,
                     px_per_year: float = 30.0, min_gap_days: int = 365) -> Network:
    """Sixty years of Korea–Japan diplomacy on a time axis (see the module's docstring).

    ``lang``: the language of labels (the page switches); ``start``/``end``: the years the page
    zooms to at first (default: all); ``px_per_year``: the scale of the axis in canvas units;
    ``min_gap_days``: the shortest stretch without a leaders' meeting drawn as a freeze (the
    library query ``summit-gaps``). Counts are those of the library queries ``meetings``,
    ``leader-meetings`` (``kind=call``), ``series-phases`` and ``summit-gaps``.
    """
    lang = check_language(lang)
    today = date.today()
    meetings = {code: kg.run("meetings", lang=code).rows for code in LANGUAGES}
    calls = _contacts(kg, "https://w3id.org/kjgraph/ontology#LeaderCall")
    terms = kg.rows(_TERMS)
    agreements = [(plain(r["a"]), plain(r["day"])) for r in kg.rows(_AGREEMENTS) if r["day"] is not None]
    incidents = [(plain(r["e"]), plain(r["day"])) for r in kg.rows(_INCIDENTS) if r["day"] is not None]
    phases = kg.run("series-phases").rows
    gaps = kg.run("summit-gaps", min_days=str(min_gap_days)).rows
    kinds = kind_labels(kg)
    if not meetings["en"] and not terms:
        raise RenderError("the timeline is empty: no leaders' terms or meetings in the graph")

    iris = ({plain(r["event"]) for r in meetings["en"]} | {c[0] for c in calls} | {a for a, _ in agreements}
            | {e for e, _ in incidents} | {plain(r["leader"]) for r in terms} | {plain(r["phase"]) for r in phases}
            | {plain(r["occasion"]) for r in meetings["en"] if r["occasion"] is not None}
            | {plain(r["previous"]) for r in gaps} | {plain(r["next"]) for r in gaps})
    names = _names(kg, iris)
    days = ([plain(r["date"]) for r in meetings["en"]] + [c[3] for c in calls] + [d for _, d in agreements]
            + [d for _, d in incidents] + [plain(r["start"]) for r in terms])
    first = min(fractional_year(d) for d in days) if days else 1965.0
    last = fractional_year(today.isoformat())
    origin = float(int(first))

    def x(year: float) -> float:
        return round((year - origin) * px_per_year, 1)

    net = _network(TIMELINE_GROUPS)
    counts: dict[str, int] = defaultdict(int)

    def add(node_id: str, group: str, lane: str, at: float, *, width: float | None = None, dy: float = 0.0,
            **fields: Any) -> None:
        counts[group] += 1
        item: dict[str, Any] = {"group": group, "x": x(at) if width is None else x(at) + width / 2,
                                "y": LANES[lane][1] + dy, "fixed": True, "physics": False,
                                "shape": TIMELINE_GROUPS[group]["shape"], "at": round(at, 4), "lane": lane,
                                "laneY": LANES[lane][1]}
        if dy and width is not None:
            item["dy"] = dy
        if width is not None:
            item["until"] = round(at + width / px_per_year, 4)
        if width is not None:
            item["widthConstraint"] = {"minimum": max(width, 3.0), "maximum": max(width, 3.0)}
            item["heightConstraint"] = {"minimum": 44 if lane in ("kr", "jp") else 30}
            item["font"] = {"size": 16}
            if width < 60:
                item["labelHidden"] = True
            item["labelMax"] = max(4, int(width / 9))
        item.update(fields)
        label = item.get("names", {}).get(lang) or item.pop("text", "") or " "
        if item.get("labelHidden"):
            label = " "
        net.add_node(node_id, label=label[:60], **item)

    # the administrations: one box per term, acting terms on a lane of their own
    for r in terms:
        leader, office = plain(r["leader"]), plain(r["office"])
        s = fractional_year(plain(r["start"]))
        e = fractional_year(plain(r["end"])) if r["end"] is not None else fractional_year(today.isoformat())
        acting = plain(r["acting"]) in ("true", "1")
        country = "kr" if office == KR_OFFICE else "jp"
        person = names.get(leader, {})
        term_text = f"{plain(r['start'])} – {plain(r['end']) if r['end'] is not None else ''}"
        add(f"term:{plain(r['tenure'])}", f"{country}-term", country, s, width=(e - s) * px_per_year,
            dy=(45.0 if country == "kr" else -45.0) * -1 if acting else 0.0,
            names={code: person.get(code, leader) + (" " + gettext("(acting)", code) if acting else "")
                   for code in LANGUAGES},
            page=leader, kind="Tenure", dates=term_text, acting=acting, start=int(s), end=int(e))

    # the leaders' meetings, by kind, stacked where they crowd
    slots: dict[str, list[float]] = defaultdict(list)

    def stacked(lane: str, at: float) -> float:
        taken = slots[lane]
        for i, last_x in enumerate(taken):
            if x(at) - last_x >= 18:
                taken[i] = x(at)
                return _offset(i)
        taken.append(x(at))
        return _offset(len(taken) - 1)

    rows_by_lang = {code: {plain(r["event"]): r for r in meetings[code]} for code in LANGUAGES}
    for r in meetings["en"]:
        event, day, kind = plain(r["event"]), plain(r["date"]), plain(r["kind"]).split(", ")[0]
        at = fractional_year(day)
        occasion = plain(r["occasion"]) if r["occasion"] is not None else None

        def info(code: str, event: str = event, occasion: str | None = occasion) -> list[str]:
            row = rows_by_lang[code][event]
            place, participants = gettext("place", code), gettext("participants", code)
            part_of = gettext("part of", code)
            lines = [f"{place}: {plain(row['city'])}" if row["city"] is not None else "",
                     f"{participants}: {plain(row['participants'])}"]
            if occasion:
                lines.append(f"{part_of}: {names.get(occasion, {}).get(code, occasion)}")
            return [line for line in lines if line]

        add(event, _KIND_GROUP.get(kind, "summit"), "meeting", at, dy=stacked("meeting", at),
            names=names.get(event, {}), kind=kind, dates=day, info=_per_lang(info), size=9, labelHidden=True)
    for event, kr, jp, day in calls:
        at = fractional_year(day)
        pair = _per_lang(lambda code, kr=kr, jp=jp: [f"{names.get(kr, {}).get(code, kr)} – "
                                                      f"{names.get(jp, {}).get(code, jp)}"])
        if event in net.node_map:
            continue
        add(event, "call", "call", at, dy=stacked("call", at), names=names.get(event, {}), kind="LeaderCall",
            dates=day, info=pair, size=7, labelHidden=True)
    for iri, day in agreements:
        at = fractional_year(day)
        add(iri, "agreement", "agreement", at, dy=stacked("agreement", at), names=names.get(iri, {}),
            kind="Agreement", dates=day, size=12, labelHidden=True)
    for iri, day in incidents:
        at = fractional_year(day)
        add(iri, "incident", "incident", at, dy=stacked("incident", at), names=names.get(iri, {}),
            kind="Incident", dates=day, size=10, labelHidden=True)

    # shuttle diplomacy's phases and the freezes
    for r in phases:
        phase, status = plain(r["phase"]), plain(r["status"]).rsplit("#", 1)[-1]
        s = fractional_year(plain(r["start"]))
        e = fractional_year(plain(r["end"])) if r["end"] is not None else fractional_year(today.isoformat())
        group = "shuttle-active" if status == "active" else "shuttle-suspended"
        n = int(plain(r["meetings"]) or 0)
        add(phase, group, "shuttle", s, width=max((e - s) * px_per_year, 4.0),
            names=_per_lang(lambda code, group=group: gettext(TIMELINE_GROUPS[group]["name"], code)),
            kind="SeriesPhase", dates=f"{plain(r['start'])} – {plain(r['end']) if r['end'] is not None else ''}",
            info=_per_lang(lambda code, n=n: [ngettext("{n} meeting of the series", "{n} meetings of the series",
                                                       n, code).format(n=n)]))
    for r in gaps:
        s, e = fractional_year(plain(r["previous_date"])), fractional_year(plain(r["next_date"]))
        n = int(plain(r["gap_days"]))
        previous, following = plain(r["previous"]), plain(r["next"])
        add(f"gap:{previous}", "gap", "gap", s, width=(e - s) * px_per_year,
            names=_per_lang(lambda code, n=n: ngettext("{n} day", "{n} days", n, code).format(n=n)),
            kind="gap", dates=f"{plain(r['previous_date'])} – {plain(r['next_date'])}",
            info=_per_lang(lambda code, p=previous, f=following: [
                gettext("after: {name}", code).format(name=names.get(p, {}).get(code, p)),
                gettext("until: {name}", code).format(name=names.get(f, {}).get(code, f))]))

    # zoom presets: the decades and every non-acting administration
    periods: list[dict[str, Any]] = []
    for decade in range(int(origin) // 10 * 10, today.year + 1, 10):
        periods.append({"names": _per_lang(lambda code, d=decade: gettext("{decade}s", code).format(decade=d)),
                        "from": max(decade, origin), "to": decade + 10})
    for r in terms:
        if plain(r["acting"]) in ("true", "1"):
            continue
        leader = plain(r["leader"])
        s = fractional_year(plain(r["start"]))
        e = fractional_year(plain(r["end"])) if r["end"] is not None else last
        periods.append({"names": _per_lang(lambda code, leader=leader, s=s, e=e: (
            f"{names.get(leader, {}).get(code, leader)} ({int(s)}–{int(e) if e < last else ''})")),
            "from": round(s, 3), "to": round(e, 3)})
    top, bottom = LANES["kr"][1] - LANES["kr"][2] / 2, LANES["gap"][1] + LANES["gap"][2] / 2
    titles = _per_lang(lambda code: "kjgraph: " + gettext(
        "Korea–Japan diplomacy {first}–{last}: administrations, leaders' meetings and calls, agreements, "
        "incidents", code).format(first=int(first), last=today.year))
    net.kjgraph.update({
        "view": "timeline", "titles": titles, "lang": lang, "groups": TIMELINE_GROUPS,
        "kinds": kinds | {"gap": _per_lang(lambda code: gettext("freeze", code))},
        "counts": dict(counts), "linkBase": None,
        "timeline": {"origin": origin, "pxPerYear": px_per_year, "extent": [origin, round(last, 3)],
                     "lanes": [{"name": name, "y": y, "height": h} for name, y, h in LANES.values()],
                     "top": top, "bottom": bottom + 30, "center": (top + bottom) / 2, "periods": periods,
                     "initial": [start, (end or start or 0) + 1] if start is not None or end is not None else None},
        "messages": [spec[0] for spec in LANES.values()],
    })
    if start is None and end is not None:
        net.kjgraph["timeline"]["initial"] = [origin, end + 1]
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


def leaders_network(kg: Graph, *, lang: str = "en", start: int | None = None, end: int | None = None,
                    px_per_year: float = 18.0) -> Network:
    """The leaders of both countries linked by the meetings they held (see the module's docstring).

    Each meeting edge carries its meetings (``meetings``: ``[year, day, event IRI]``) so the
    page recounts them for the years of the slider; ``value`` and ``label`` are the count for all
    years, equal to the ``number`` of the library query ``leader-meetings`` for the pair.
    ``start``/``end``: the years the slider shows at first.
    """
    lang = check_language(lang)
    today = date.today()
    terms = kg.rows(_TERMS)
    meetings = _contacts(kg, "https://w3id.org/kjgraph/ontology#LeadersMeeting")
    calls = _contacts(kg, "https://w3id.org/kjgraph/ontology#LeaderCall")
    leaders: dict[str, dict[str, Any]] = {}
    for r in terms:
        leader = plain(r["leader"])
        spec = leaders.setdefault(leader, {"country": "kr" if plain(r["office"]) == KR_OFFICE else "jp",
                                           "terms": []})
        end_day = plain(r["end"]) if r["end"] is not None else ""
        spec["terms"].append((plain(r["start"]), end_day, plain(r["acting"]) in ("true", "1")))
    names = _names(kg, set(leaders) | {m[0] for m in meetings} | {c[0] for c in calls})
    per_pair: dict[tuple[str, str, str], list[tuple[int, str, str]]] = defaultdict(list)
    for kind, contacts in (("meetings", meetings), ("calls", calls)):
        for event, kr, jp, day in contacts:
            per_pair[(kind, kr, jp)].append((int(day[:4]), day, event))
    if not leaders:
        raise RenderError("the leaders' network is empty: no leaders' terms in the graph")
    net = _network(LEADER_GROUPS)
    net.options.edges.scaling = {"min": 1, "max": 14, "label": {"enabled": False}}
    net.options.edges.font = {"size": 15, "color": "#111", "strokeWidth": 4, "align": "middle"}
    net.options.nodes["scaling"] = {"min": 8, "max": 34, "label": {"enabled": True, "min": 14, "max": 24}}
    order = sorted(leaders, key=lambda k: (leaders[k]["country"], min(t[0] for t in leaders[k]["terms"])))
    rows: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    for (kind, kr, jp), found in per_pair.items():
        if kind == "meetings":
            total[kr] += len(found)
            total[jp] += len(found)
    first_year = min(int(t[0][:4]) for spec in leaders.values() for t in spec["terms"])
    # a ladder: time runs down, Korean presidents on the left, Japanese prime ministers on the right,
    # each column in two staggered files so that the names of short terms do not overlap
    last_y: dict[tuple[str, int], float] = defaultdict(lambda: -1e9)
    for leader in order:
        spec = leaders[leader]
        begin = min(t[0] for t in spec["terms"])
        index = rows[spec["country"]]
        rows[spec["country"]] += 1
        side = -1 if spec["country"] == "kr" else 1
        file = index % 2
        y = max((fractional_year(begin) - first_year) * px_per_year, last_y[(spec["country"], file)] + 40.0)
        last_y[(spec["country"], file)] = y
        terms_years = [[int(s[:4]), int(e[:4]) if e else today.year] for s, e, _a in spec["terms"]]

        def info(code: str, spec: dict[str, Any] = spec) -> list[str]:
            return [f"{s} – {e}" + (" " + gettext("(acting)", code) if acting else "")
                    for s, e, acting in spec["terms"]]

        label = names.get(leader, {}).get(lang, leader)
        net.add_node(leader, label=label, group=f"{spec['country']}-leader", shape="box",
                     names=names.get(leader, {}), x=side * (230.0 + 170.0 * file), y=round(y, 1),
                     value=total[leader] + 1, terms=terms_years, info=_per_lang(info), kind="Person",
                     start=min(t[0] for t in terms_years), end=max(t[1] for t in terms_years),
                     font={"color": "#fff"})
    for (kind, kr, jp), found in sorted(per_pair.items()):
        if kr not in net.node_map or jp not in net.node_map:
            continue
        spec = EDGE_KINDS[kind]

        def listing(code: str, found: list[tuple[int, str, str]] = found) -> list[str]:
            return [f"{day} {names.get(event, {}).get(code, event)}" for _y, day, event in found]

        net.add_edge(kr, jp, ekind=kind, arrows="", meetings=[list(m) for m in found], value=len(found),
                     label=str(len(found)),
                     color={"color": spec["color"], "highlight": "#000", "hover": "#000"}, dashes=spec["dashes"],
                     smooth={"enabled": True, "type": "curvedCW", "roundness": 0.12} if spec["dashes"] else False,
                     info=_per_lang(listing), title=f"{len(found)}")
    years = [first_year, today.year]
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
