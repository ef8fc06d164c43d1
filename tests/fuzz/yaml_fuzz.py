"""A mutation fuzz of the curated YAML data against `kjgraph build`.

Each case copies the data, applies one mutation to it (a line deleted, a byte flipped, a
file emptied, an alias bomb, a 5,000-deep sequence, a dangling reference...), copies a
store already built from the unmutated data, and runs ``kjgraph build`` on them in a
subprocess with a time and memory limit, as a user would. Every case must end in one of:

* ``error``: exit 1, every problem line ``file:line: field: message`` with a file of the
  data and a line inside it, the closing "nothing was written" line, and the store
  byte-identical to what it was (every file, every link);
* ``built``: exit 0, and no silent loss: the records the build holds (its manifest) are
  exactly the records an independent parser (PyYAML) finds in the mutated files, the
  count it prints matches, and every record gone since the previous build is named in the
  "+N −M records" report;
* ``shacl``: exit 1 with the SHACL report (the shapes caught what the loader let through),
  the store unchanged. Counted apart: the loader should catch such data with a file:line.

Anything else is a failure: a traceback, another exit status (a crash, a kill by the
memory limit), a hang past the time limit, a changed store after an error, a record lost
without a word, an error line that does not name a place in the data.

Run by hand over the shipped data (about 20 minutes for 330 cases on one core)::

    .venv/bin/python -m tests.fuzz.yaml_fuzz --cases 330 --seed 1 --json fuzz.json

``tests/test_data_fuzz.py`` runs a bounded version (the small fixture data, a fixed seed).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml as pyyaml  # type: ignore[import-untyped]  # the independent parser of the oracle (libyaml), not the one under test

Files = dict[str, bytes]
Mutation = Callable[[Files, random.Random], str]

KINDS = ("sources", "places", "people", "offices", "tenures", "events", "agreements", "bodies",
         "topics", "series", "coverage")
PROBLEM = re.compile(r"^(?P<file>[^:\n]+\.yaml):(?P<line>\d+): (?P<field>[^:]+): (?P<message>.+)$")
MEMORY_LIMIT = 3 * 1024**3  # bytes of address space for one build
TIME_LIMIT = 300.0  # seconds for one build


# ------------------------------------------------------------------ mutations


def _pick_file(files: Files, rng: random.Random, *, with_lines: bool = True) -> str:
    names = sorted(n for n, b in files.items() if not with_lines or b.count(b"\n") > 2)
    return rng.choice(names or sorted(files))


def _lines(files: Files, name: str) -> list[str]:
    return files[name].decode("utf-8").split("\n")


def _set_lines(files: Files, name: str, lines: list[str]) -> None:
    files[name] = "\n".join(lines).encode("utf-8")


class NoCandidate(Exception):
    """The file drawn has no line the mutation applies to: draw again."""


def _content_line(lines: list[str], rng: random.Random, pattern: str = r"\S") -> int:
    """A random line matching ``pattern`` that is not a comment."""
    candidates = [i for i, line in enumerate(lines)
                  if re.search(pattern, line) and not line.lstrip().startswith("#")]
    if not candidates:
        raise NoCandidate(pattern)
    return rng.choice(candidates)


def _record_blocks(lines: list[str]) -> list[tuple[int, int]]:
    """(start, end) line ranges of the top-level records (``- id:`` at the outer indent)."""
    starts = [i for i, line in enumerate(lines) if re.match(r"^\s{0,2}- id:", line)]
    return [(s, starts[k + 1] if k + 1 < len(starts) else len(lines)) for k, s in enumerate(starts)]


def delete_line(files: Files, rng: random.Random) -> str:
    name = _pick_file(files, rng)
    lines = _lines(files, name)
    i = _content_line(lines, rng)
    del lines[i]
    _set_lines(files, name, lines)
    return f"{name}: deleted line {i + 1}"


def duplicate_line(files: Files, rng: random.Random) -> str:
    name = _pick_file(files, rng)
    lines = _lines(files, name)
    i = _content_line(lines, rng)
    lines.insert(i, lines[i])
    _set_lines(files, name, lines)
    return f"{name}: duplicated line {i + 1}"


def swap_lines(files: Files, rng: random.Random) -> str:
    name = _pick_file(files, rng)
    lines = _lines(files, name)
    i = _content_line(lines, rng)
    j = min(len(lines) - 1, i + rng.choice([1, 1, 2, 5, 40]))
    lines[i], lines[j] = lines[j], lines[i]
    _set_lines(files, name, lines)
    return f"{name}: swapped lines {i + 1} and {j + 1}"


def truncate_file(files: Files, rng: random.Random) -> str:
    name = _pick_file(files, rng)
    cut = rng.randrange(1, max(2, len(files[name])))
    files[name] = files[name][:cut]
    return f"{name}: truncated to {cut} bytes"


def flip_byte(files: Files, rng: random.Random) -> str:
    name = _pick_file(files, rng)
    data = bytearray(files[name])
    at = rng.randrange(len(data))
    bit = 1 << rng.randrange(8)
    data[at] ^= bit
    files[name] = bytes(data)
    return f"{name}: flipped bit {bit:#04x} of byte {at}"


def _insert_text(files: Files, rng: random.Random, text: str, label: str) -> str:
    name = _pick_file(files, rng)
    lines = _lines(files, name)
    i = _content_line(lines, rng)
    line = lines[i]
    at = rng.randrange(len(line) + 1)
    lines[i] = line[:at] + text + line[at:]
    _set_lines(files, name, lines)
    return f"{name}: {label} at line {i + 1}, column {at + 1}"


def insert_nul(files: Files, rng: random.Random) -> str:
    return _insert_text(files, rng, "\x00", "NUL inserted")


def insert_bom(files: Files, rng: random.Random) -> str:
    if rng.random() < 0.4:
        name = _pick_file(files, rng)
        files[name] = b"\xef\xbb\xbf" + files[name]
        return f"{name}: UTF-8 BOM at the start"
    return _insert_text(files, rng, "\ufeff", "BOM inserted")


def insert_tab(files: Files, rng: random.Random) -> str:
    name = _pick_file(files, rng)
    lines = _lines(files, name)
    i = _content_line(lines, rng, r"^\s+\S")
    if rng.random() < 0.5:
        lines[i] = "\t" + lines[i].lstrip(" ")
        where = "indentation"
    else:
        lines[i] = lines[i].replace(": ", ":\t", 1)
        where = "after the key"
    _set_lines(files, name, lines)
    return f"{name}: tab as {where} on line {i + 1}"


ODD = ["\u2028", "\u2029", "\x85", "\u200b", "\u202e", "\ufffd", "\U0001f600", "e\u0301", "\x1b", "\x07",
       "\x7f", "\ud7ff", "\ue000", "\uffff", "\u00a0", "\U0010fffd"]


def odd_unicode(files: Files, rng: random.Random) -> str:
    char = rng.choice(ODD)
    return _insert_text(files, rng, char, f"U+{ord(char[-1]):04X} inserted")


def change_indentation(files: Files, rng: random.Random) -> str:
    name = _pick_file(files, rng)
    lines = _lines(files, name)
    i = _content_line(lines, rng, r"^\s+\S")
    delta = rng.choice([-2, -1, 1, 2, 4])
    if delta < 0:
        lines[i] = lines[i][min(-delta, len(lines[i]) - len(lines[i].lstrip())):]
    else:
        lines[i] = " " * delta + lines[i]
    _set_lines(files, name, lines)
    return f"{name}: indentation {delta:+d} on line {i + 1}"


def empty_file(files: Files, rng: random.Random) -> str:
    name = _pick_file(files, rng, with_lines=False)
    files[name] = rng.choice([b"", b"# nothing left\n", b"[]\n", b"\n\n"])
    return f"{name}: emptied"


def delete_file(files: Files, rng: random.Random) -> str:
    name = _pick_file(files, rng, with_lines=False)
    del files[name]
    return f"{name}: deleted"


def delete_record(files: Files, rng: random.Random) -> str:
    name = _pick_file(files, rng)
    lines = _lines(files, name)
    blocks = _record_blocks(lines)
    if not blocks:
        raise NoCandidate("records")
    start, end = rng.choice(blocks)
    del lines[start:end]
    _set_lines(files, name, lines)
    return f"{name}: deleted the record at lines {start + 1}-{end}"


def duplicate_record(files: Files, rng: random.Random) -> str:
    name = _pick_file(files, rng)
    lines = _lines(files, name)
    blocks = _record_blocks(lines)
    if not blocks:
        raise NoCandidate("records")
    start, end = rng.choice(blocks)
    lines[end:end] = lines[start:end]
    _set_lines(files, name, lines)
    return f"{name}: duplicated the record at lines {start + 1}-{end}"


OTHER_TYPES = ["[a, b]", "{x: 1}", "123", "-7", "12.5", "true", "null", "~", "2020-01-01", "''", "\"\"",
               "0x1F", ".inf", "[]", "{}", "'2020-13-45'", "!!binary aGVsbG8=", "? complex\n: key"]


def replace_value(files: Files, rng: random.Random) -> str:
    name = _pick_file(files, rng)
    lines = _lines(files, name)
    i = _content_line(lines, rng, r"^\s*-?\s*[a-z_]+: \S")
    value = rng.choice(OTHER_TYPES)
    lines[i] = re.sub(r"^(\s*-?\s*[a-z_]+: ).*$", lambda m: m.group(1) + value, lines[i])
    _set_lines(files, name, lines)
    return f"{name}: value on line {i + 1} replaced by {value!r}"


def add_alias(files: Files, rng: random.Random) -> str:
    name = _pick_file(files, rng)
    lines = _lines(files, name)
    if rng.random() < 0.3:  # the 462-byte bomb of issue 15
        bomb = ["  - id: bomb", "    a0: &a0 [x, x, x, x, x, x, x, x, x]"]
        bomb += [f"    a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
        lines += bomb
        _set_lines(files, name, lines)
        return f"{name}: alias bomb appended"
    i = _content_line(lines, rng, r"^\s*-?\s*[a-z_]+: \S")
    lines[i] = re.sub(r"^(\s*-?\s*[a-z_]+: )(.*)$", lambda m: m.group(1) + "&anchor " + m.group(2), lines[i])
    j = _content_line(lines, rng, r"^\s*-?\s*[a-z_]+: \S")
    if j != i:
        lines[j] = re.sub(r"^(\s*-?\s*[a-z_]+: ).*$", lambda m: m.group(1) + "*anchor", lines[j])
    _set_lines(files, name, lines)
    return f"{name}: anchor on line {i + 1}, alias on line {j + 1}"


def deep_nesting(files: Files, rng: random.Random) -> str:
    name = _pick_file(files, rng)
    depth = rng.choice([30, 200, 5000, 20000])
    text = rng.choice(["- " * depth + "x", "[" * depth + "]" * depth, "{a: " * depth + "b" + "}" * depth])
    lines = _lines(files, name)
    if rng.random() < 0.5:
        lines.append(text)
    else:
        i = _content_line(lines, rng, r"^\s*-?\s*[a-z_]+: \S")
        lines[i] = re.sub(r"^(\s*-?\s*[a-z_]+: ).*$", lambda m: m.group(1) + text.replace("- ", "[", 1), lines[i])
    _set_lines(files, name, lines)
    return f"{name}: nesting {depth} deep"


def huge_scalar(files: Files, rng: random.Random) -> str:
    name = _pick_file(files, rng)
    lines = _lines(files, name)
    size = rng.choice([10_000, 1_000_000, 5_000_000])
    i = _content_line(lines, rng, r"^\s+(en|description|title|ko|ja|de|publisher): \S")
    lines[i] = re.sub(r"^(\s*-?\s*[a-z_-]+: ).*$", lambda m: m.group(1) + "'" + "가" * size + "'", lines[i])
    _set_lines(files, name, lines)
    return f"{name}: value on line {i + 1} made {size} characters long"


WRONG_DATES = ["'2023-02-30'", "'1965-13-01'", "'99999'", "'1965-1-1'", "'yesterday'", "'2026-01-13T10:00'",
               "1965-06-22", "'0000-01-01'", "'-0044-03-15'", "'1965-06'", "'1965/06/22'", "19650622",
               "'2026-01-13 '", "'٢٠٢٦-٠١-١٣'"]


def wrong_date(files: Files, rng: random.Random) -> str:
    name = _pick_file(files, rng)
    lines = _lines(files, name)
    i = _content_line(lines, rng, r"^\s*-?\s*(date|start|end|born|died|published|signed|in_force|terminated): ")
    value = rng.choice(WRONG_DATES)
    lines[i] = re.sub(r"^(\s*-?\s*[a-z_]+: ).*$", lambda m: m.group(1) + value, lines[i])
    _set_lines(files, name, lines)
    return f"{name}: date on line {i + 1} set to {value}"


REFERENCE_KEYS = r"(place|country|person|office|capacity|part_of|series|in|led_by|signed_at|agreed_at)"


def dangling_reference(files: Files, rng: random.Random) -> str:
    name = _pick_file(files, rng)
    lines = _lines(files, name)
    i = _content_line(lines, rng, rf"^\s*-?\s*{REFERENCE_KEYS}: [a-z0-9]|sources: \[")
    line = lines[i]
    if "sources: [" in line:
        lines[i] = line.replace("sources: [", "sources: [no-such-source-x, ", 1)
    else:
        lines[i] = re.sub(rf"^(\s*-?\s*{REFERENCE_KEYS}: )([a-z0-9-]+)", r"\g<1>\g<3>-nowhere", line)
    _set_lines(files, name, lines)
    return f"{name}: reference on line {i + 1} made dangling"


def unknown_field(files: Files, rng: random.Random) -> str:
    name = _pick_file(files, rng)
    lines = _lines(files, name)
    blocks = _record_blocks(lines)
    if not blocks:
        raise NoCandidate("records")
    start, _ = rng.choice(blocks)
    indent = len(lines[start]) - len(lines[start].lstrip()) + 2
    lines.insert(start + 1, " " * indent + rng.choice(["colour: red", "Labels: {en: x}", "id2: x", "sources2: []"]))
    _set_lines(files, name, lines)
    return f"{name}: unknown field after line {start + 1}"


def explicit_tag(files: Files, rng: random.Random) -> str:
    name = _pick_file(files, rng)
    lines = _lines(files, name)
    i = _content_line(lines, rng, r"^\s*-?\s*[a-z_]+: \S")
    tag = rng.choice(["!!python/object/apply:os.system ['true']", "!!str", "!custom", "!!set {a, b}",
                      "!!timestamp 2001-12-14", "!!float 1"])
    lines[i] = re.sub(r"^(\s*-?\s*[a-z_]+: )(.*)$", lambda m: m.group(1) + tag + " " + m.group(2), lines[i])
    _set_lines(files, name, lines)
    return f"{name}: tag {tag.split()[0]} on line {i + 1}"


def document_markers(files: Files, rng: random.Random) -> str:
    name = _pick_file(files, rng)
    lines = _lines(files, name)
    i = _content_line(lines, rng)
    marker = rng.choice(["---", "...", "--- ", "%YAML 1.1", "--- !!map"])
    lines.insert(i, marker)
    _set_lines(files, name, lines)
    return f"{name}: {marker!r} before line {i + 1}"


def line_endings(files: Files, rng: random.Random) -> str:
    name = _pick_file(files, rng)
    style = rng.choice([b"\r\n", b"\r"])
    files[name] = files[name].replace(b"\n", style)
    return f"{name}: line endings {style!r}"


def bad_encoding(files: Files, rng: random.Random) -> str:
    name = _pick_file(files, rng)
    choice = rng.choice(["latin-1", "utf-16", "cut-multibyte", "lone-continuation", "surrogate"])
    text = files[name]
    if choice == "utf-16":
        files[name] = text.decode("utf-8").encode("utf-16")
    elif choice == "latin-1":
        lines = text.split(b"\n")
        i = rng.randrange(len(lines))
        lines[i] += b" # caf\xe9"
        files[name] = b"\n".join(lines)
    elif choice == "cut-multibyte":
        at = text.find("가".encode()) if "가".encode() in text else rng.randrange(len(text))
        files[name] = text[:at] + b"\xea\xb0" + b"\n" + text[at:]
    elif choice == "lone-continuation":
        at = rng.randrange(len(text))
        files[name] = text[:at] + b"\x80" + text[at:]
    else:
        at = rng.randrange(len(text))
        files[name] = text[:at] + b"\xed\xa0\x80" + text[at:]
    return f"{name}: {choice}"


def control_characters(files: Files, rng: random.Random) -> str:
    char = rng.choice(["\x01", "\x08", "\x0b", "\x0c", "\x1f", "\x9f"])
    return _insert_text(files, rng, char, f"control U+{ord(char):04X} inserted")


def trailing_garbage(files: Files, rng: random.Random) -> str:
    name = _pick_file(files, rng)
    garbage = rng.choice([b"}", b"]]", b"- - -", b"key: value", b"@@@", b"'unterminated", b'"\\q"', b"\x00\x00"])
    files[name] = files[name] + b"\n" + garbage + b"\n"
    return f"{name}: {garbage!r} appended"


MUTATIONS: dict[str, Mutation] = {f.__name__.replace("_", "-"): f for f in (
    delete_line, duplicate_line, swap_lines, truncate_file, flip_byte, insert_nul, insert_bom, insert_tab,
    odd_unicode, change_indentation, empty_file, delete_file, delete_record, duplicate_record,
    replace_value, add_alias, deep_nesting, huge_scalar, wrong_date, dangling_reference, unknown_field,
    explicit_tag, document_markers, line_endings, bad_encoding, control_characters, trailing_garbage)}


# ------------------------------------------------------------------ running and judging a case


@dataclass
class Case:
    number: int
    mutation: str
    description: str = ""
    outcome: str = ""  # error, built, shacl; or a failure: traceback, crash, hang, store-changed, ...
    ok: bool = False
    seconds: float = 0.0
    detail: str = ""
    problems: list[str] = field(default_factory=list)


def read_files(data: Path) -> Files:
    return {p.relative_to(data).as_posix(): p.read_bytes() for p in sorted(data.rglob("*.yaml"))}


def write_files(files: Files, data: Path, template: Path) -> None:
    shutil.copytree(template, data, ignore=shutil.ignore_patterns("*.yaml"))
    for name, content in files.items():
        (data / name).parent.mkdir(parents=True, exist_ok=True)
        (data / name).write_bytes(content)


def tree_digest(root: Path) -> str:
    """A digest of every file's bytes and every link's target under ``root`` (the store)."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        if path.is_symlink():
            digest.update(b"link:" + str(path.readlink()).encode())
        elif path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def oracle_ids(files: Files) -> set[str] | None:
    """``kind/id`` of every record in the files, read by PyYAML; None if it cannot read them."""
    ids: set[str] = set()
    for name, content in files.items():
        kind = name.split("/", 1)[0].removesuffix(".yaml")
        if kind not in KINDS:
            continue
        try:
            document = pyyaml.safe_load(content)
        except Exception:
            return None
        for record in document or []:
            if isinstance(record, dict) and "id" in record:
                ids.add(f"{kind}/{record['id']}")
    return ids


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_case(case: Case, files: Files, template: Path, baseline_store: Path, before_ids: set[str],
             workdir: Path) -> Case:
    data, store = workdir / "data", workdir / "store"
    write_files(files, data, template)
    shutil.copytree(baseline_store, store, symlinks=True)
    digest = tree_digest(store)
    started = time.monotonic()
    try:
        result = subprocess.run([sys.executable, "-m", "kjgraph", "build", "-q", "--store", str(store),
                                 "--data", str(data)], capture_output=True, text=True, timeout=TIME_LIMIT,
                                preexec_fn=_limits)
    except subprocess.TimeoutExpired:
        case.outcome, case.seconds = "hang", time.monotonic() - started
        return case
    case.seconds = time.monotonic() - started
    stderr, stdout = result.stderr, result.stdout
    if "Traceback" in stderr:
        case.outcome, case.detail = "traceback", stderr.strip().splitlines()[-1][:300]
    elif result.returncode == 1:
        judge_error(case, stderr, files, store, digest)
    elif result.returncode == 0:
        judge_build(case, stdout, files, store, before_ids)
    else:
        case.outcome, case.detail = "crash", f"exit {result.returncode}: {stderr[-300:]}"
    return case


