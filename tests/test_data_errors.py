"""A user builds from damaged data or on a damaged disk: one line naming the place, nothing lost.

Regression tests for issue 15, items 11-13 and 15: an emptied data file, a YAML alias bomb,
a NUL character, a 5,000-deep sequence, text that is not UTF-8, a full disk during a build
and an export, and the leftovers of killed builds and exports. Every build runs as the
command line, in a subprocess with a memory limit, against a store built before, which
must come out byte-identical whenever the build fails.
"""

from __future__ import annotations

import contextlib
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

import pytest
import yaml as pyyaml  # type: ignore[import-untyped]

from kjgraph.build import build
from kjgraph.errors import DataError
from kjgraph.loader import load_catalog
from kjgraph.resources import data_dir
from kjgraph.store import StoreLocation
from tests.fuzz.yaml_fuzz import tree_digest

from .conftest import run_cli

MEMORY = 2 * 1024**3  # an alias bomb on the old code dies here instead of taking the machine


def cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """`kjgraph ARGS` in a subprocess with at most :data:`MEMORY` bytes of address space."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    return subprocess.run([sys.executable, "-m", "kjgraph", *args], capture_output=True, text=True,
                          timeout=timeout, preexec_fn=limit)


def lines_of(path: Path) -> int:
    return path.read_bytes().count(b"\n")


# Each case damages one file of the minimal data and names the one line the user must see.
# The expected line numbers are counted from the file as damaged.


def empty(data: Path) -> str:
    (data / "events/2020s.yaml").write_text("")
    return ("events/2020s.yaml:1: (file): no records: the file is empty, holds only comments or an empty "
            "list; add its records back, or delete the file if its records are meant to go")


def only_comments(data: Path) -> str:
    (data / "events/2020s.yaml").write_text("# Events of the 2020s.\n\n# (none yet)\n")
    return ("events/2020s.yaml:1: (file): no records: the file is empty, holds only comments or an empty "
            "list; add its records back, or delete the file if its records are meant to go")


def empty_list(data: Path) -> str:
    (data / "events/2020s.yaml").write_text("[]\n")
    return only_comments(data)


def alias_bomb(data: Path) -> str:
    """The 9-fold, 9-level "billion laughs" of issue 15 (462 bytes there; 9**9 strings expanded)."""
    path = data / "people.yaml"
    first = lines_of(path) + 2
    bomb = ["- id: bomb", "  a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    bomb += [f"  a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    with path.open("a") as out:
        out.write("\n".join(bomb) + "\n")
    assert 400 < len("\n".join(bomb)) < 600
    return (f"people.yaml:{first}: (yaml): YAML anchor &a0 is not allowed in data files: remove it "
            "(aliases and anchors are refused)")


def alias(data: Path) -> str:
    path = data / "people.yaml"
    line = lines_of(path) + 1
    path.write_text(path.read_text() + "- *someone\n")
    return (f"people.yaml:{line}: (yaml): YAML alias *someone is not allowed in data files: write the "
            "value out in full")


def nul(data: Path) -> str:
    path = data / "people.yaml"
    text = path.read_text().replace("country: jp", "country: j\x00p")
    path.write_text(text)
    line = text[:text.index("\x00")].count("\n") + 1
    return f"people.yaml:{line}: (yaml): character U+0000 (NUL) at column 13 is not allowed in YAML; remove it"


def deep(data: Path) -> str:
    path = data / "people.yaml"
    line = lines_of(path) + 1
    path.write_text(path.read_text() + "- " * 5000 + "x\n")
    return (f"people.yaml:{line}: (yaml): nesting deeper than 24 levels: records are shallow; check the "
            "indentation")


def latin1(data: Path) -> str:
    path = data / "places.yaml"
    raw = path.read_bytes()
    line = raw.count(b"\n", 0, raw.index(b"Nara")) + 1
    path.write_bytes(raw.replace(b"Nara", b"N\xe4ra", 1))
    text = raw.split(b"\n")[line - 1].decode()
    column = text.index("Nara") + 2  # in characters: the line may hold Hangul or kanji before it
    return (f"places.yaml:{line}: (file): not UTF-8 text: byte 0xe4 at column {column} cannot be decoded "
            "(invalid continuation byte); save the file as UTF-8")


def python_tag(data: Path) -> str:
    path = data / "people.yaml"
    line = lines_of(path) + 1
    path.write_text(path.read_text() + "- !!python/object/apply:os.system ['touch /tmp/kjgraph-pwned']\n")
    return (f"people.yaml:{line}: (yaml): explicit YAML tag !!python/object/apply:os.system is not allowed "
            "in data files: write a plain value (quote it to keep it text)")


def _document(data: Path, name: str) -> int:
    """Make the source ``seed`` cite the document ``name``; the line of its ``file:``."""
    path = data / "sources.yaml"
    text = path.read_text().replace("  language: de\n", f"  language: de\n  file: {name}\n", 1)
    path.write_text(text)
    return text[:text.index("  file:")].count("\n") + 1


def document_outside(data: Path) -> str:
    """A document path leading out of documents/ was read into the graph (/etc/passwd)."""
    line = _document(data, "../../../../../../etc/passwd")
    return (f"sources.yaml:{line}: file: expected the name of a file in documents/, found the path "
            "'../../../../../../etc/passwd' (record 'seed')")


def document_missing(data: Path) -> str:
    """A missing document was skipped without a word."""
    line = _document(data, "seed.de.txt")
    return (f"sources.yaml:{line}: file: no document documents/seed.de.txt: add the file or fix the name "
            "(record 'seed')")


def document_latin1(data: Path) -> str:
    _document(data, "seed.de.txt")
    (data / "documents").mkdir(exist_ok=True)
    (data / "documents" / "seed.de.txt").write_bytes("Gipfel in Nara\n\nDie Ministerpräsidentin".encode("latin-1"))
    return ("documents/seed.de.txt:3: (file): not UTF-8 text: byte 0xe4 at column 15 cannot be decoded "
            "(invalid continuation byte); save the file as UTF-8")


DAMAGE: dict[str, Callable[[Path], str]] = {f.__name__: f for f in (
    empty, only_comments, empty_list, alias_bomb, alias, nul, deep, latin1, python_tag,
    document_outside, document_missing, document_latin1)}


@pytest.fixture
def previous(tmp_path: Path, minimal_data: Path) -> StoreLocation:
    """A store holding a build of the minimal data."""
    location = StoreLocation(tmp_path / "store")
    build(location, data=minimal_data, progress=False)
    return location


@pytest.mark.parametrize("case", sorted(DAMAGE))
def test_damaged_data_is_reported_at_its_place(case: str, minimal_data: Path) -> None:
    expected = DAMAGE[case](minimal_data)
    with pytest.raises(DataError) as failure:
        load_catalog(minimal_data)
    assert [str(p) for p in failure.value.problems] == [expected]


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(DAMAGE))
def test_damaged_data_is_one_line_at_its_place_and_the_store_is_kept(
        case: str, previous: StoreLocation, minimal_data: Path) -> None:
    expected = DAMAGE[case](minimal_data)
    digest = tree_digest(previous.root)
    result = cli("build", "-q", "--store", str(previous.root), "--data", str(minimal_data))
    assert "Traceback" not in result.stderr and "Error" not in result.stderr, result.stderr[-2000:]
    assert result.returncode == 1
    assert result.stderr.splitlines() == [expected, "1 problem(s) in the data; nothing was written."]
    assert tree_digest(previous.root) == digest
    assert not Path("/tmp/kjgraph-pwned").exists()


@pytest.mark.slow
def test_the_emptied_1970s_file_of_the_shipped_data_fails_the_build(tmp_path: Path) -> None:
    """Issue 15, item 11: emptying events/1970s.yaml built with exit 0 and three events vanished."""
    data = tmp_path / "data"
    shutil.copytree(data_dir(), data)
    (data / "events/1970s.yaml").write_text("# Events of the 1970s.\n")
    result = cli("build", "-q", "--store", str(tmp_path / "store"), "--data", str(data))
    assert result.returncode == 1
    assert result.stderr.splitlines()[0].startswith("events/1970s.yaml:1: (file): no records:")
    assert not StoreLocation(tmp_path / "store").exists()


def _ids(path: Path, kind: str) -> list[str]:
    """The record ids of a data file, read by PyYAML (an independent parser)."""
    return sorted(f"{kind}/{record['id']}" for record in pyyaml.safe_load(path.read_text(encoding="utf-8")))


def test_removing_a_file_names_the_records_gone(tmp_path: Path, minimal_data: Path) -> None:
    """Deleting a file is a deliberate removal: it builds, and says which records went.

    (A file whose records other files still reference is refused at the referencing line instead:
    since the coverage ledger cites the 1970s summits, deleting events/1970s.yaml of the shipped
    data is such a case.)"""
    extra = minimal_data / "events/1940s.yaml"
    extra.write_text(
        "- id: 1942-02-03-mine-disaster\n  kind: Disaster\n  labels: {en: Mine disaster}\n"
        "  date: '1942-02-03'\n  place: nara\n  sources: [seed]\n"
        "- id: 1945-08-15-liberation\n  kind: Incident\n  labels: {en: Liberation}\n"
        "  date: '1945-08-15'\n  sources: [seed]\n", encoding="utf-8")
    store = StoreLocation(tmp_path / "store")
    build(store, data=minimal_data, progress=False)
    before = store.manifest()["records"]
    gone = _ids(extra, "events")
    extra.unlink()
    result = run_cli("build", "-q", "--store", str(store.root), "--data", str(minimal_data))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    since = next(i for i, line in enumerate(lines) if line.startswith("built "))
    assert lines[since + 1] == (f"+0 −{len(gone)} records since the previous build "
                                f"({before} → {before - len(gone)})")
    assert lines[since + 2] == "removed: " + ", ".join(gone)


@pytest.mark.slow
def test_removing_a_referenced_file_of_the_shipped_data_is_refused_at_the_reference(
        tmp_path: Path, built_store: StoreLocation) -> None:
    data = tmp_path / "data"
    shutil.copytree(data_dir(), data)
    (data / "events/1970s.yaml").unlink()
    store = tmp_path / "store"
    shutil.copytree(built_store.root, store, symlinks=True)
    before = sorted(p.name for p in store.iterdir())
    result = cli("build", "-q", "--store", str(store), "--data", str(data))
    assert result.returncode == 1
    assert re.search(r"^coverage/1965-2002\.yaml:\d+: entries\.\d+\.record: unknown event '1974-08-19-seoul-summit'",
                     result.stderr, re.M), result.stderr
    assert sorted(p.name for p in store.iterdir()) == before
    assert StoreLocation(store).manifest()["records"] == built_store.manifest()["records"]


@pytest.mark.slow
def test_a_build_reports_records_added_and_removed(previous: StoreLocation, minimal_data: Path) -> None:
    people = minimal_data / "people.yaml"
    before = _ids(people, "people")
    # a person renamed: the references follow, or the build refuses the data
    for path in minimal_data.rglob("*.yaml"):
        path.write_text(re.sub(r"\blee-jae-myung\b(?!-)", "lee-jae-myung-2", path.read_text()))
    result = run_cli("build", "-q", "--store", str(previous.root), "--data", str(minimal_data))
    assert result.returncode == 0, result.stderr
    after = _ids(people, "people")
    added, removed = sorted(set(after) - set(before)), sorted(set(before) - set(after))
    assert (added, removed) == (["people/lee-jae-myung-2"], ["people/lee-jae-myung"])
    lines = result.stdout.splitlines()
    since = next(i for i, line in enumerate(lines) if line.startswith("built "))
    assert lines[since + 1].startswith("+1 −1 records since the previous build")
    assert lines[since + 2] == "removed: people/lee-jae-myung"
    assert "lee-jae-myung-2" in previous.manifest()["record_ids"]["people"]


@pytest.mark.slow
def test_a_first_build_makes_no_comparison(tmp_path: Path, minimal_data: Path) -> None:
    result = run_cli("build", "-q", "--store", str(tmp_path / "store"), "--data", str(minimal_data), check=True)
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and lines[0] == f"data: {minimal_data} (--data)" and lines[1].startswith("built ")


# ------------------------------------------------------------------ a full disk, for real


@contextlib.contextmanager
def small_disk(path: Path, size: str = "4m") -> Iterator[Path]:
    """A tmpfs of ``size`` mounted at ``path`` (needs root; skips otherwise)."""
    path.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs (needs root): {mounted.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def fill(disk: Path, leave: int) -> Path:
    """Fill ``disk`` with one file until ``leave`` bytes are free."""
    stat = os.statvfs(disk)
    free = stat.f_bavail * stat.f_frsize
    filler = disk / f"filler-{uuid.uuid4().hex[:6]}"
    with filler.open("wb") as out:
        remaining = max(0, free - leave)
        while remaining:
            chunk = min(remaining, 1 << 20)
            out.write(b"\0" * chunk)
            remaining -= chunk
    return filler


def leftovers(location: StoreLocation) -> list[str]:
    return sorted(p.name for p in location.builds.iterdir() if p.name.startswith(".")) + sorted(
        p.name for p in location.root.glob(".current-*"))


@pytest.mark.slow
def test_a_full_disk_during_a_build_is_one_line_and_keeps_the_previous_store(
        tmp_path: Path, minimal_data: Path) -> None:
    """Issue 15, item 15: OSError [Errno 28] came out as a traceback. The disk fills at each step
    of the build in turn (the store's files, its bulk load, the dumps)."""
    with small_disk(tmp_path / "disk", "6m") as disk:
        location = StoreLocation(disk / "store")
        build(location, data=minimal_data, progress=False)
        size = sum(p.stat().st_size for p in location.build_dir().rglob("*") if p.is_file())
        failed = 0
        for fraction in (0.0, 0.05, 0.2, 0.4, 0.6, 0.8, 0.95):
            digest = tree_digest(location.root)
            filler = fill(disk, int(size * fraction))
            result = cli("build", "-q", "--store", str(location.root), "--data", str(minimal_data))
            filler.unlink()
            assert "Traceback" not in result.stderr, result.stderr[-2000:]
            if result.returncode == 0:
                continue
            failed += 1
            assert result.returncode == 1
            [line] = result.stderr.splitlines()
            assert line.startswith(f"error: the build in {location.root} failed: no space left on device (")
            assert line.endswith("nothing was published and the previous build is unchanged")
            assert tree_digest(location.root) == digest
            assert leftovers(location) == []
        assert failed >= 5
        # with room again, the next build succeeds: nothing is left taking space
        run_cli("build", "-q", "--store", str(location.root), "--data", str(minimal_data), check=True)


@pytest.mark.slow
def test_a_full_disk_during_an_export_keeps_the_previous_file_and_leaves_no_temporary(
        tmp_path: Path, minimal_data: Path) -> None:
    location = StoreLocation(tmp_path / "store")
    build(location, data=minimal_data, progress=False)
    with small_disk(tmp_path / "disk", "2m") as disk:
        target = disk / "kjgraph.nq"
        run_cli("export", "--format", "nq", "-o", str(target), "--store", str(location.root), check=True)
        before = target.read_bytes()
        filler = fill(disk, len(before) // 10)
        result = run_cli("export", "--format", "trig", "-o", str(target), "--store", str(location.root))
        assert "Traceback" not in result.stderr
        assert result.returncode == 1
        assert result.stderr.splitlines() == [
            f"error: cannot write {target}: no space left on device ([Errno 28] No space left on device)"]
        assert target.read_bytes() == before
        assert sorted(p.name for p in disk.iterdir()) == sorted([target.name, filler.name])


def test_an_export_into_a_missing_directory_is_one_line(tmp_path: Path, previous: StoreLocation) -> None:
    target = tmp_path / "no" / "such" / "dir" / "out.ttl"
    result = run_cli("export", "--format", "ttl", "-o", str(target), "--store", str(previous.root))
    # refused before the store is opened: a usage error (exit 2) naming the option and the directory
    assert result.returncode == 2 and "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    assert f"'-o' / '--out': cannot write {target}: the directory {target.parent} does not exist" in line


# ------------------------------------------------------------------ leftovers of killed processes


def _wait_for(condition: Callable[[], Path | None], seconds: float = 120) -> Path:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.01)
    raise AssertionError("timed out")


def partial_of(location: StoreLocation, pid: int) -> Callable[[], Path | None]:
    """A check for the partial build directory of process ``pid``, once its store exists."""
    def check() -> Path | None:
        return next((p for p in _partials(location) if f".{pid}." in p.name and (p / "oxigraph").exists()), None)
    return check


def _partials(location: StoreLocation) -> list[Path]:
    if not location.builds.is_dir():
        return []
    return [p for p in location.builds.iterdir() if p.name.endswith(".partial")]


@pytest.mark.slow
def test_a_killed_build_leaves_nothing_the_next_build_does_not_remove(
        tmp_path: Path, minimal_data: Path) -> None:
    """Issue 15, item 12: partial directories of killed builds piled up (23 MB from 6 kills)."""
    location = StoreLocation(tmp_path / "store")
    build(location, data=minimal_data, progress=False)
    for _ in range(3):
        process = subprocess.Popen([sys.executable, "-m", "kjgraph", "build", "-q", "--no-validate",
                                    "--store", str(location.root)], stderr=subprocess.DEVNULL)
        _wait_for(partial_of(location, process.pid))
        process.send_signal(signal.SIGKILL)
        process.wait()
        # what this kill left; the build killed began by removing what the kill before left
        [left] = _partials(location)
        assert str(process.pid) in left.name
    result = run_cli("build", "-q", "--store", str(location.root), "--data", str(minimal_data), check=True)
    assert result.returncode == 0
    assert _partials(location) == [] and leftovers(location) == []


@pytest.mark.slow
def test_a_concurrent_build_is_never_cleaned_away(tmp_path: Path, minimal_data: Path) -> None:
    """The cleaning removes partials of dead processes only: a build running alongside keeps
    its work and publishes it."""
    location = StoreLocation(tmp_path / "store")
    build(location, data=minimal_data, progress=False)
    process = subprocess.Popen([sys.executable, "-m", "kjgraph", "build", "-q", "--no-validate",
                                "--store", str(location.root)], stdout=subprocess.PIPE, text=True)
    live = _wait_for(partial_of(location, process.pid))
    assert location.remove_leftovers() == []  # what every other build does first
    assert live.exists()
    out, _ = process.communicate(timeout=300)
    assert process.returncode == 0 and "built" in out
    assert location.manifest()["records"] > 800  # the shipped data, published


def test_partials_of_dead_processes_and_older_versions_are_removed(tmp_path: Path, minimal_data: Path) -> None:
    location = StoreLocation(tmp_path / "store")
    build(location, data=minimal_data, progress=False)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = location.builds / f".20260101T000000-aaaaaa.{dead.pid}.partial"
    alive = location.builds / f".20260101T000000-bbbbbb.{os.getpid()}.partial"
    old = location.builds / ".20250101T000000-cccccc.partial"  # an older version's, without a pid
    fresh = location.builds / ".20260101T000000-dddddd.partial"
    for path in (stale, alive, old, fresh):
        (path / "oxigraph").mkdir(parents=True)
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    removed = location.remove_leftovers()
    assert sorted(removed) == sorted([stale, old])
    assert alive.exists() and fresh.exists()


@pytest.mark.slow
def test_export_temporaries_of_dead_processes_are_removed(tmp_path: Path, previous: StoreLocation) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    target = tmp_path / "out.nq"
    stale = tmp_path / f".out.nq.{dead.pid}.k2j4.tmp"
    live = tmp_path / f".out.nq.{os.getpid()}.x9z1.tmp"
    stale.write_bytes(b"partial")
    live.write_bytes(b"in progress")
    run_cli("export", "--format", "nq", "-o", str(target), "--store", str(previous.root), check=True)
    assert not stale.exists() and live.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out")) == [live.name]


def test_an_interrupted_write_keeps_the_previous_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    from kjgraph.export import write_atomically

    target = tmp_path / "kjgraph [draft].nq"
    write_atomically(target, lambda out: out.write(b"old"))

    def interrupted(out: BinaryIO) -> None:
        out.write(b"half of the new")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomically(target, interrupted)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
