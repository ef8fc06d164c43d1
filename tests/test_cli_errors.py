"""Errors a person can act on: every command with wrong input says so in one line.

The commands are read from the click group, so a new command is covered without a new test: each
gets an unknown option, and each of its parameters a wrong value chosen by the parameter's type
and name (a choice that is not one, a word for a number, a file in a directory that does not
exist, an empty store, an unsupported language, an unreachable endpoint …). Every case must end
with a non-zero exit status and exactly one line on standard error, starting with ``error:`` —
no traceback, no "internal error", nothing half-written on standard output. The examples of
issue 14 are regression tests below.
"""

from __future__ import annotations

import atexit
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kjgraph.cli import main
from kjgraph.options import OutputFile
from kjgraph.store import StoreLocation
from tests.conftest import run_cli
from tests.servers import free_port

WORK = Path(tempfile.mkdtemp(prefix="kjgraph-cli-errors-"))
atexit.register(shutil.rmtree, WORK, ignore_errors=True)
EMPTY_STORE = WORK / "empty-store"
A_FILE = WORK / "a-file"
UNREACHABLE = f"http://127.0.0.1:{free_port()}/sparql"

#: Wrong values of text options and arguments, by (command path, parameter name); the other text
#: parameters (user names, passwords, tokens) are only read together with an endpoint.
TEXT_WRONG: dict[tuple[str, str], list[str]] = {
    ("query", "name"): ["no-such-query"],
    ("query", "expression"): ["SELEC ?x WHERE { ?x ?p ?o }", "SELECT * WHERE { ?s nope:p ?o }",
                              "INSERT DATA { <urn:a> <urn:b> <urn:c> }"],
    ("query", "params"): ["no-equals-sign"],
    ("query", "endpoint"): ["not a url", UNREACHABLE],
    ("render", "target"): ["no such entity at all"],
    ("render", "link_base"): ["javascript:alert(1)"],
    ("render", "endpoint"): [UNREACHABLE],
    ("analyze path", "source"): ["no such entity at all"],
    ("analyze path", "target"): ["no such entity at all"],
    ("serve", "host"): ["no-such-host.invalid"],
    ("push", "endpoint"): ["not a url"],
    ("push", "update_endpoint"): ["not a url"],
    ("push", "store_endpoint"): ["not a url"],
    ("synth", "size"): ["lots"],
}
for _path in ("analyze summary", "analyze centrality", "analyze communities", "analyze path", "analyze over-time",
              "analyze export", "plot timeline", "plot topics"):
    TEXT_WRONG[(_path, "endpoint")] = [UNREACHABLE]
for _path in ("analyze summary", "analyze centrality", "analyze communities", "analyze export"):
    TEXT_WRONG[(_path, "start")] = ["2020-13-45"]
    TEXT_WRONG[(_path, "end")] = ["yesterday"]


def commands(group: click.Group = main, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, click.Command]]:
    """Every command and subcommand of the group, as ("analyze path", command)."""
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from commands(command, (*prefix, name))
        else:
            yield " ".join((*prefix, name)), command


def valid_base(path: str, built: str) -> dict[str, list[str]]:
    """Values that make each required parameter right, keyed by parameter name (arguments: by order)."""
    out = WORK / "out"
    out.mkdir(exist_ok=True)
    base: dict[str, list[str]] = {"store": ["--store", built]}
    required = {
        "export": {"fmt": ["--format", "ttl"], "out": ["-o", str(out / "x.ttl")]},
        "publish": {"out": ["--out", str(out / "site")]},
        "analyze export": {"out": ["-o", str(out / "g.graphml")]},
        "plot timeline": {"out": ["-o", str(out / "t.svg")]},
        "plot topics": {"out": ["-o", str(out / "t.svg")]},
        "synth": {"out": ["-o", str(out / "s.nq")]},
        "analyze path": {"source": ["person/lee-jae-myung"], "target": ["person/sanae-takaichi"]},
        "load": {"file": [str(WORK / "data.nq")]},
        "render": {"view": ["entity"], "target": ["place/nara"], "out": ["-o", str(out / "r.html")]},
        "push": {"endpoint": ["--endpoint", UNREACHABLE], "update_endpoint": ["--update-endpoint", UNREACHABLE]},
    }
    if path in ("build", "load"):
        base["store"] = ["--store", str(WORK / "new-store")]  # they write; never the shared store
    base.update(required.get(path, {}))
    return base


