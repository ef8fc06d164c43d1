"""Recall and precision of `kjgraph ingest` per language (the German seed and the test fixtures).

    .venv/bin/python benchmarks/ingest_quality.py

Statements: a drafted statement counts when kind, status, topic set and sentence equal a
gold one (the seed's gold is the curated seed records; the fixtures' gold is
tests/data/ingest/*.gold.yaml). Links: the graph ids the draft links the text to, against
the gold entity lists. Also the time to build the gazetteer and to ingest each document.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kjgraph.ingest import ingest_text  # noqa: E402
from kjgraph.ingest.evaluate import score  # noqa: E402
from kjgraph.loader import load_catalog  # noqa: E402
from tests.test_ingest import FIXTURE_DOCS, INGEST, SEED_FILE, _fixture_gold, _gold, _seed_gold  # noqa: E402


def main() -> None:
    catalog = load_catalog()
    print(f"{'lang':5} {'statements':>10} {'recall':>7} {'precision':>9} {'links':>6} {'link P':>7} "
          f"{'link R':>7} {'seconds':>8}")
    for lang in ("de", "en", "ko", "ja"):
        if lang == "de":
            gold, entities = _seed_gold(catalog), set(_gold("seed.gold.yaml")["entities"])
            path, kwargs = SEED_FILE, {"lang": "de", "file": SEED_FILE.name}
        else:
            gold, entities, _g = _fixture_gold(lang)
            path, kwargs = INGEST / FIXTURE_DOCS[lang], {}
        started = time.perf_counter()
        draft = ingest_text(path.read_text(encoding="utf-8"), catalog=catalog, document=str(path), **kwargs)
        seconds = time.perf_counter() - started
        s = score(draft, gold, entities)
        print(f"{lang:5} {s.gold:>10} {s.recall:>7.0%} {s.precision:>9.0%} {s.links_drafted:>6} "
              f"{s.link_precision:>7.0%} {s.link_recall:>7.0%} {seconds:>8.2f}")


if __name__ == "__main__":
    main()
