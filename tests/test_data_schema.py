"""A curator edits the data in an editor: the JSON Schema and the README say what the loader takes.

The shipped schema (graph/data/kjgraph-data.schema.json) is generated from the record models;
graph/data/README.md shows every field of every kind in a YAML example, and every value of a
field of fixed values as ``A | B | C`` in a comment. These tests hold the three together.
Regression for issue 17: the README told curators to write a topic's ``definition:`` (the
loader rejects it), left out the kind ``SharedPosition`` and the status ``emphasised``, said
memberships need sources (they have no such field) and left fields undocumented.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from kjgraph import records as r
from kjgraph.errors import DataError
from kjgraph.loader import data_files, load_catalog
from kjgraph.resources import data_dir

from .conftest import FIXTURES, run_cli

README = data_dir() / "README.md"
SCHEMA = r.json_schema()
DEFS: dict[str, Any] = SCHEMA["$defs"]

# ------------------------------------------------------------------ the shipped schema


def test_the_shipped_schema_is_the_one_the_models_generate() -> None:
    """Run `kjgraph data-schema --out graph/data/kjgraph-data.schema.json` after changing a model."""
    shipped = (data_dir() / r.SCHEMA_FILE).read_text(encoding="utf-8")
    assert shipped == r.json_schema_text()


def test_the_command_prints_and_writes_the_schema(tmp_path: Path) -> None:
    printed = run_cli("data-schema", check=True).stdout
    assert json.loads(printed) == SCHEMA
    out = tmp_path / "schema.json"
    run_cli("data-schema", "--out", str(out), check=True)
    assert out.read_text(encoding="utf-8") == r.json_schema_text()


jsonschema = pytest.importorskip("jsonschema")


def _validator(kind: str) -> Any:
    return jsonschema.Draft202012Validator({**SCHEMA, "anyOf": [{"$ref": f"#/$defs/{kind}-file"}]})


def test_the_schema_is_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("kind_path", list(data_files(data_dir())), ids=lambda kp: kp[1].name)
def test_the_shipped_data_validates_against_the_schema(kind_path: tuple[str, Path]) -> None:
    kind, path = kind_path
    document = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in _validator(kind).iter_errors(document)]
    assert errors == []


def test_what_the_loader_rejects_the_schema_rejects(tmp_path: Path) -> None:
    """The README's old ``definition:`` of a topic, an unknown kind, an unquoted-looking bad date."""
    bad = {
        "topics": [{"id": "t", "labels": {"en": "T"}, "definition": {"en": "…"}}],
        "agreements": [{"id": "a", "kind": "Memorandum", "labels": {"en": "A"}, "sources": ["s"]}],
        "events": [{"id": "e", "kind": "Summit", "labels": {"de": "E"}, "date": "13.01.2026", "sources": ["s"]}],
    }
    for kind, records in bad.items():
        messages = [e.message for e in _validator(kind).iter_errors(records)]
        assert messages, kind
    data = tmp_path / "data"
    import shutil

    shutil.copytree(FIXTURES / "minimal", data)
    (data / "topics.yaml").write_text("- {id: t, labels: {en: T}, definition: {en: A topic}}\n", "utf-8")
    with pytest.raises(DataError, match=r"topics.yaml:1: definition: unknown field"):
        load_catalog(data)


# ------------------------------------------------------------------ the README against the schema

_SECTION = re.compile(r"^#{2,3} (.*)$", re.M)
_BLOCK = re.compile(r"```yaml\n(.*?)```", re.S)
#: Sections whose example is part of every sourced record rather than a kind of its own.
_COMMON = ("Records", "Evidence")


def _blocks() -> list[tuple[str, str]]:
    """(section heading, YAML example) for every example of the README."""
    text = README.read_text(encoding="utf-8")
    heads = list(_SECTION.finditer(text))
    found = []
    for i, head in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        found += [(head.group(1), block) for block in _BLOCK.findall(text, head.end(), end)]
    return found


def _kind(heading: str) -> str | None:
    """``events`` for "events/*.yaml (one file per decade)"; None for a section of no kind."""
    match = re.match(r"(\w+)(?:\.yaml|/\*\.yaml)", heading)
    return match.group(1) if match and match.group(1) in r.KINDS else None


def _ref(prop: dict[str, Any]) -> str | None:
    """The model a property holds (itself, in a list, or optional), if any."""
    text = json.dumps(prop)
    match = re.search(r'"#/\$defs/(\w+)"', text)
    return match.group(1) if match else None


