"""The interface speaks English, Korean, Japanese and German: every text marked in the code, the
templates and the page scripts has a translation in every catalogue, with the same placeholders."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from kjgraph.i18n import CATALOGUES, catalogue_path, extract, gettext, messages, ngettext, translations, update
from kjgraph.labels import LANGUAGES, UnsupportedLanguage

PLACEHOLDER = re.compile(r"\{(\w*)\}")
TRANSLATED = [lang for lang in LANGUAGES if lang != "en"]


def ids(message: object) -> list[str]:
    return [message] if isinstance(message, str) else list(message)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def marked() -> dict[object, object]:
    return {m.id: m for m in extract() if m.id}


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_marked_text_is_translated(lang: str, marked: dict[object, object]) -> None:
    with catalogue_path(lang).open("rb") as po:
        catalog = read_po(po, locale=lang)
    entries = {m.id: m for m in catalog if m.id}
    assert set(entries) == set(marked), "run `python -m kjgraph.i18n` and translate the new entries"
    assert not catalog.obsolete and not catalog.fuzzy
    for key, entry in entries.items():
        strings = ids(entry.string)
        assert all(s.strip() for s in strings) and not entry.fuzzy, key
        assert len(strings) == catalog.num_plurals if not isinstance(key, str) else len(strings) == 1, key
        wanted = set(PLACEHOLDER.findall(" ".join(ids(key))))
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) == wanted, (lang, key, text)
            text.format(**dict.fromkeys(wanted, "x"))  # no stray braces


def test_the_catalogues_are_up_to_date_with_the_sources(tmp_path: Path) -> None:
    shutil.copytree(CATALOGUES, tmp_path, dirs_exist_ok=True)
    update(directory=tmp_path)
    for lang in TRANSLATED:
        assert (tmp_path / f"{lang}.po").read_text(encoding="utf-8") == catalogue_path(lang).read_text(
            encoding="utf-8"), lang


def test_translations_and_plurals() -> None:
    assert gettext("Legend", "en") == "Legend"
    assert {gettext("Legend", lang) for lang in LANGUAGES} == {"Legend", "범례", "凡例", "Legende"}
    assert ngettext("{n} day", "{n} days", 1, "de") == "{n} Tag" and ngettext("{n} day", "{n} days", 2, "de") == \
        "{n} Tage"
    assert ngettext("{n} day", "{n} days", 1, "ko") == ngettext("{n} day", "{n} days", 5, "ko")
    assert set(messages(["Legend"])) == set(LANGUAGES)


@pytest.mark.parametrize("lang", ["fr", "", "ko-KR", "zh"])
def test_an_unsupported_language_is_an_error(lang: str) -> None:
    with pytest.raises(UnsupportedLanguage, match="choose one of en, ko, ja, de"):
        translations(lang)


def test_language_codes_are_normalised() -> None:
    assert gettext("Legend", " KO ") == "범례"
