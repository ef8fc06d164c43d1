"""Checks on SPARQL text before any engine parses it: federation, remote loading and nesting.

Two kinds of query are refused before they reach a parser:

* **Outgoing requests.** ``SERVICE <…>`` makes the engine fetch from any host and port (a
  server-side request forgery: an endpoint reachable by a web page becomes a port scanner of
  the machine it runs on), and ``LOAD <…>`` in an update does the same. pyoxigraph cannot
  switch them off, so they are found here and refused unless the endpoint's host (and port)
  is on the operator's allow-list (``kjgraph serve --allow-service HOST[:PORT]``).
* **Queries of death.** pyoxigraph's parser and query planner recurse once per nesting level
  and the process dies with SIGSEGV (no exception) when the stack overflows. Measured with
  pyoxigraph 0.5.13 on an 8 MiB main-thread stack (``benchmarks/query_of_death.py``): about
  2,190 nested ``{``, 4,630 nested ``(`` (expressions or collections), 3,400 nested ``[``,
  and long chains without any bracket: about 2,600 ``MINUS`` or ``BIND``, 4,100 terms in one collection
  ``( … )``, 6,500 ``OPTIONAL`` or ``UNION``, 8,100 triple patterns or 9,300 ``||`` or ``!``
  in a row. :data:`MAX_DEPTH` (bracket
  nesting) and :data:`MAX_CHAIN` (operators, triple patterns and ``OPTIONAL``/``UNION``/
  ``MINUS`` in the brackets around any point) are set well below those figures and well
  above what a person or a program writes.

The text is read by a tokenizer that follows the SPARQL 1.1 grammar's lexical rules
(§19.8): strings (all four quoting styles, with escapes), IRIs (with ``\\u`` escapes), comments
(to the end of the line), prefixed names (with ``\\``-escapes in local names), variables and
punctuation are told apart, so ``"SERVICE"`` in a string, ``<urn:service>`` or ``# SERVICE``
never count, and no string or comment can hide a real keyword. The one lexical ambiguity of
SPARQL — ``<`` starts an IRI, or is the less-than operator after an operand inside an
expression — is resolved the way the grammar does, by tracking whether each ``(`` opens an
expression or a collection / path / ``VALUES`` row. Anything the tokenizer cannot place
(brackets that do not match) is refused rather than guessed.

>>> check_query("SELECT * WHERE { ?s ?p 'SERVICE <http://x/> { }' }")
>>> check_query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
Traceback (most recent call last):
...
kjgraph.sparql_text.QueryRefused: SERVICE <http://127.0.0.1:9/> at line 1: federated queries are switched off ...
>>> check_query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", allow_service=["127.0.0.1:9"])
>>> check_query("ASK " + "{" * 300 + "}" * 300)
Traceback (most recent call last):
...
kjgraph.sparql_text.QueryRefused: the query nests brackets 129 deep at line 1, column 133; the limit is 128 ...
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from kjgraph.errors import QueryError

#: Bracket nesting ({, (, [ together) allowed in a query; pyoxigraph 0.5.13 crashes at ~2,190 '{'.
MAX_DEPTH = 128
#: Operators, triple patterns and OPTIONAL/UNION/MINUS allowed in the brackets enclosing any
#: point of a query; pyoxigraph 0.5.13 crashes at ~2,600 MINUS or BIND, ~4,100 terms in a collection,
#: ~6,500 OPTIONAL or UNION, ~6,900 '+', ~8,100 triple patterns and ~9,300 '||' or '!' in a row.
MAX_CHAIN = 1000
#: An allow-list that lets SERVICE reach any host: for the user's own process (CLI, Python API),
#: where only the nesting limits apply.
EVERY_HOST = ("*",)


class QueryRefused(QueryError):
    """The text was refused before parsing: an outgoing request not allowed, or too deep nesting.

    ``line`` and ``column`` (1-based) locate the offending token.
    """

    def __init__(self, message: str, line: int = 0, column: int = 0):
        super().__init__(message)
        self.line = line
        self.column = column


@dataclass(frozen=True)
class Token:
    """One lexical token: ``kind`` is iri, string, comment, var, pname, number, langtag, word,
    open, close or punct; ``text`` as written; ``start`` is its offset in the text."""

    kind: str
    text: str
    start: int


_PN_ESCAPE = r"\\[_~.\-!$&'()*+,;=/?#@%]"
_HEX = r"%[0-9A-Fa-f]{2}"
_PN_CHAR = rf"(?:[\w\u00B7\u0300-\u036F\u203F\u2040-]|{_HEX}|{_PN_ESCAPE}|:)"
_LEX = re.compile(r"""
    (?P<ws>[ \t\r\n]+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''
             |\"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"
             |'(?:[^'\\\r\n]|\\.)*'
             |"(?:[^"\\\r\n]|\\.)*")
  | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F\u2040]+)
  | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<pname>(?:[^\W\d_][\w.\u00B7\u0300-\u036F\u203F\u2040-]*(?<!\.)|_)?:(?:PNCHAR(?:(?:PNCHAR|\.)*PNCHAR)?)?)
  | (?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)
  | (?P<word>[^\W\d][\w]*)
  | (?P<open>[{(\[])
  | (?P<close>[})\]])
  | (?P<punct>\^\^|&&|\|\||[<>!=]=|.)
