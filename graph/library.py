"""The SPARQL query library: named, documented ``.rq`` files in ``queries/``.

Each file opens with a machine-read comment header::

    # title: Terms of office of all leaders
    # question: Who held which office, from when to when?
    # param: country (iri, optional): only leaders of this country, e.g. country/kr
    # columns: leader, name, country, office, start, end

Parameters are bound as typed RDF terms, never spliced into the query text.

>>> query = get_query("leaders")
>>> query.columns[:3]
['leader', 'name', 'country']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from kjgraph.dates import PartialDate
from kjgraph.errors import QueryError
from kjgraph.iris import BASE
from kjgraph.resources import queries_dir

PARAM_TYPES = ("iri", "string", "date", "integer", "lang")
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_]\w*)\s*\((?P<type>\w+)"
    r"(?:,\s*(?P<opt>optional|default\s+(?P<default>[^)]*)))?\)\s*:\s*(?P<doc>.*)$"
)


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    doc: str
    default: str | None = None
    optional: bool = False

    @property
    def required(self) -> bool:
        return self.default is None and not self.optional

    @property
    def choices(self) -> tuple[str, ...]:
        """The values a string parameter accepts, when its doc opens ``one of a | b | c``."""
        match = re.match(r"one of ([\w-]+(?:\s*\|\s*[\w-]+)+)", self.doc)
        return tuple(c.strip() for c in match.group(1).split("|")) if match else ()

    def term(self, value: str) -> ox.NamedNode | ox.Literal:
        """Turn a command-line value into a typed RDF term (raises QueryError)."""
        if self.choices and value not in self.choices:
            raise QueryError(f"parameter {self.name!r}: expected one of "
                             f"{', '.join(self.choices)}, found {value!r}")
        try:
            return to_term(value, self.type)
        except ValueError as exc:
            raise QueryError(f"parameter {self.name!r}: {exc}") from None


def to_term(value: str, kind: str) -> ox.NamedNode | ox.Literal:
    """A typed RDF term for ``value``.

    IRIs may be given in full, relative to ``https://w3id.org/kjgraph/id/``
    (``person/lee-jae-myung``) or with a prefix kjgraph knows (``person:lee-jae-myung``,
    ``kjo:proposed``); strings stay plain literals, whatever they contain.

    >>> to_term("person/lee-jae-myung", "iri")
    <NamedNode value=https://w3id.org/kjgraph/id/person/lee-jae-myung>
    >>> to_term("kjo:proposed", "iri")
    <NamedNode value=https://w3id.org/kjgraph/ontology#proposed>
    >>> to_term('" } DROP ALL #', "string")
    <Literal value=" } DROP ALL # datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#string>>
    """
    if kind == "iri":
        from kjgraph.query import PREFIXES  # the query module imports this one

        prefix, colon, local = value.partition(":")
        if colon and prefix in PREFIXES and not local.startswith("//"):
            iri = PREFIXES[prefix] + local
        elif re.match(r"^[a-z][a-z0-9+.-]*:", value):
            iri = value
        else:
            iri = f"{BASE}id/{value.lstrip('/')}"
        if re.search(r"[\s<>\"{}|^`\\]", iri):
            raise ValueError(f"not a valid IRI: {value!r}")
        return ox.NamedNode(iri)
    if kind == "date":
        day = PartialDate.parse(value)
        if day.precision != "day":
            raise ValueError(f"expected a day YYYY-MM-DD, found {value!r}")
        return ox.Literal(str(day), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))
    if kind == "integer":
        if not re.fullmatch(r"[+-]?\d+", value.strip()):
            raise ValueError(f"expected an integer, found {value!r}")
        return ox.Literal(str(int(value)),
                          datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    if kind == "lang":
        from kjgraph.labels import check_language_tag

        return ox.Literal(check_language_tag(value))
    if kind == "string":
        return ox.Literal(value)
    raise ValueError(f"unknown parameter type {kind!r}; expected one of {', '.join(PARAM_TYPES)}")


@dataclass(frozen=True)
class LibraryQuery:
    """One query of the library, with its documentation."""

    name: str
    path: Path
    title: str
    question: str
    columns: list[str]
    parameters: list[Parameter] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    def help(self) -> str:
        lines = [f"{self.name}: {self.title}", "", self.question, ""]
        if self.parameters:
            lines.append("Parameters (--param NAME=VALUE):")
            for p in self.parameters:
                extra = (f"default {p.default}" if p.default is not None else
                         "optional" if p.optional else "required")
                lines.append(f"  {p.name} ({p.type}, {extra}): {p.doc}")
        else:
            lines.append("Parameters: none")
        lines += ["", f"Columns: {', '.join(self.columns)}"]
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines)

    def bound_text(self, values: dict[str, str]) -> str:
        """The query with its parameters bound (see :func:`bind_values`)."""
        return bind_values(self.text, self.bindings(values),
                           [p.name for p in self.parameters])

    def bindings(self, values: dict[str, str]) -> dict[str, ox.NamedNode | ox.Literal]:
        """Typed terms for the given values and defaults; unknown or missing ones raise."""
        known = {p.name: p for p in self.parameters}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise QueryError(f"query {self.name!r} has no parameter {unknown[0]!r}; "
                             f"it takes: {', '.join(known) or 'none'}")
        bound: dict[str, ox.NamedNode | ox.Literal] = {}
        for name, param in known.items():
            if name in values:
                bound[name] = param.term(values[name])
            elif param.default is not None:
                bound[name] = param.term(param.default)
            elif param.required:
                raise QueryError(f"query {self.name!r} needs --param {name}=VALUE ({param.doc})")
        return bound


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def bind_values(text: str, bindings: dict[str, ox.NamedNode | ox.Literal],
                names: list[str] | None = None) -> str:
    """Bind parameters with a ``VALUES`` block at the start of the outer ``WHERE`` group.

    The values are RDF terms serialised by pyoxigraph (escaped N-Triples syntax), so a
    value can never change the query's structure; parameters left unset are ``UNDEF``
    and constrain nothing. The same text runs on any SPARQL 1.1 engine.

    >>> print(bind_values("SELECT ?s WHERE { ?s ?p ?o }", {"o": ox.Literal('" } DROP ALL #')}))
    SELECT ?s WHERE { VALUES (?o) { ("\\" } DROP ALL #") }
     ?s ?p ?o }
    """
    names = names if names is not None else list(bindings)
    if not names:
        return text
    match = _WHERE.search(_strip_comments(text))
    if not match:
        raise QueryError("a parameterised query needs an explicit 'WHERE {'")
    row = " ".join(str(bindings[n]) if n in bindings else "UNDEF" for n in names)
    block = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({row}) }}\n"
    return text[: match.end()] + block + text[match.end():]


def _strip_comments(text: str) -> str:
    """Blank out comment text (keeping offsets) so that '# ... WHERE {' is not matched."""
    return re.sub(r"(?m)^\s*#.*$", lambda m: " " * len(m.group(0)), text)


def parse_header(path: Path) -> LibraryQuery:
    fields: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        match = re.match(r"^#\s*(\w+)\s*:\s*(.*)$", line)
        if match:
            fields.setdefault(match.group(1).lower(), []).append(match.group(2).strip())
        elif fields and line.strip("# ").strip():
            key = list(fields)[-1]  # continuation of the previous field
            fields[key][-1] += " " + line.strip("# ").strip()
    missing = [k for k in ("title", "question", "columns") if k not in fields]
    if missing:
        raise QueryError(f"{path.name}: header lacks {', '.join(missing)}")
    params = []
    for spec in fields.get("param", []):
        match = _PARAM.match(spec)
        if not match or match.group("type") not in PARAM_TYPES:
            raise QueryError(f"{path.name}: cannot read parameter {spec!r}; expected "
                             "'# param: NAME (TYPE[, optional|, default VALUE]): description'")
        params.append(Parameter(match.group("name"), match.group("type"), match.group("doc"),
                                default=match.group("default"),
                                optional=match.group("opt") == "optional"))
    return LibraryQuery(
        name=path.stem, path=path, title=fields["title"][0], question=" ".join(fields["question"]),
        columns=[c.strip() for c in fields["columns"][0].split(",")], parameters=params,
        notes=fields.get("note", []),
    )


@cache
def library(directory: Path | None = None) -> dict[str, LibraryQuery]:
    """All library queries by name."""
    directory = directory or queries_dir()
    return {q.name: q for q in (parse_header(p) for p in sorted(directory.glob("*.rq")))}


def get_query(name: str) -> LibraryQuery:
    queries = library()
    if name not in queries:
        close = [n for n in queries if name in n or n in name]
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise QueryError(f"no library query named {name!r}{hint}; `kjgraph queries` lists them")
    return queries[name]
