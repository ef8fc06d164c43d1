"""SPARQL text checked before parsing (kjgraph.sparql_text): SERVICE/LOAD refused unless allowed,
nesting that crashes pyoxigraph refused, nothing valid refused by mistake.

The security property is tested against the real engine: whatever the checker lets through,
pyoxigraph running it never opens a connection to a listener on 127.0.0.1 (hypothesis draws
queries from fragments that confuse tokenizers: quotes, '<' as operator, comments, escapes).
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kjgraph.errors import QueryError
from kjgraph.query import PREFIXES, KnowledgeGraph
from kjgraph.sparql_text import MAX_CHAIN, MAX_DEPTH, QueryRefused, check_query, check_update, tokens
from tests.conftest import run_cli


class Listener:
    """A TCP listener on 127.0.0.1 that counts connections and closes each at once."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _addr = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


@pytest.fixture(scope="module")
def store() -> ox.Store:
    s = ox.Store()
    s.add(ox.Quad(ox.NamedNode("http://ex/s"), ox.NamedNode("http://ex/p"), ox.Literal("o")))
    return s


def service(port: int) -> str:
    return f"SERVICE <http://127.0.0.1:{port}/sparql> {{ ?a ?b ?c }}"


# ---------------------------------------------------------------- SERVICE and LOAD

def test_service_is_refused_by_default_and_the_engine_would_have_connected(listener: Listener, store) -> None:
    query = f"SELECT * WHERE {{ ?s ?p ?o {service(listener.port)} }}"
    with pytest.raises(QueryRefused, match="--allow-service"):
        check_query(query)
    before = listener.connections
    with pytest.raises(OSError):  # the engine itself would fetch (the listener closes at once)
        list(store.query(query))
    assert listener.connections > before  # the listener is real and reachable: the test can fail


@pytest.mark.parametrize("text", [
    # the keyword in any case, SILENT, \u escapes in the IRI, comments and newlines around
    "select * where {{ service <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE SILENT <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
    r"SELECT * WHERE {{ SERVICE <http\u003a//127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ # a comment\nSERVICE\n<http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?s ?p ?o # SERVICE <http://x/>\r SERVICE <http://127.0.0.1:{port}/> {{ }} }}",
    # '<' as less-than before a quote: a naive tokenizer reads <'> as an IRI and hides the rest in a string
    "SELECT * WHERE {{ ?s ?p ?o FILTER(?o<'>') SERVICE <http://127.0.0.1:{port}/> {{ ?a ?b ?c }} FILTER('x'>'a') }}",
    # a quote escaped in a prefixed name (PN_LOCAL_ESC) is no string
    "PREFIX ex: <http://ex/> SELECT * WHERE {{ ?s ex:a\\'b ?o . SERVICE <http://127.0.0.1:{port}/> {{ }} ?s ?p 'x' }}",
    # strings of every quoting style closed where the grammar closes them
    "SELECT * WHERE {{ BIND('''a''b''' AS ?x) SERVICE <http://127.0.0.1:{port}/> {{ }} BIND(\"\"\"q\"\"\" AS ?y) }}",
    "SELECT * WHERE {{ BIND('a\\'' AS ?x) SERVICE <http://127.0.0.1:{port}/> {{ }} }}",
    # inside a subquery, an EXISTS, an OPTIONAL, a UNION branch
    "SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/> {{ }} }} }} }}",
    "SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <http://127.0.0.1:{port}/> {{ }} }} }}",
    "SELECT * WHERE {{ {{ }} UNION {{ OPTIONAL {{ SERVICE <http://127.0.0.1:{port}/> {{ }} }} }} }}",
    # endpoints that cannot be checked: a variable, a prefixed name, a relative IRI
    "SELECT * WHERE {{ BIND(<http://127.0.0.1:{port}/> AS ?e) SERVICE ?e {{ }} }}",
    "PREFIX ep: <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE ep:sparql {{ }} }}",
    "BASE <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE <sparql> {{ }} }}",
    # in an update's WHERE
    "DELETE {{ ?s ?p ?o }} WHERE {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
])
def test_every_way_of_writing_service_is_found(text: str, listener: Listener) -> None:
    query = text.format(port=listener.port)
    checker = check_update if query.startswith("DELETE") else check_query
    with pytest.raises(QueryRefused):
        checker(query)
    with pytest.raises(QueryRefused):
        checker(query, allow_service=["example.org"])