""".replace("PNCHAR", _PN_CHAR), re.VERBOSE | re.DOTALL)
_IRI = re.compile(r'<(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>')
_UNESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

# Tokens after which '<' inside an expression is the less-than operator (they end an operand).
_OPERAND_END = {"var", "string", "number", "langtag", "iri", "pname"}
_OPERAND_WORDS = {"TRUE", "FALSE"}
# Words after which '(' does not open an expression: the rdf:type shorthand and VALUES.
_NOT_FUNCTIONS = {"A", "VALUES", "TRUE", "FALSE", "UNDEF"}
_CHAIN_WORDS = {"OPTIONAL", "UNION", "MINUS", "BIND", "FILTER", "GRAPH", "SERVICE", "VALUES"}
_CHAIN_PUNCT = {"||", "&&", "!", "=", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "|", "^"}
# Separators of triple patterns: each one is a join (counted in queries, not in update data;
# a ',' between function arguments or in IN (…) is not: 32,000 of them parse fine).
_JOIN_PUNCT = {".", ";", ","}
# Terms of an RDF collection ( … ) nest one level each in the parser (~4,100 crash it).
_TERMS = {"iri", "pname", "var", "string", "number", "word"}


@dataclass
class _Frame:
    kind: str  # top | group | select | values | expr | list | bnode
    chain: int = 0


def tokens(text: str) -> Iterator[Token]:
    """The tokens of a SPARQL query or update, whitespace left out.

    ``<`` is read as an IRI or as the less-than operator as the grammar reads it (see the
    module's documentation). Raises :class:`QueryRefused` when brackets do not match.

    >>> [t.text for t in tokens("ASK { FILTER(?a<'>') } # <x>")]
    ['ASK', '{', 'FILTER', '(', '?a', '<', "'>'", ')', '}', '# <x>']
    >>> [t.kind for t in tokens("SELECT * { ?s <http://x/#a> ?o }")]
    ['word', 'punct', 'open', 'var', 'iri', 'var', 'close']
    """
    for token, _frames in _scan(text):
        yield token


#: The bracket that closes each kind of frame.
_CLOSER = {"group": "}", "select": "}", "values": "}", "expr": ")", "list": ")", "bnode": "]"}


def _scan(text: str) -> Iterator[tuple[Token, list[_Frame]]]:
    """Each token of ``text`` (whitespace left out) with the stack of brackets open around it
    (the ``top`` frame first; the list is the scanner's own, changed as it goes on)."""
    scanner = _Scanner(text)
    while scanner.position < len(text):
        token = scanner.next_token()
        if token is not None:
            yield token, scanner.stack


class _Scanner:
    """The state of a scan: the open brackets, the last two significant tokens, a pending ``VALUES``."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0
        self.stack: list[_Frame] = [_Frame("top")]
        self.previous: list[Token] = []  # the last two significant tokens
        self.values_at = 0  # the depth of a VALUES keyword whose '{' is still to come

    def next_token(self) -> Token | None:
        """The token at the current position (None for whitespace), the position moved past it."""
        token = self._iri()
        if token is None:
            match = _LEX.match(self.text, self.position)
            assert match is not None  # the last alternative matches any character
            self.position = match.end()
            kind = match.lastgroup or "punct"
            if kind == "ws":
                return None
            token = Token(kind, match.group(0), match.start())
            self._track(token)
        if token.kind != "comment":
            self.previous = [*self.previous[-1:], token]
        return token

    def _iri(self) -> Token | None:
        """An IRI ``<…>`` at the position, unless ``<`` is the less-than operator there."""
        if self.text[self.position] != "<" or (self.stack[-1].kind == "expr" and _ends_operand(self.previous)):
            return None
        iri = _IRI.match(self.text, self.position)
        if iri is None:
            return None
        self.position = iri.end()
        return Token("iri", iri.group(0), iri.start())

    def _track(self, token: Token) -> None:
        """Opens or closes a frame for a bracket; notes a subquery's SELECT and a VALUES keyword."""
        frame = self.stack[-1]
        word = token.text.upper() if token.kind == "word" else ""
        if token.kind == "open":
            if token.text == "{" and self.values_at == len(self.stack):
                self.stack.append(_Frame("values"))
                self.values_at = 0
            else:
                self.stack.append(_Frame(_opened(token.text, frame, self.previous)))
        elif token.kind == "close":
            self._close(token)
        elif word == "SELECT" and frame.kind == "group" and self.previous and self.previous[-1].text == "{":
            frame.kind = "select"  # a subquery: no triples in this group, only clauses
        elif word == "VALUES":
            self.values_at = len(self.stack)

    def _close(self, token: Token) -> None:
        opened = self.stack.pop() if len(self.stack) > 1 else None
        if opened is None or token.text != _CLOSER[opened.kind]:
            line, column = _locate(self.text, token.start)
            raise QueryRefused(f"the brackets do not match: {token.text!r} at line {line}, column {column} "
                               "closes nothing", line, column)


def _ends_operand(previous: list[Token]) -> bool:
    if not previous:
        return False
    last = previous[-1]
    if last.kind in _OPERAND_END:
        return True
    if last.kind == "word":
        return last.text.upper() in _OPERAND_WORDS
    if last.text in (")", "}"):
        return True
    # the end of a quoted triple '>>' (SPARQL-star)
    return last.text == ">" and len(previous) > 1 and previous[-2].text == ">"


def _opened(bracket: str, frame: _Frame, previous: list[Token]) -> str:
    """What a bracket opens, given the enclosing frame and the tokens before it."""
    last = previous[-1] if previous else None
    if bracket == "{":
        return "group"
    if bracket == "[":
        return "bnode"
    # '(' : an expression, or a collection / property path / VALUES variables or row ("list")
    if frame.kind == "expr":
        return "expr"
    if frame.kind == "values" or (last is not None and last.kind == "word" and last.text.upper() == "VALUES"):
        return "list"
    if frame.kind in ("top", "select"):
        return "expr"  # projections, GROUP BY, HAVING, ORDER BY: no triples here
    if frame.kind in ("list", "bnode"):
        return "list"
    # a group: FILTER (…), BIND (…), FILTER fn(…), FILTER <fn>(…); else a collection or a path
    if last is None:
        return "list"
    if last.kind == "word":
        return "list" if last.text.upper() in _NOT_FUNCTIONS else "expr"
    if last.kind in ("iri", "pname") and len(previous) > 1 and previous[-2].kind == "word" \
            and previous[-2].text.upper() == "FILTER":
        return "expr"
    return "list"


def _locate(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def iri_value(token: str) -> str:
    """The IRI a token ``<…>`` stands for, with its ``\\u``/``\\U`` escapes decoded.

    >>> iri_value(r"<http\\u003a//example.org/>")
    'http://example.org/'
    """
    return _UNESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), token[1:-1])


def _allowed(iri: str, allow: Iterable[str]) -> bool:
    """Is ``iri`` an absolute http(s) IRI whose host (and port) is on the allow-list?"""
    allow = [a.strip().lower() for a in allow if a.strip()]
    if "*" in allow:
        return True
    try:
        parts = urlsplit(iri)
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError:
        return False
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return False
    host = parts.hostname.lower()
    return any(entry in (host, f"{host}:{port}", f"[{host}]", f"[{host}]:{port}") for entry in allow)


def check_query(text: str, *, allow_service: Iterable[str] = (), max_depth: int = MAX_DEPTH,
                max_chain: int = MAX_CHAIN, update: bool = False) -> None:
    """Refuse a SPARQL query (or, with ``update=True``, an update) before it is parsed.

    Raises :class:`QueryRefused` (a :class:`kjgraph.errors.QueryError`) with the line and
    column of the offending token when the text

    * calls ``SERVICE`` (or, in an update, ``LOAD``) on an endpoint whose host is not in
      ``allow_service`` — entries ``HOST`` (any port) or ``HOST:PORT``, ``*`` allows every
      host; an endpoint given by a variable or a prefixed name is refused too, as it cannot
      be checked before the query runs;
    * nests brackets deeper than ``max_depth``, or chains more than ``max_chain`` operators
      (or ``OPTIONAL``/``UNION``/``MINUS``) in one bracket level;
    * has brackets that do not match.

    Returns ``None`` when the text may be given to the engine (which may still find a syntax
    error). Runs in time linear in the length of the text.
    """
    allow = tuple(allow_service)
    pending: Token | None = None  # SERVICE / LOAD waiting for its endpoint
    for token, stack in _scan(text):
        if token.kind == "comment":
            continue
        _check_nesting(text, token, stack, max_depth=max_depth, max_chain=max_chain, update=update)
        word = token.text.upper() if token.kind == "word" else ""
        if pending is not None:
            if word == "SILENT":
                continue
            _check_endpoint(text, pending, token, allow)
            pending = None
            continue
        if word == "SERVICE" or (update and word == "LOAD"):
            pending = token
    if pending is not None:
        line, column = _locate(text, pending.start)
        raise QueryRefused(f"{pending.text.upper()} at line {line} has no endpoint IRI", line, column)


def _check_nesting(text: str, token: Token, stack: list[_Frame], *, max_depth: int, max_chain: int,
                   update: bool) -> None:
    """Refuse ``token`` if it stands deeper than ``max_depth`` brackets, or if it is a link of a
    chain (:func:`_chains`) that makes the chains of the enclosing brackets longer than ``max_chain``."""
    depth = len(stack) - 1
    if depth > max_depth:
        line, column = _locate(text, token.start)
        raise QueryRefused(f"the {'update' if update else 'query'} nests brackets {depth} deep at line "
                           f"{line}, column {column}; the limit is {max_depth} (deeper nesting can crash "
                           "the SPARQL engine)", line, column)
    if _chains(token, stack[-1], update):
        stack[-1].chain += 1
        if sum(f.chain for f in stack) > max_chain:
            line, column = _locate(text, token.start)
            raise QueryRefused(f"more than {max_chain} operators, triple patterns or OPTIONAL/UNION/MINUS/BIND "
                               f"in a row (at line {line}, column {column}); split the query (longer chains "
                               "can crash the SPARQL engine)", line, column)


def _chains(token: Token, frame: _Frame, update: bool) -> bool:
    """Does ``token`` add a level to the parser's recursion in ``frame``: a chaining keyword or
    operator, a triple pattern's separator (in a query, outside expressions), a collection's term?"""
    if token.kind == "word":
        return token.text.upper() in _CHAIN_WORDS or (frame.kind == "list" and token.kind in _TERMS)
    if token.kind == "punct":
        return token.text in _CHAIN_PUNCT or (not update and token.text in _JOIN_PUNCT and frame.kind != "expr")
    return frame.kind == "list" and token.kind in _TERMS


def _check_endpoint(text: str, keyword_token: Token, token: Token, allow: tuple[str, ...]) -> None:
    """Refuse the endpoint ``token`` after SERVICE or LOAD (``keyword_token``) unless it is an
    IRI whose host is on the allow-list."""
    keyword = keyword_token.text.upper()
    line, column = _locate(text, keyword_token.start)
    if token.kind != "iri":
        raise QueryRefused(f"{keyword} at line {line}: the endpoint must be written as a full IRI "
                           "<http://…> so that it can be checked against the server's allow-list",
                           line, column)
    target = iri_value(token.text)
    if _allowed(target, allow):
        return
    if allow:
        reason = f"{urlsplit(target).netloc or target!r} is not on this server's allow-list"
    elif keyword == "SERVICE":
        reason = "federated queries are switched off on this server"
    else:
        reason = "loading from the web is switched off on this server"
    raise QueryRefused(f"{keyword} {token.text} at line {line}: {reason} (its operator can allow "
                       "hosts with --allow-service HOST[:PORT])", line, column)


def check_update(text: str, *, allow_service: Iterable[str] = (), max_depth: int = MAX_DEPTH,
                 max_chain: int = MAX_CHAIN) -> None:
    """:func:`check_query` for a SPARQL Update: ``LOAD <…>`` is held to the same allow-list.

    >>> check_update("LOAD <http://127.0.0.1:9/data.ttl>")
    Traceback (most recent call last):
    ...
    kjgraph.sparql_text.QueryRefused: LOAD <http://127.0.0.1:9/data.ttl> at line 1: loading from the web ...
    """
    check_query(text, allow_service=allow_service, max_depth=max_depth, max_chain=max_chain, update=True)