def _enum(prop: dict[str, Any]) -> set[str] | None:
    for option in [prop, *prop.get("anyOf", [])]:
        if "enum" in option:
            return set(option["enum"])
    return None


def _collect(model: str, value: Any, keys: dict[str, set[str]]) -> None:
    """Record the keys written for ``model`` (and for the models nested in it) in ``keys``."""
    items = value if isinstance(value, list) else [value]
    for item in items:
        if not isinstance(item, dict):
            continue
        for key, inner in item.items():
            keys[model].add(key)
            prop = DEFS[model]["properties"].get(key)
            nested = _ref(prop) if prop else None
            if nested is not None:
                _collect(nested, inner, keys)


def _documented() -> tuple[dict[str, set[str]], set[str]]:
    """Keys the README writes per model, and the keys of the common examples."""
    keys: dict[str, set[str]] = defaultdict(set)
    common: dict[str, set[str]] = defaultdict(set)
    for heading, block in _blocks():
        document = YAML(typ="safe", pure=True).load(block)
        kind = _kind(heading)
        if kind is not None:
            _collect(r.KINDS[kind].__name__, document, keys)
        elif heading.startswith(_COMMON):
            _collect("Event", document, common)  # an event has every field a sourced record has
            for model, names in common.items():
                if model != "Event":
                    keys[model] |= names
    return keys, common["Event"]


def test_the_readme_writes_only_fields_the_loader_takes() -> None:
    keys, common = _documented()
    unknown = {f"{model}.{key}" for model, names in keys.items() for key in names
               if key not in DEFS[model]["properties"]}
    unknown |= {f"(every record).{key}" for key in common if key not in DEFS["Event"]["properties"]}
    assert unknown == set()


def test_the_readme_shows_every_field_of_every_kind() -> None:
    keys, common = _documented()
    models = {name for name in DEFS if not name.endswith("-file")}
    records = {model.__name__ for model in r.KINDS.values() if issubclass(model, r.Record)}
    missing = {f"{model}.{prop}" for model in models for prop in DEFS[model]["properties"]
               if prop not in keys[model] and not (model in records and prop in common)}
    assert missing == set()
    assert {_kind(h) for h, _ in _blocks()} >= set(r.KINDS)  # an example of every kind


def _alternatives() -> dict[tuple[str, str], set[str]]:
    """The values ``A | B | C`` the README's comments list, by (model, field).

    A comment belongs to the field it starts with (``# role: host | guest``) if that field is on
    its line, else to the line's last field; a comment on a line of its own continues the one above.
    """
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    for heading, block in _blocks():
        kind = _kind(heading)
        if kind is None:
            continue
        comments: list[tuple[str, str]] = []
        for line in block.splitlines():
            code, _, comment = line.partition(" #")
            if not code.strip() and line.strip().startswith("#") and comments:
                field, text = comments[-1]
                comments[-1] = (field, f"{text} {line.strip().lstrip('#')}")
                continue
            fields = re.findall(r"(\w+):", code)
            named = re.match(r"\s*(\w+):", comment)
            if comment and fields:
                field = named.group(1) if named and named.group(1) in fields else fields[-1]
                comments.append((field, comment))
        for field, text in comments:
            values = [v for run in re.findall(r"[A-Za-z][\w-]*(?:\s*\|\s*[A-Za-z][\w-]*)+", text)
                      for v in re.split(r"\s*\|\s*", run)]
            if values:
                found[(_owner(r.KINDS[kind].__name__, field), field)] |= set(values)
    return found


def _owner(model: str, field: str) -> str:
    """The model (``model`` or one nested in it) whose field of fixed values ``field`` is."""
    todo, seen = [model], set()
    while todo:
        name = todo.pop(0)
        seen.add(name)
        props = DEFS[name]["properties"]
        if field in props and _enum(props[field]) is not None:
            return name
        todo += [n for p in props.values() if (n := _ref(p)) and n not in seen]
    return model


def test_the_readme_lists_every_kind_and_status() -> None:
    """Every field of fixed values lists exactly the values the loader takes."""
    listed = _alternatives()
    expected = {(model, prop): values for model, d in DEFS.items() for prop, p in d.get("properties", {}).items()
                if (values := _enum(p)) is not None}
    assert listed == expected