def judge_error(case: Case, stderr: str, files: Files, store: Path, digest: str) -> None:
    lines = stderr.strip().splitlines()
    if tree_digest(store) != digest:
        case.outcome, case.detail = "store-changed", "the store changed although the build failed"
        return
    if lines and lines[-1] == "The graph violates the shapes; nothing was written.":
        case.outcome, case.ok, case.detail = "shacl", True, "\n".join(lines[:6])
        return
    if not lines or not re.fullmatch(r"\d+ problem\(s\) in the data; nothing was written\.", lines[-1]):
        case.outcome, case.detail = "unclear-error", stderr[-500:]
        return
    for line in lines[:-1]:
        match = PROBLEM.match(line)
        if not match:
            case.outcome, case.detail = "unclear-error", f"not file:line: {line[:300]}"
            return
        name, number = match["file"], int(match["line"])
        if name not in files or not 1 <= number <= files[name].count(b"\n") + 2:
            case.outcome, case.detail = "unclear-error", f"no such place in the data: {line[:300]}"
            return
        case.problems.append(line[:300])
    case.outcome, case.ok = "error", True


def judge_build(case: Case, stdout: str, files: Files, store: Path, before_ids: set[str]) -> None:
    manifest = json.loads((store / "current" / "manifest.json").read_text())
    built = {f"{kind}/{rid}" for kind, rids in manifest.get("record_ids", {}).items() for rid in rids}
    expected = oracle_ids(files)
    if manifest["records"] != len(built):
        case.outcome, case.detail = "wrong-count", f"manifest says {manifest['records']}, lists {len(built)}"
        return
    if expected is not None and expected != built:
        lost, extra = sorted(expected - built)[:5], sorted(built - expected)[:5]
        case.outcome, case.detail = "silent-loss", f"in the files but not built: {lost}; built, not in files: {extra}"
        return
    removed, added = sorted(before_ids - built), sorted(built - before_ids)
    change = re.search(r"^\+(\d+) −(\d+) records since the previous build", stdout, re.M)
    if not change or (int(change[1]), int(change[2])) != (len(added), len(removed)):
        case.outcome, case.detail = "unreported-change", f"expected +{len(added)} −{len(removed)}: {stdout[-300:]}"
        return
    if removed:
        named = re.search(r"^removed: (.*)$", stdout, re.M)
        shown = named[1].split(" … ")[0].split(", ") if named else []
        if shown != removed[:len(shown)] or not shown:
            case.outcome, case.detail = "unreported-change", f"removed {removed[:5]} not named: {stdout[-300:]}"
            return
    case.outcome, case.ok = "built", True
    case.detail = f"+{len(added)} −{len(removed)} records" + (f": removed {', '.join(removed[:3])}" if removed else "")


