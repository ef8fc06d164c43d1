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


class RemoteError(KjgraphError):
    """A SPARQL server could not be reached, refused a request or returned malformed results.

    The message names the endpoint; ``status`` is the HTTP status where there was one,
    ``transient`` says whether trying again may help (unreachable, timed out, busy).

    >>> print(RemoteError("http://127.0.0.1:7878/query", "is unreachable (Connection refused)"))
    http://127.0.0.1:7878/query: is unreachable (Connection refused)
    """

    #: HTTP statuses that say "try again later" (busy, restarting, a proxy without its backend)
    TRANSIENT_STATUS = frozenset({408, 425, 429, 502, 503, 504})

    def __init__(self, endpoint: str, problem: str, *, status: int | None = None,
                 transient: bool | None = None):
        self.endpoint = endpoint
        self.problem = problem
        self.status = status
        self.transient = transient if transient is not None else status in self.TRANSIENT_STATUS
        super().__init__(f"{endpoint}: {problem}")


class ExportError(KjgraphError):
    """A file could not be written (full disk, missing directory, no permission).

    Nothing was changed: the previous file at ``path``, if any, is as it was, and no
    temporary file is left.

    >>> print(ExportError("out/kjgraph.nq", "no space left on device"))
    cannot write out/kjgraph.nq: no space left on device
    """

    def __init__(self, path: object, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"cannot write {self.path}: {reason}")
