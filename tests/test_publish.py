"""Publishing a static site with `kjgraph publish --out DIR`, checked by serving it over HTTP."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from kjgraph.build import build
from kjgraph.store import StoreLocation
from tests.conftest import run_cli

FIXTURES = Path(__file__).parent / "data"


@pytest.mark.slow
def test_publish_writes_a_static_linked_data_site(tmp_path: Path) -> None:
    location = StoreLocation(tmp_path / "store")
    build(location, data=FIXTURES / "minimal", progress=False)
    out = tmp_path / "site"
    run_cli("publish", "--store", str(location.root), "--out", str(out), check=True)
    person = out / "doc" / "id" / "person" / "lee-jae-myung"
    html = person.with_suffix(".html").read_text(encoding="utf-8")
    assert "이재명" in html and 'href="../../../doc/id/tenure/' in html  # labels, relative links to static pages
    triples = list(ox.parse(person.with_suffix(".ttl").read_bytes(), format=ox.RdfFormat.TURTLE))
    assert ox.NamedNode("https://w3id.org/kjgraph/id/person/lee-jae-myung") in {t.subject for t in triples}
    for suffix, fmt in ((".nt", ox.RdfFormat.N_TRIPLES), (".jsonld", ox.RdfFormat.JSON_LD),
                        (".rdf", ox.RdfFormat.RDF_XML)):
        assert list(ox.parse(person.with_suffix(suffix).read_bytes(), format=fmt))
    assert "RewriteRule ^((?:id|graph)/.+)$ %{ENV:KJBASE}doc/$1.ttl [R=303,L]" in (out / ".htaccess").read_text()
    assert "void:triples" in (out / ".well-known" / "void").read_text()
    assert (out / "dumps" / "kjgraph.nq.gz").stat().st_size > 100

    # Every link of every page resolves on a plain static host.
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        import re

        checked = set()
        from urllib.parse import urljoin

        for page in ["index.html", "classes.html", "search.html", "query.html",
                     "doc/id/person/lee-jae-myung.html"]:
            text = (out / page).read_text(encoding="utf-8")
            for href in set(re.findall(r'href="([^"#?:]+)"', text)):  # relative links (no scheme)
                url = urljoin(f"{base}/{page}", href)
                if url not in checked:
                    checked.add(url)
                    assert requests.get(url, timeout=10).status_code == 200, (page, href)
        assert len(checked) > 20
    finally:
        httpd.shutdown()