# ------------------------------------------------------------------ the run


def fuzz(data: Path, cases: int, seed: int, *, workroot: Path | None = None,
         only: list[str] | None = None, progress: Callable[[Case], None] | None = None) -> list[Case]:
    """Run ``cases`` mutation cases over the data in ``data`` (round-robin over the mutation
    classes, details drawn from ``seed``); return them judged."""
    from kjgraph.build import build

    rng = random.Random(seed)
    names = only or list(MUTATIONS)
    original = read_files(data)
    with tempfile.TemporaryDirectory(dir=workroot, prefix="kjgraph-fuzz-") as tmp:
        baseline = Path(tmp) / "baseline"
        build(baseline, data=data, progress=False)
        before_ids = oracle_ids(original) or set()
        results = []
        for number in range(cases):
            mutation = names[number % len(names)]
            case = Case(number, mutation)
            for _attempt in range(50):  # draw until the mutation changes something
                files = dict(original)
                try:
                    case.description = MUTATIONS[mutation](files, random.Random(rng.random()))
                except NoCandidate:
                    continue
                if files != original:
                    break
            workdir = Path(tmp) / f"case-{number}"
            workdir.mkdir()
            try:
                run_case(case, files, data, baseline, before_ids, workdir)
            finally:
                shutil.rmtree(workdir, ignore_errors=True)
            results.append(case)
            if progress:
                progress(case)
    return results