def test_load_is_refused_in_updates_unless_allowed(listener: Listener) -> None:
    update = f"LOAD <http://127.0.0.1:{listener.port}/data.ttl> INTO GRAPH <http://g>"
    with pytest.raises(QueryRefused, match="LOAD"):
        check_update(update)
    check_update(update, allow_service=[f"127.0.0.1:{listener.port}"])
    check_query("SELECT ?load WHERE { ?load ?p 'LOAD <http://x/>' }")  # not a keyword here


@pytest.mark.parametrize(("allow", "target", "allowed"), [
    (["example.org"], "http://example.org/sparql", True),
    (["example.org"], "https://EXAMPLE.org:8443/sparql", True),
    (["example.org:8443"], "https://example.org:8443/sparql", True),
    (["example.org:8443"], "https://example.org/sparql", False),
    (["example.org:443"], "https://example.org/sparql", True),  # the scheme's default port
    (["example.org"], "http://example.org.evil.test/sparql", False),
    (["example.org"], "http://user@evil.test/?example.org", False),
    (["[::1]:7878"], "http://[::1]:7878/query", True),
    (["*"], "http://anything.example:1/", True),
    (["example.org"], "ftp://example.org/x", False),
    ([], "http://example.org/sparql", False),
])
def test_allow_list_matches_host_and_port(allow: list[str], target: str, allowed: bool) -> None:
    query = f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}"
    if allowed:
        check_query(query, allow_service=allow)
    else:
        with pytest.raises(QueryRefused):
            check_query(query, allow_service=allow)


FRAGMENTS = [
    "'", '"', "'''", "#", "\n", "\r", "<", ">", "<'>", "?o", "(", ")", "{", "}", ".", ";", ",", "\\", "\\'",
    "FILTER(", "FILTER(?o<", "BIND(", " AS ?z)", "ex:a\\'b", "<http://x/a'b>", "<http://x/#f>", "'>'",
    "SERVICE", "service", "SILENT", "1", "<<", ">>", "VALUES ?v {", "OPTIONAL {", "EXISTS {", " ",
]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.just("SERVICE <{url}> { ?a ?b ?c }")), max_size=14))
def test_whatever_the_checker_lets_through_never_connects(listener: Listener, store, pieces: list[str]) -> None:
    url = f"http://127.0.0.1:{listener.port}/sparql"
    text = "PREFIX ex: <http://ex/> SELECT * WHERE { ?s ?p ?o . " + " ".join(pieces).replace("{url}", url) + " }"
    try:
        check_query(text)
    except QueryRefused:
        return
    before = listener.connections
    with contextlib.suppress(SyntaxError, OSError, ValueError, RuntimeError):
        list(store.query(text))
    assert listener.connections == before, text


# ---------------------------------------------------------------- queries of death

def crashes(text: str) -> bool:
    """Does pyoxigraph die (a signal, not an exception) parsing ``text`` in a fresh process?"""
    code = "import sys, pyoxigraph as ox\ntry:\n ox.Store().query(sys.stdin.read())\nexcept Exception:\n pass\n"
    result = subprocess.run([sys.executable, "-c", code], input=text, text=True, capture_output=True, timeout=120)
    return result.returncode < 0


@pytest.mark.slow
@pytest.mark.parametrize(("name", "text"), [
    ("braces", "ASK " + "{" * 10_000 + "}" * 10_000),
    ("parentheses", "ASK { FILTER " + "(" * 15_000 + "true" + ")" * 15_000 + " }"),
    ("negations", "ASK { FILTER(" + "!" * 20_000 + "true) }"),
    ("minus chain", "ASK { " + "MINUS{}" * 5_000 + " }"),
    ("collection", "ASK { ?s <http://x/p> (" + " 1" * 10_000 + ") }"),
])
def test_queries_of_death_crash_the_engine_and_are_refused(name: str, text: str) -> None:
    assert crashes(text), f"{name}: pyoxigraph no longer crashes; the limits may be relaxed"
    with pytest.raises(QueryRefused, match="crash the SPARQL engine"):
        check_query(text)