def option_flag(param: click.Parameter) -> str:
    assert isinstance(param, click.Option)
    return max(param.opts, key=len)


def wrong_values(path: str, param: click.Parameter) -> list[str]:
    """Wrong values for one parameter, by its type and name."""
    kind = param.type
    if isinstance(param, click.Option) and (param.is_flag or param.name in ("show_help",)):
        return []
    if param.name == "store":  # build and load write a new store: an empty directory is right for them
        return [str(A_FILE)] if path in ("build", "load") else [str(EMPTY_STORE), str(A_FILE)]
    if param.name == "lang":
        return ["fr"]
    if (path, param.name) in TEXT_WRONG:
        return TEXT_WRONG[(path, param.name)]
    if isinstance(kind, click.Choice):
        return ["no-such-choice"]
    if isinstance(kind, click.types.IntParamType | click.types.FloatParamType):
        wrong = ["many"]
        minimum = getattr(kind, "min", None)
        if minimum is not None:
            wrong.append(str(minimum - 1))
        return wrong
    if isinstance(kind, OutputFile):
        return ["/nonexistent/x.out", str(A_FILE / "x.out")]
    if isinstance(kind, click.Path):
        if kind.exists:
            return ["/nonexistent/x"]
        return [str(A_FILE / "x")]  # a path inside a file: nobody can create it, root included
    return []


@dataclass(frozen=True)
class Case:
    path: str
    args: tuple[str, ...]

    def __str__(self) -> str:
        return f"kjgraph {self.path} {' '.join(self.args)}"


def cases(built: str) -> list[Case]:
    found = []
    for path, command in commands():
        base = valid_base(path, built)
        found.append(Case(path, ("--no-such-option", *(a for values in base.values() for a in values))))
        for param in command.params:
            for value in wrong_values(path, param):
                args = {**base}
                if isinstance(param, click.Argument):
                    args[param.name or ""] = [value]
                else:
                    args[param.name or ""] = [option_flag(param), value]
                if "endpoint" in args and any(p.name == "retries" for p in command.params):
                    args["retries"] = ["--retries", "0"]
                names = [p.name or "" for p in command.params if isinstance(p, click.Argument)]
                arguments = [a for name in names for a in args.get(name, [])]
                options = [a for k, v in args.items() if k not in names for a in v]
                found.append(Case(path, (*arguments, *options)))
    return found


@pytest.fixture(scope="module")
def prepared(built_store: StoreLocation) -> str:
    EMPTY_STORE.mkdir(exist_ok=True)
    A_FILE.write_text("not a directory\n")
    (WORK / "data.nq").write_text("<urn:a> <urn:b> <urn:c> <https://w3id.org/kjgraph/graph/source/x> .\n")
    return str(built_store.root)


def assert_one_line_error(case: Case, code: int, stdout: str, stderr: str) -> None:
    """Non-zero exit; standard error holds one line, the error (build's progress lines aside)."""
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert code != 0, f"{case}: accepted (exit 0)\n{stdout[-500:]}"
    assert "Traceback" not in stderr + stdout, f"{case}:\n{stderr}"
    if case.path == "build":  # its progress display goes to standard error too
        lines = lines[-1:]
    assert len(lines) == 1 and lines[0].startswith("error: "), f"{case}: {stderr!r}"
    assert "internal error" not in stderr


@pytest.mark.slow
def test_every_command_with_wrong_input_fails_in_one_line(prepared: str) -> None:
    all_cases = cases(prepared)
    covered = {c.path for c in all_cases if not c.args[0].startswith("--no-such-option")}
    assert covered >= {p for p, _ in commands()} - {"queries"}  # each gets a wrong value (queries takes none)
    runner = CliRunner()
    failures = []
    for case in all_cases:
        if case.path == "serve":
            continue  # a subprocess with a time limit, below: a serve that accepts its input never returns
        result = runner.invoke(main, [*case.path.split(), *case.args])
        try:
            assert_one_line_error(case, result.exit_code, result.stdout, result.stderr)
        except AssertionError as exc:
            failures.append(str(exc))
    assert not failures, "\n".join(failures)
    assert len(all_cases) > 150


