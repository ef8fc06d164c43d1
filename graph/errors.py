"""One error hierarchy for kjgraph.

Data errors carry every problem found, each rendered as ``file:line: field: message``:

>>> from kjgraph.errors import DataProblem
>>> print(DataProblem("events/2020s.yaml", 12, "date", "expected YYYY, YYYY-MM or YYYY-MM-DD, found '13.01.2026'"))
events/2020s.yaml:12: date: expected YYYY, YYYY-MM or YYYY-MM-DD, found '13.01.2026'
"""

from __future__ import annotations

from dataclasses import dataclass


class KjgraphError(Exception):
    """Base class of every error kjgraph raises on purpose."""


@dataclass(frozen=True, order=True)
class DataProblem:
    """One problem in a curated data file, located as precisely as possible."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class DataError(KjgraphError):
    """The curated data has problems; nothing was written.

    ``problems`` lists all of them, sorted by file and line.
    """

    def __init__(self, problems: list[DataProblem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ValidationFailed(KjgraphError):
    """The built graph violates the SHACL shapes; nothing was written."""

    def __init__(self, report: str, violations: int):
        self.report = report
        self.violations = violations
        super().__init__(f"{violations} SHACL violation(s)\n{report}")


class StoreError(KjgraphError):
    """The store is missing, locked or broken."""


class QueryError(KjgraphError):
    """A query could not be found, parsed, bound or run."""