def summary(results: list[Case]) -> str:
    by_class: dict[str, Counter[str]] = {}
    for case in results:
        by_class.setdefault(case.mutation, Counter())[case.outcome] += 1
    outcomes = sorted({c.outcome for c in results})
    width = max(len(m) for m in by_class)
    rows = [f"{'mutation':<{width}}  " + "  ".join(f"{o:>7}" for o in outcomes) + "  total"]
    for mutation, counts in by_class.items():
        rows.append(f"{mutation:<{width}}  " + "  ".join(f"{counts[o]:>7}" for o in outcomes)
                    + f"  {sum(counts.values()):>5}")
    totals = Counter(c.outcome for c in results)
    rows.append(f"{'all':<{width}}  " + "  ".join(f"{totals[o]:>7}" for o in outcomes) + f"  {len(results):>5}")
    failures = [c for c in results if not c.ok]
    rows.append(f"{len(results)} cases, {len(failures)} failure(s)")
    rows += [f"  FAIL #{c.number} {c.mutation} ({c.description}): {c.outcome}: {c.detail}" for c in failures]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="data directory (default: the shipped data)")
    parser.add_argument("--cases", type=int, default=330)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", nargs="*", choices=sorted(MUTATIONS), help="only these mutation classes")
    parser.add_argument("--json", type=Path, help="write every case here")
    args = parser.parse_args(argv)
    from kjgraph.resources import data_dir

    data = args.data or data_dir()
    started = time.monotonic()

    def show(case: Case) -> None:
        mark = "ok  " if case.ok else "FAIL"
        print(f"{mark} #{case.number:<4} {case.mutation:<19} {case.outcome:<10} {case.seconds:5.1f} s  "
              f"{case.description[:90]}", flush=True)

    results = fuzz(data, args.cases, args.seed, only=args.only, progress=show)
    print(summary(results))
    print(f"{time.monotonic() - started:.0f} s in all")
    if args.json:
        args.json.write_text(json.dumps([asdict(c) for c in results], indent=1, ensure_ascii=False))
    return 0 if all(c.ok for c in results) else 1


if __name__ == "__main__":
    sys.exit(main())