@pytest.mark.slow
def test_serve_with_wrong_input_fails_in_one_line(prepared: str) -> None:
    failures = []
    for case in cases(prepared):
        if case.path != "serve":
            continue
        try:
            result = subprocess.run([sys.executable, "-m", "kjgraph", "serve", *case.args], capture_output=True,
                                    text=True, timeout=60)
        except subprocess.TimeoutExpired:
            failures.append(f"{case}: accepted (still serving after 60 s)")
            continue
        try:
            assert_one_line_error(case, result.returncode, result.stdout, result.stderr)
        except AssertionError as exc:
            failures.append(str(exc))
    assert not failures, "\n".join(failures)


# ------------------------------------------------------------------ the examples of issue 14


def test_export_to_a_missing_directory(built_store: StoreLocation) -> None:
    result = run_cli("export", "--format", "ttl", "-o", "/nonexistent/x.ttl", "--store", str(built_store.root))
    assert result.returncode != 0 and result.stderr.strip().count("\n") == 0
    assert "cannot write /nonexistent/x.ttl: the directory /nonexistent does not exist" in result.stderr


def test_analyze_path_takes_labels_as_render_does(built_store: StoreLocation) -> None:
    result = run_cli("analyze", "path", "이재명", "Sanae Takaichi", "--store", str(built_store.root), check=True)
    assert "person:lee-jae-myung" in result.stdout and "person:sanae-takaichi" in result.stdout
    result = run_cli("analyze", "path", "이재명", "Nobody Atall", "--store", str(built_store.root))
    assert result.returncode == 1 and result.stderr.startswith("error: no entity labelled 'Nobody Atall'")


def test_an_unknown_prefix_is_named_and_sem_is_known(built_store: StoreLocation) -> None:
    result = run_cli("query", "-e", "SELECT * WHERE { ?s nope:p ?o }", "--store", str(built_store.root))
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "unknown prefix nope:" in result.stderr and "kjo, " in result.stderr
    result = run_cli("query", "-e", "SELECT (COUNT(*) AS ?n) WHERE { ?s a sem:Event }", "--format", "csv",
                     "--store", str(built_store.root), check=True)
    assert result.stdout.splitlines()[0] == "n"


def test_parameters_that_name_nothing_suggest_an_id(built_store: StoreLocation) -> None:
    result = run_cli("query", "leaders", "--param", "country=jp", "--store", str(built_store.root))
    assert result.returncode == 1
    assert "nothing in the graph has the id 'jp'" in result.stderr and "country/jp" in result.stderr
    result = run_cli("query", "meetings", "--param", "city=Seoul", "--store", str(built_store.root))
    assert result.returncode == 1 and "place/seoul" in result.stderr


def test_lang_fr_is_an_error_everywhere(built_store: StoreLocation) -> None:
    store = ("--store", str(built_store.root))
    for args in (("query", "leaders", "--param", "lang=fr"), ("analyze", "centrality", "--lang", "fr"),
                 ("plot", "timeline", "-o", str(WORK / "t.svg"), "--lang", "fr"),
                 ("render", "--lang", "fr", "-o", str(WORK / "r.html"))):
        result = run_cli(*args, *store)
        assert result.returncode != 0 and "fr" in result.stderr and "en, ko, ja, de" in result.stderr, args
        assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.server
def test_serve_on_a_busy_port_does_not_announce_itself(built_store: StoreLocation) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "kjgraph", "serve", "--store", str(built_store.root),
                                 "--port", str(port)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "serving" not in result.stderr
    assert result.stderr.strip() == (f"error: cannot listen on 127.0.0.1:{port}: the port is in use "
                                     "(is another kjgraph serve running? choose one with --port)")
