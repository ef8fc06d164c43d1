"""Credentials for remote SPARQL servers: HTTP basic, digest (Virtuoso) and token headers.

>>> auth_from("dba", "dba", kind="digest")
DigestAuth(user='dba', password='dba', realm='SPARQL')
>>> auth_from(None, None, token="t0k3n").value
'Bearer t0k3n'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class BasicAuth:
    """HTTP basic authentication (send only over HTTPS or to 127.0.0.1)."""

    user: str
    password: str


@dataclass(frozen=True)
class DigestAuth:
    """HTTP digest authentication (Virtuoso's ``/sparql-auth``).

    Every request takes the realm from the server's challenge; ``realm`` documents the
    one expected (Virtuoso's is ``SPARQL``) and is kept for compatibility.
    """

    user: str
    password: str
    realm: str = "SPARQL"


@dataclass(frozen=True)
class TokenAuth:
    """A token in a header, by default ``Authorization: Bearer TOKEN`` (``kjgraph serve``)."""

    token: str
    header: str = "Authorization"
    scheme: str = "Bearer"

    @property
    def value(self) -> str:
        return f"{self.scheme} {self.token}" if self.scheme else self.token


Auth = BasicAuth | DigestAuth | TokenAuth


def requests_auth(auth: Auth | None) -> Any:
    """The ``requests`` authentication object for ``auth`` (a token travels as a header instead)."""
    import requests.auth

    if isinstance(auth, BasicAuth):
        return requests.auth.HTTPBasicAuth(auth.user, auth.password)
    if isinstance(auth, DigestAuth):
        return requests.auth.HTTPDigestAuth(auth.user, auth.password)
    return None


def auth_from(user: str | None, password: str | None, kind: str = "basic", token: str | None = None) -> Auth | None:
    """The authentication the command-line options ask for (a token wins over a password)."""
    if token:
        return TokenAuth(token)
    if user:
        return DigestAuth(user, password or "") if kind == "digest" else BasicAuth(user, password or "")
    return None
