"""No 5xx for anything a client sends: a bounded run of the route fuzzer (tests/fuzz/fuzz_http.py)
against `kjgraph serve` on the awkward store. The full run (10,000+ requests) is by hand:

    .venv/bin/python -m tests.fuzz.fuzz_http --store STORE --requests 10000 --seed 7
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kjgraph.store import StoreLocation
from tests.fuzz.fuzz_http import check, make_request, run
from tests.http_servers import Served, awkward_store, serving

pytestmark = [pytest.mark.server, pytest.mark.slow]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    location: StoreLocation = awkward_store(tmp_path_factory.mktemp("fuzz-store"))
    with serving(location.root, "--workers", "2", "--time-limit", "5") as server:
        yield server


@pytest.mark.parametrize("seed", [11, 12])
def test_fuzzed_requests_never_get_a_5xx(served: Served, seed: int) -> None:
    outcome = run(served.port, 500, seed, workers=6, timeout=90)
    assert outcome.sent == 500
    assert not outcome.failures, outcome.failures[:5]
    assert sum(n for status, n in outcome.statuses.items() if 200 <= status < 400) > 100  # handlers were reached
    assert served.process.poll() is None


def test_the_checker_catches_what_it_must() -> None:
    import random

    request = make_request(random.Random(1))
    assert check(request, b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\n\r\n") == "status 500"
    assert check(b"GET / HTTP/1.1", b"HTTP/1.1 200 OK\r\ncontent-length: 9\r\n\r\nabc") is not None
    assert check(b"GET / HTTP/1.1", b"garbage") is not None
    assert check(b"GET / HTTP/1.1", b"HTTP/1.1 400 Bad\r\ncontent-length: 29\r\n\r\ninternal error: ValueError: x") \
        is not None
    assert check(b"GET / HTTP/1.1", b"HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\nabc") is None
