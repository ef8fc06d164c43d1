"""A bounded run of the YAML mutation fuzz (tests/fuzz/yaml_fuzz.py) on the small fixture data.

Every mutation class at least once, with a fixed seed: each case is a precise ``file:line``
error with the store byte-identical, or a build that loses no record without naming it;
never a traceback, a crash or a hang. The full run over the shipped data is by hand::

    .venv/bin/python -m tests.fuzz.yaml_fuzz --cases 330 --seed 1
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests.conftest import FIXTURES
from tests.fuzz.yaml_fuzz import MUTATIONS, fuzz, summary

CASES = 40  # every class once, 13 of them twice


@pytest.mark.slow
def test_every_mutation_of_the_data_is_a_precise_error_or_a_faithful_build() -> None:
    results = fuzz(FIXTURES / "minimal", CASES, seed=15)
    assert all(case.ok for case in results), summary(results)
    assert set(Counter(case.mutation for case in results)) == set(MUTATIONS)
    outcomes = Counter(case.outcome for case in results)
    assert outcomes["error"] > CASES / 2 and outcomes["built"] >= 2, summary(results)
