"""The document: its metadata (front matter), its sentences with code-point offsets, its words.

A document may open with a YAML front-matter block (``---`` lines) giving ``title``,
``publisher``, ``published``, ``url``, ``language``, ``kind``; offsets always count in the
text after that block, which is the text to store in ``graph/data/documents/``.

>>> doc = Document.parse("---\\ntitle: T\\n---\\nEins. Zwei.\\n", lang="de")
>>> doc.meta["title"], [(s.start, s.end, s.text) for s in doc.sentences]
('T', [(0, 5, 'Eins.'), (6, 11, 'Zwei.')])
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import sentencex
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from kjgraph.errors import KjgraphError

_FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n", re.DOTALL)
META_FIELDS = ("title", "publisher", "published", "url", "language", "kind", "id", "publisher_type")


class DocumentError(KjgraphError):
    """The document cannot be read (encoding, front matter)."""


@dataclass(frozen=True)
class Sentence:
    """One sentence: ``text == document[start:end]``, in paragraph ``paragraph``."""

    index: int
    start: int
    end: int
    text: str
    paragraph: int


@dataclass
class Document:
    text: str
    lang: str
    meta: dict[str, Any] = field(default_factory=dict)
    sentences: list[Sentence] = field(default_factory=list)

    @classmethod
    def parse(cls, raw: str, *, lang: str, name: str = "document") -> Document:
        """Split off the front matter, normalise newlines and find the sentences.

        The text kept is what :func:`kjgraph.anchors.document_text` reads from a stored file.
        Raises :class:`DocumentError` for malformed front matter.
        """
        raw = raw.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")
        meta: dict[str, Any] = {}
        match = _FRONT.match(raw)
        if match:
            try:
                loaded = YAML(typ="safe").load(match.group(1))
            except YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                where = f" (line {mark.line + 2})" if mark is not None else ""
                problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
                raise DocumentError(f"{name}: front matter is not YAML{where}: {problem}") from None
            if loaded is None:  # an empty block ("---\n---"): no metadata
                loaded = {}
            if not isinstance(loaded, dict):
                raise DocumentError(f"{name}: front matter must be a mapping (title: …, published: …)")
            unknown = sorted(set(map(str, loaded)) - set(META_FIELDS))
            if unknown:
                raise DocumentError(f"{name}: front matter: unknown field {unknown[0]!r}; expected "
                                    f"{', '.join(META_FIELDS)}")
            meta = {str(k): (str(v) if v is not None else None) for k, v in loaded.items()}
            raw = raw[match.end():]
        text = raw.rstrip()
        return cls(text=text, lang=lang, meta=meta, sentences=split_sentences(text, lang))

    def sentence_at(self, offset: int) -> Sentence:
        for s in self.sentences:
            if s.start <= offset < s.end:
                return s
        return self.sentences[-1]


def split_sentences(text: str, lang: str) -> list[Sentence]:
    """Sentences of ``text`` with their offsets (sentencex segments each paragraph)."""
    out: list[Sentence] = []
    for p, para in enumerate(re.finditer(r"[^\n]+", text)):
        pos = para.start()
        for piece in sentencex.segment(lang, para.group()):
            stripped = piece.strip()
            if not stripped:
                continue
            at = text.find(stripped, pos)
            if at < 0:  # the segmenter changed the text: keep the paragraph whole
                at = pos
                stripped = text[pos:para.end()].strip()
            out.append(Sentence(len(out), at, at + len(stripped), stripped, p))
            pos = at + len(stripped)
    return out


def fold(text: str) -> str:
    """Case-folded text without diacritics (NFKD, combining marks dropped): ``Chōsei`` → ``chosei``.

    Hangul and kana are kept composed (NFKC first, folding only Latin letters).
    """
    out = []
    for ch in unicodedata.normalize("NFKC", text):
        if ch.isascii() or unicodedata.name(ch, "").startswith("LATIN"):
            ch = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        out.append(ch)
    return "".join(out).casefold()


_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    surface: str
    key: str


def words(text: str) -> list[tuple[int, int, str]]:
    """Words of ``text`` (letters and digits; hyphens, dashes and apostrophes separate them)."""
    return [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
