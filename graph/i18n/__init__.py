"""The interface in English, Korean, Japanese and German: gettext message catalogues.

The catalogues are GNU gettext PO files, one per language (``graph/i18n/<lang>.po``; English is the
source language, its texts are the message ids), the format translators' tools (Poedit, Weblate,
Lokalize) edit. They are read with Babel and compiled in memory (no build step), then used
through Python's :mod:`gettext` (plural forms included). Message ids are marked in the code with
:func:`N_` (a marker that returns its argument), ``_()``/:func:`gettext` and :func:`ngettext`, so
``pybabel extract`` finds them; the tests check that every id used in the code, templates and
scripts has a translation in every catalogue, that every entry is used, and that placeholders
(``{name}``, Python's :meth:`str.format` syntax) agree.

>>> gettext("Legend", "ko")
'범례'
>>> ngettext("{n} day", "{n} days", 2, "de").format(n=2)
'2 Tage'
>>> gettext("Legend", "fr")
Traceback (most recent call last):
...
kjgraph.labels.UnsupportedLanguage: unsupported language 'fr'; choose one of en, ko, ja, de
"""

from __future__ import annotations

import gettext as _gettext
import io
from collections.abc import Iterable
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from kjgraph.labels import LANGUAGES, check_language

#: The catalogue files' directory.
CATALOGUES = Path(str(files("kjgraph"))) / "i18n"


def N_(message: str) -> str:  # noqa: N802 (the conventional name of the gettext marker)
    """Mark ``message`` for translation where it is defined; translate it where it is shown."""
    return message


def catalogue_path(lang: str) -> Path:
    """The PO file of ``lang`` (English has none: its texts are the message ids)."""
    return CATALOGUES / f"{check_language(lang)}.po"


@cache
def translations(lang: str) -> _gettext.NullTranslations:
    """The compiled catalogue of ``lang`` (checked: :func:`kjgraph.labels.check_language`)."""
    lang = check_language(lang)
    if lang == "en":
        return _gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with catalogue_path(lang).open("rb") as po:
        catalog = read_po(po, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def gettext(message: str, lang: str) -> str:
    """``message`` in ``lang`` (the English text when the catalogue has no translation)."""
    return translations(lang).gettext(message)


def ngettext(singular: str, plural: str, n: int, lang: str) -> str:
    """The form of a message for the number ``n`` in ``lang`` (the catalogue's plural rule)."""
    return translations(lang).ngettext(singular, plural, n)


def pgettext(context: str, message: str, lang: str) -> str:
    """``message`` in ``lang`` where the same English text means different things (``context``)."""
    return translations(lang).pgettext(context, message)


def messages(ids: Iterable[str], languages: Iterable[str] = LANGUAGES) -> dict[str, dict[str, str]]:
    """``{lang: {id: text}}`` for a page's script, which switches language without a round trip."""
    wanted = sorted(set(ids))
    return {lang: {m: gettext(m, lang) for m in wanted} for lang in languages}


#: Where message ids are marked, and how: Python (``N_``, ``gettext``, ``ngettext``, ``pgettext``),
#: the Jinja templates (``_``, ``gettext``, ``ngettext``), and the page scripts (``t``).
SOURCES: list[tuple[list[tuple[str, str]], dict[str, Any]]] = [
    ([("**.py", "python"), ("**/templates/**.j2", "jinja2.ext:babel_extract"),
      ("**/templates/**.html", "jinja2.ext:babel_extract")],
     {"N_": None, "_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}),
    ([("**/templates/**.js", "javascript"), ("**/static/**.js", "javascript")], {"t": None}),
]


def extract(root: Path | None = None) -> Any:
    """The message ids marked in the package's sources (a :class:`babel.messages.Catalog`)."""
    from babel.messages import Catalog
    from babel.messages.extract import extract_from_dir

    root = root or Path(str(files("kjgraph")))
    catalog = Catalog(project="kjgraph", domain="messages")
    skip = {"data", "__pycache__"}
    found = [item for methods, keywords in SOURCES
             for item in extract_from_dir(str(root), methods, keywords=keywords, comment_tags=("TRANSLATORS:",),
                                          options_map={"**/templates/**.j2": {"extensions": "jinja2.ext.i18n"}},
                                          directory_filter=lambda d: Path(d).name not in skip)]
    for filename, lineno, message, comments, context in found:
        catalog.add(message, locations=[(filename, lineno)], auto_comments=comments, context=context,
                    flags=("python-brace-format",) if "{" in (message if isinstance(message, str) else message[0])
                    else ())
    return catalog


def update(root: Path | None = None, directory: Path | None = None) -> list[Path]:
    """Bring every catalogue up to date with the sources (new ids added untranslated, unused ones
    dropped) — what ``pybabel update --ignore-obsolete`` does; run ``python -m kjgraph.i18n``.
    ``directory``: where the catalogues are (default: the package's)."""
    from babel.messages.pofile import read_po, write_po

    template = extract(root)
    written = []
    for lang in LANGUAGES:
        if lang == "en":
            continue
        path = (directory or CATALOGUES) / f"{lang}.po"
        if path.exists():
            with path.open("rb") as po:
                catalog = read_po(po, locale=lang)
        else:
            from babel.messages import Catalog

            catalog = Catalog(locale=lang, project="kjgraph", domain="messages")
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False, update_creation_date=False)
        with path.open("wb") as po:
            write_po(po, catalog, width=100, sort_output=True, omit_header=False, include_previous=False,
                     ignore_obsolete=True, include_lineno=False)
        written.append(path)
    return written
