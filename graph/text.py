"""Text from the graph is data, never markup: helpers shared by every writer.

Two jobs:

* :func:`display_text` – text for a person's screen (terminal tables, plot labels, page
  titles): control and formatting characters that would move the cursor, break a line, reorder
  the text (bidirectional overrides) or vanish are shown as escapes (``\\r``, ``\\u202e``), and
  so is a backslash (``\\\\``), so that :func:`parse_display` gets the exact text back.
  Leading and trailing white space is escaped as well, so a reader can see it.
* XML 1.0 output (SPARQL XML results, RDF/XML, GraphML): :func:`xml_document` checks a
  document written by another library and writes each carriage return as the character reference
  ``&#13;`` (an XML parser turns a literal CR into a line feed, XML 1.0 §2.11), and raises
  :class:`UnwritableText` for a character XML 1.0 cannot carry at all (§2.2), such as U+0001,
  with a message that names the character and suggests a format that can (JSON).

>>> print(display_text("see [/i] x\\r\\n"))
see [/i] x\\r\\n
>>> parse_display(display_text(" a\\\\b\\u202e "))
' a\\\\b\\u202e '
>>> xml_document('<a>x\\ry</a>')
'<a>x&#13;y</a>'
"""

from __future__ import annotations

import re

from kjgraph.errors import KjgraphError

_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\"}
_FROM_SHORT = {v[1]: k for k, v in _SHORT.items()}


class UnwritableText(KjgraphError, ValueError):
    """A value holds a character the chosen output format cannot carry (the message names it)."""


def _escape(c: str) -> str:
    if c in _SHORT:
        return _SHORT[c]
    n = ord(c)
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}" if n < 0x10000 else f"\\U{n:08x}"


def _hidden(c: str) -> bool:
    """Characters a screen does not show as themselves (Python's ``str.isprintable``): controls,
    format characters (bidi marks, zero-width characters, BOM), separators other than the space
    (line and paragraph separators, no-break spaces), surrogates, private-use and unassigned code
    points; and the backslash, which starts an escape."""
    return c == "\\" or (c != " " and not c.isprintable())


def display_text(text: str) -> str:
    """``text`` as one visible line: hidden characters and a backslash as escapes.

    Escapes are ``\\n``, ``\\r``, ``\\t``, ``\\\\``, ``\\xHH``, ``\\uHHHH`` and ``\\UHHHHHHHH``
    (Python's notation); white space at either end is escaped too (``\\x20``).
    :func:`parse_display` reverses it. Ordinary text, including CJK and emoji without joiners,
    is unchanged.

    >>> display_text("이재명 (李在明)")
    '이재명 (李在明)'
    >>> display_text("a\\u200fb ")
    'a\\\\u200fb\\\\x20'
    """
    out = [_escape(c) if _hidden(c) else c for c in text]
    for index in (0, -1):  # leading and trailing white space
        if out and len(out[index]) == 1 and out[index].isspace():
            out[index] = _escape(out[index])
    return "".join(out)


_ESCAPE = re.compile(r"\\(?:x([0-9a-f]{2})|u([0-9a-f]{4})|U([0-9a-f]{8})|([nrt\\]))")


def parse_display(text: str) -> str:
    """The text :func:`display_text` was given (the inverse function)."""
    def decode(match: re.Match[str]) -> str:
        code = match.group(1) or match.group(2) or match.group(3)
        return chr(int(code, 16)) if code else _FROM_SHORT[match.group(4)]

    return _ESCAPE.sub(decode, text)


def xml_char(c: str) -> bool:
    """Is ``c`` allowed in an XML 1.0 document (§2.2, production Char)?"""
    n = ord(c)
    return c in "\t\n\r" or 0x20 <= n <= 0xD7FF or 0xE000 <= n <= 0xFFFD or 0x10000 <= n <= 0x10FFFF


#: The characters outside XML 1.0's Char production, listed (the complement of its ranges): the
#: same set as ``[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]``, which takes 15
#: times longer to compile (start-up of every command).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def check_xml_text(text: str, *, what: str = "a value", advice: str = "choose --format json, which can") -> None:
    """Raise :class:`UnwritableText` if ``text`` holds a character XML 1.0 forbids.

    >>> try:
    ...     check_xml_text("a\\x01b", what="the label of place:nara")
    ... except UnwritableText as exc:
    ...     print(str(exc).split(", which")[0])
    the label of place:nara holds the character U+0001
    """
    bad = _NOT_XML.search(text)
    if bad:
        start = max(0, bad.start() - 20)
        near = display_text(text[start:bad.end() + 20])
        raise UnwritableText(f"{what} holds the character U+{ord(bad.group()):04X}, which XML 1.0 cannot "
                             f"carry (in '{near}'); {advice}")


def xml_document(document: str, *, advice: str = "choose --format json, which can") -> str:
    """An XML 1.0 document written by another library, made exact: each CR written as ``&#13;``.

    The document must hold CRs only inside text (libraries indent with LF and tabs); raises
    :class:`UnwritableText` for a character XML 1.0 forbids.
    """
    check_xml_text(document, advice=advice)
    return document.replace("\r", "&#13;")