def test_limits_are_far_below_the_measured_crash_depths() -> None:
    assert MAX_DEPTH * 10 < 2_187  # nested '{' crash pyoxigraph 0.5.13 at about 2,190
    assert MAX_CHAIN * 2 < 2_609  # 'MINUS' chains at about 2,610
    check_query("ASK " + "{" * MAX_DEPTH + "}" * MAX_DEPTH)
    with pytest.raises(QueryRefused, match=f"{MAX_DEPTH + 1} deep"):
        check_query("ASK " + "{" * (MAX_DEPTH + 1) + "}" * (MAX_DEPTH + 1))
    check_query("ASK { FILTER(" + " || ".join(["true"] * MAX_CHAIN) + ") }")
    with pytest.raises(QueryRefused, match="in a row"):
        check_query("ASK { FILTER(" + " || ".join(["true"] * (MAX_CHAIN + 2)) + ") }")
    # chains add up across nesting levels (the recursion does too)
    nested = "ASK { " + ("{} MINUS { " * 200) + ("{} MINUS {} " * 5) + ("}" * 200) + " }"
    with pytest.raises(QueryRefused):
        check_query(nested.replace("{} MINUS { ", "{} MINUS {} MINUS {} MINUS {} MINUS {} MINUS { "))


def test_the_python_api_and_the_cli_refuse_a_query_of_death(built_store) -> None:
    kg = KnowledgeGraph.open(built_store)
    deep = "ASK " + "{" * 3000 + "}" * 3000
    with pytest.raises(QueryError, match="nests brackets"):
        kg.execute(deep)
    result = run_cli("query", "--store", str(built_store.root), "-e", deep)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "nests brackets" in lines[0] and "Traceback" not in result.stderr
    assert kg.execute("ASK { ?s ?p ?o }")  # the process is alive and answers


# ---------------------------------------------------------------- nothing valid is refused

VALID = [
    "SELECT ?x WHERE { ?x <http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER(?l < 'b' && STRLEN(?l)<3) }",
    "SELECT * WHERE { VALUES (?p ?o) { (rdfs:label <http://x/#y>) (UNDEF 'a\\'b') } ?s ?p ?o }",
    "SELECT * WHERE { ?s <http://x/p> (1 <http://x/#a> ?v) ; <http://x/q> [ <http://x/r> 'x' ] }",
    "SELECT ?x (COUNT(*) AS ?n) WHERE { ?x ?p ?o } GROUP BY ?x STR(?o) HAVING (COUNT(*) < 3)",
    "SELECT * WHERE { ?s (<http://x/a>|^<http://x/b>)*/<http://x/c> ?o FILTER(?o IN (<http://x/1>, 2)) }",
    "SELECT * WHERE { ?s ?p ?o FILTER(?o<<http://x/o>) } ORDER BY DESC(?o) LIMIT 10",
    "PREFIX ex: <http://ex/> SELECT * WHERE { ?s ex:a\\'b ex:c\\#d . ?s ?p 'service' }",
    "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } } # SERVICE <http://x/>",
    "ASK { ?s ?p \"\"\"a \"quoted\" ' text\"\"\" }",
    "SELECT * WHERE { << ?s ?p ?o >> ?q ?r }",
]


@pytest.mark.parametrize("text", VALID)
def test_valid_queries_pass_and_parse(text: str) -> None:
    check_query(text)
    ox.Store().query(text, prefixes=PREFIXES)  # they are real SPARQL


def test_every_library_query_passes() -> None:
    from kjgraph.library import library

    for query in library().values():
        check_query(query.text)


def test_tokens_tell_strings_iris_comments_and_operators_apart() -> None:
    kinds = [(t.kind, t.text) for t in tokens("ASK { FILTER(?a<'x' && ?b > 1) ?s <http://x/#y> \"#\" } # c")]
    assert ("punct", "<") in kinds and ("string", "'x'") in kinds and ("iri", "<http://x/#y>") in kinds
    assert ("string", '"#"') in kinds and kinds[-1] == ("comment", "# c")
    with pytest.raises(QueryRefused, match="do not match"):
        check_query("ASK { ?s ?p ?o ) }")
    # a function call after GROUP BY's variable is an expression: '<' in it is the operator
    group = [t.text for t in tokens("SELECT * { } GROUP BY ?x <http://fn/f>(?y<'>')")]
    assert group[-6:] == ["<http://fn/f>", "(", "?y", "<", "'>'", ")"]


def test_the_remote_path_refuses_before_sending(listener: Listener) -> None:
    from kjgraph.remote import RemoteGraph

    remote = RemoteGraph(f"http://127.0.0.1:{listener.port}/sparql")
    before = listener.connections
    with pytest.raises(QueryError, match="nests brackets"):
        remote.execute("ASK " + "{" * 3000 + "}" * 3000)
    assert listener.connections == before  # nothing was sent
