"""A static site that works anywhere: `kjgraph publish` output opened from disk, served under a
sub-path, and served by the two servers static linked data is published with — Apache (Debian's
apache2, the generated .htaccess) and nginx (the generated server block) — each started here on
127.0.0.1 with its configuration in a temporary directory, answering every Accept header of the
table with the same 303 target as `kjgraph serve` on the same store.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlencode, urljoin, urlsplit

import pytest
import rdflib
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from kjgraph.build import build
from kjgraph.server import redirects
from kjgraph.store import StoreLocation
from tests.conftest import FIXTURES, run_cli
from tests.servers import KjgraphServer, free_port, running

pytestmark = [pytest.mark.slow, pytest.mark.server]

#: Accept headers a client may send: browsers, RDF tools, q-values, case, wildcards, parameters, none.
ACCEPTS = [
    None, "", "*/*", "text/html", "TEXT/HTML", "text/turtle", "Text/Turtle", "application/ld+json",
    "application/n-triples", "application/rdf+xml", "application/json", "application/xml", "text/plain",
    "application/x-turtle", "text/*", "application/*", "image/png", "garbage", "text/html;q=0",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",            # Firefox
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",  # Chromium
    "application/rdf+xml;q=0.9, text/turtle;q=0.8, */*;q=0.1",                        # rdflib-like
    "text/turtle;q=0, */*", "text/turtle;q=0.5, application/ld+json", "text/html;q=0.5, text/turtle;q=0.4",
    "application/ld+json;q=0.9, text/turtle", "text/turtle;q=0.1, text/html;q=0.2", "*/*;q=0",
    "application/rdf+xml;q=1, text/turtle;q=1", "text/html;level=1, text/turtle;q=0.5", "text/*;q=0.5, */*;q=0.9",
    "application/ld+json ; q = 0.7 , text/turtle ; q=0.6",
]
RESOURCES = ["id/person/lee-jae-myung", "id/place/nara"]
IRI = "https://w3id.org/kjgraph/"


# ------------------------------------------------------------------ the site

@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> StoreLocation:
    location = StoreLocation(tmp_path_factory.mktemp("store"))
    build(location, data=FIXTURES / "minimal", progress=False)
    return location


@pytest.fixture(scope="module")
def www() -> Iterator[Path]:
    """A directory the web servers' unprivileged workers can read (pytest's are private)."""
    root = Path(tempfile.mkdtemp(prefix="kjgraph-www-"))
    root.chmod(0o755)
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def site(store: StoreLocation, www: Path) -> Path:
    """The site published at the root of ``www`` and, with --base-url, under ``www/kj/``."""
    run_cli("publish", "--store", str(store.root), "--out", str(www / "root"), check=True)
    run_cli("publish", "--store", str(store.root), "--out", str(www / "kj"), "--base-url",
            "http://127.0.0.1/kj/", check=True)
    for path in www.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return www


def test_every_link_is_relative_and_resolves_on_disk(site: Path) -> None:
    out = site / "root"
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 20
    checked = 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for href in re.findall(r'(?:href|src)="([^"]*)"', text):
            if href.startswith(("http://", "https://", "mailto:", "#", "data:")) or href.startswith("?"):
                continue
            assert not href.startswith("/"), (page, href)  # nothing root-relative
            target = (page.parent / unquote(href.split("#")[0].split("?")[0])).resolve()
            assert target.is_file(), (page.relative_to(out), href)
            checked += 1
    assert checked > 200


def test_the_void_description_is_not_root_relative(site: Path) -> None:
    for directory, base in (("root", "http://example.org/any/where/"), ("kj", None)):
        for name in (".well-known/void", "void.ttl"):
            location = base + name if base else f"http://127.0.0.1/kj/{name}"
            graph = rdflib.Graph().parse(data=(site / directory / name).read_text(encoding="utf-8"), format="turtle",
                                         publicID=location)
            dumps = {str(o) for o in graph.objects(None, rdflib.URIRef("http://rdfs.org/ns/void#dataDump"))}
            assert dumps, name
            prefix = (base or "http://127.0.0.1/kj/") + "dumps/"
            assert all(d.startswith(prefix) for d in dumps), (name, sorted(dumps)[:2])
            for dump in dumps:  # each names a file of the site
                assert (site / directory / "dumps" / dump.rsplit("/", 1)[1]).is_file()


def test_the_site_opens_from_disk_in_a_browser(site: Path, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    try:
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((site / "root" / "index.html").as_uri())
        page.click("header nav.main a >> nth=0")  # Browse
        assert page.url.endswith("/classes.html")
        page.click("tr:has(span:text-is('kjo:Person')) a")
        assert "/class/" in page.url
        page.click("ul.instances a >> nth=0")
        assert "/doc/id/" in page.url and page.title()
        page.goto((site / "root" / "search.html").as_uri() + "?q=Lee%20Jae%20myung")
        first = page.locator("#results li a").first
        assert first.get_attribute("href").endswith("doc/id/person/lee-jae-myung.html")
        first.click()
        assert page.url.endswith("/doc/id/person/lee-jae-myung.html")
        assert errors == []
    finally:
        page.close()


# ------------------------------------------------------------------ the rules themselves

@st.composite
def accept_headers(draw: st.DrawFn) -> str:
    types = ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml", "text/html",
             "application/xhtml+xml", "application/xml", "application/json", "text/plain", "text/*",
             "application/*", "*/*", "image/png", "text/csv", "application/x-turtle"]
    entries = []
    for _ in range(draw(st.integers(1, 5))):
        media = draw(st.sampled_from(types))
        media = draw(st.sampled_from([media, media.upper(), media.title()]))
        q = draw(st.sampled_from(["", ";q=1", ";q=0", ";q=0.0", ";q=1.0"] + [f";q=0.{d}" for d in range(1, 10)]
                                 + [" ; q=0.5", ";charset=utf-8"]))
        entries.append(media + q)
    return draw(st.sampled_from([", ", ","])).join(entries)


@given(accept_headers())
@settings(max_examples=3000, deadline=None)
def test_the_static_rules_choose_as_the_server(header: str) -> None:
    for ontology in (False, True):
        if len({e.split(";")[0].strip().lower() for e in header.split(",")}) == len(header.split(",")):
            assert redirects.decide(header, ontology=ontology) == redirects.server_choice(header, ontology=ontology)


@pytest.mark.parametrize("accept", ACCEPTS)
def test_the_table_of_accept_headers(accept: str | None) -> None:
    for ontology in (False, True):
        assert redirects.decide(accept, ontology=ontology) == redirects.server_choice(accept, ontology=ontology)


# ------------------------------------------------------------------ real servers

def _wait(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    for _ in range(100):
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            assert process.poll() is None, log.read_text(errors="replace") if log.exists() else "exited"
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer: {log.read_text(errors='replace') if log.exists() else ''}")


@pytest.fixture(scope="module")
def apache(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Debian's apache2 serving the site at / and (through an Alias) at /kj/, .htaccess allowed."""
    binary = shutil.which("apache2") or "/usr/sbin/apache2"
    if not Path(binary).exists():
        pytest.fail("apache2 is missing: apt-get install apache2 (.ci/setup does)")
    conf_dir = tmp_path_factory.mktemp("apache")
    port = free_port()
    modules = "/usr/lib/apache2/modules"
    user = "User www-data\nGroup www-data\n" if os.geteuid() == 0 else ""
    conf = conf_dir / "httpd.conf"
    conf.write_text(f"""ServerRoot "{conf_dir}"
DefaultRuntimeDir "{conf_dir}"
PidFile "{conf_dir}/httpd.pid"
Mutex file:{conf_dir}
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
{''.join(f'LoadModule {m}_module {modules}/mod_{m}.so{chr(10)}' for m in
         ("mpm_event", "authz_core", "mime", "dir", "rewrite", "headers", "alias"))}
{user}ErrorLog "{conf_dir}/error.log"
LogLevel warn rewrite:warn
TypesConfig /etc/mime.types
DirectoryIndex index.html
DocumentRoot "{site}/root"
Alias /kj/ "{site}/kj/"
<Directory "{site}">
  AllowOverride All
  Require all granted
</Directory>
""", encoding="utf-8")
    process = subprocess.Popen([binary, "-f", str(conf), "-DFOREGROUND"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.STDOUT)
    try:
        _wait(f"http://127.0.0.1:{port}/", process, conf_dir / "error.log")
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def nginx(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """nginx serving the site at / and under /kj/ with the generated configuration."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        pytest.fail("nginx is missing: apt-get install nginx (.ci/setup does)")
    prefix = tmp_path_factory.mktemp("nginx")
    port = free_port()
    root_conf = redirects.nginx_conf(root=str(site / "root"), location="/", listen=f"127.0.0.1:{port}")
    # under a sub-path: the same rules with location /kj/ (the map blocks are shared)
    sub_conf = redirects.nginx_conf(root=str(site), location="/kj/", listen=f"127.0.0.1:{port + 1}")
    maps, _sep, root_server = root_conf.partition("\n\nserver {")
    _maps, _sep, sub_server = sub_conf.partition("\n\nserver {")
    user = "user www-data;\n" if os.geteuid() == 0 else ""
    (prefix / "nginx.conf").write_text(f"""{user}worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body; proxy_temp_path {prefix}/proxy; fastcgi_temp_path {prefix}/fcgi;
    uwsgi_temp_path {prefix}/uwsgi; scgi_temp_path {prefix}/scgi;
{maps}
server {{{root_server}
server {{{sub_server}
}}
""", encoding="utf-8")
    process = subprocess.Popen([binary, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        _wait(f"http://127.0.0.1:{port}/", process, prefix / "error.log")
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def served(store: StoreLocation, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = KjgraphServer(workdir=tmp_path_factory.mktemp("serve"), store=store.root)
    with running(server):
        yield server.base.rstrip("/") + "/"


def answer(url: str, accept: str | None) -> tuple[int, str | None]:
    """(status, the redirect's target path after the site's root) for a GET of ``url``."""
    headers = {} if accept is None else {"Accept": accept}
    response = requests.get(url, headers=headers, allow_redirects=False, timeout=10)
    location = response.headers.get("location")
    if location is not None:
        location = urlsplit(urljoin(url, location)).path
    return response.status_code, location


def _root(url: str) -> str:
    return urlsplit(url).path


@pytest.mark.parametrize("host", ["apache", "nginx"])
def test_the_web_servers_redirect_as_kjgraph_serve(host: str, request: pytest.FixtureRequest, served: str) -> None:
    base = request.getfixturevalue(host)
    port = int(urlsplit(base).port or 80)
    sites = [base, f"http://127.0.0.1:{port}/kj/" if host == "apache" else f"http://127.0.0.1:{port + 1}/kj/"]
    compared = 0
    for path in [*RESOURCES, "ontology"]:
        for accept in ACCEPTS:
            expected_status, expected_target = answer(served + path, accept)
            for site_url in sites:
                status, target = answer(site_url + path, accept)
                assert status == expected_status, (host, site_url, path, accept, status, expected_status)
                if expected_target is not None:
                    assert target is not None
                    assert target.removeprefix(_root(site_url)) == expected_target.removeprefix(_root(served)), \
                        (host, site_url, path, accept)
                compared += 1
    assert compared == 2 * (len(RESOURCES) + 1) * len(ACCEPTS)


@pytest.mark.parametrize("host", ["apache", "nginx"])
def test_the_web_servers_follow_through_vary_cors_and_404(host: str, request: pytest.FixtureRequest,
                                                           served: str) -> None:
    base = request.getfixturevalue(host)
    response = requests.get(base + "id/person/lee-jae-myung", headers={"Accept": "text/turtle"}, timeout=10)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    assert "이재명" in response.text
    redirect = requests.get(base + "id/person/lee-jae-myung?lang=ko", headers={"Accept": "text/html"},
                            allow_redirects=False, timeout=10)
    assert redirect.status_code == 303 and redirect.headers["location"].endswith(
        "doc/id/person/lee-jae-myung.html?lang=ko")
    assert "accept" in redirect.headers.get("vary", "").lower()
    assert redirect.headers.get("access-control-allow-origin") == "*"
    for path in ("id/person/nobody-at-all", "graph/source/nothing-here"):  # unknown IRIs: 404, never a redirect
        assert requests.get(base + path, headers={"Accept": "text/turtle"}, allow_redirects=False,
                            timeout=10).status_code == 404 == requests.get(served + path, timeout=10,
                                                                           allow_redirects=False).status_code
    html = requests.get(base + "id/place/nara", headers={"Accept": "text/html"}, timeout=10)
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    for dump in ("void.ttl", "ontology.ttl"):
        assert requests.get(base + dump, timeout=10).headers["content-type"].startswith("text/turtle")


@pytest.mark.browser
def test_the_static_search_ranks_as_the_server(site: Path, store: StoreLocation, browser: object) -> None:
    from kjgraph.search import SearchIndex
    from kjgraph.server.pages import Site

    index = SearchIndex.from_store(store.open())
    root = Site("./", static=True)
    page = browser.new_page()  # type: ignore[attr-defined]
    try:
        for query in ("Lee Jae myung", "lee", "이재명", "Nara", "nara summit", "2026", "2026-01-13", "Japan",
                      "holder", "Takaichi Sanae", "zzzz"):
            expected = index.search(query, "en", 10)
            page.goto((site / "root" / "search.html").as_uri() + "?" + urlencode(
                {"q": query, "limit": 10}))
            hrefs = page.eval_on_selector_all("#results li a", "els => els.map(e => e.getAttribute('href'))")
            assert hrefs == [root.link(h.iri) for h in expected.hits], query
            summary = page.inner_text("#summary")
            assert (str(expected.total) in summary) if expected.total else summary, query
    finally:
        page.close()
