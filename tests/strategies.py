"""Hypothesis strategies shared by the property-based tests.

``awkward_text`` draws the text that breaks writers: control characters, CR/LF and other line
breaks, quotes, brackets (including rich markup such as ``[/i]``), backslashes, markup
characters, bidirectional marks, emoji and supplementary-plane characters, leading and
trailing spaces. ``xml_text`` keeps to the characters XML 1.0 can carry (§2.2 Char), for
writers whose output format cannot hold the others.
"""

from __future__ import annotations

from hypothesis import strategies as st

#: Characters that writers tend to mishandle, drawn more often than chance would.
TRICKY = (
    "\r", "\n", "\r\n", "\t", "\x00", "\x01", "\x0b", "\x0c", "\x1f", "\x7f", "\x85", "\u2028", "\u2029",
    '"', "'", "`", "[", "]", "[/i]", "[b]", "{", "}", "<", ">", "&", "&amp;", "]]>", "<!--", "\\", "\\n",
    "\\u0041", "%", "%20", "$", "#", ";", ",", "|", "=", " ", "  ", "\u00a0", "\u200b", "\u200f", "\u202e",
    "\u2066", "\ufeff", "\ufffd", "😀", "👩‍👩‍👧", "𝒳", "이재명", "高市早苗", "Ōsaka", "ß", "é", "e\u0301",
)


def _text(alphabet: st.SearchStrategy[str], max_size: int) -> st.SearchStrategy[str]:
    pieces = st.one_of(st.sampled_from(TRICKY), st.text(alphabet, min_size=1, max_size=4))
    return st.lists(pieces, max_size=max_size).map("".join)


#: Any Unicode scalar value (no lone surrogates, which UTF-8 cannot encode).
ANY_CHAR = st.characters(exclude_categories=("Cs",))
#: Characters allowed by XML 1.0 (Char production, §2.2), without surrogates.
XML_CHAR = st.characters(exclude_categories=("Cs",), exclude_characters="".join(
    chr(c) for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)) + "\ufffe\uffff")


def awkward_text(max_size: int = 12) -> st.SearchStrategy[str]:
    """Arbitrary Unicode text weighted towards the characters that break writers."""
    return _text(ANY_CHAR, max_size)


def xml_text(max_size: int = 12) -> st.SearchStrategy[str]:
    """Like :func:`awkward_text`, restricted to characters XML 1.0 documents may contain."""
    return _text(XML_CHAR, max_size).map(lambda text: "".join(c for c in text if xml_char(c)))


def xml_char(c: str) -> bool:
    """Is ``c`` allowed in an XML 1.0 document (§2.2 Char)?"""
    n = ord(c)
    return c in "\t\n\r" or 0x20 <= n <= 0xD7FF or 0xE000 <= n <= 0xFFFD or 0x10000 <= n <= 0x10FFFF
