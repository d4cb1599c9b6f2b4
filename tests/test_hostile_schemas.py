"""Hostile schema and mapping files: no content leaked, bounded work, and what ``schema check`` passes runs.

Every case runs the real CLI in a subprocess with a timeout (a hang is a failure, not a stuck
suite) and asserts the exit code, exactly one line on stderr, and that no value of the data file
comes out.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from refcheck.cli import ExitCode
from refcheck.schemas import load_schema
from refcheck.schemas.mapping import Proposal, parse_mapping, proposal_yaml
from refcheck.schemas.quoting import quoted
from refcheck.schemas.yamldoc import parse_yaml
from tests.conftest import SAMPLE

SENTINELS = ("Zebedee", "Quarrington", "2014-02-28", "9434765919", "Acacia Avenue", "Zebedée")
"""Values of the data file below; none may appear in any output."""

DATA = "referral_id,child_name,date_of_birth,nhs_number,address\n" + "".join(
    f"R{n},Zebedee Quarrington,2014-02-28,9434765919,12 Acacia Avenue\n" for n in range(3000)
)

CHILD = "name: council\nextends: wales-referral\n"


def refcheck(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the CLI as a user would, killed (and failed) if it takes over a minute."""
    return subprocess.run([sys.executable, "-m", "refcheck.cli", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=60, env={**os.environ, "COLUMNS": "200"})


def error_lines(result: subprocess.CompletedProcess[str], code: int = ExitCode.BAD_SCHEMA) -> list[str]:
    """The lines on stderr, after checking the exit code and that nothing of the data file leaked."""
    assert result.returncode == code, (result.returncode, result.stderr[-2000:])
    for sentinel in SENTINELS:
        assert sentinel not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert all(len(line) < 400 for line in lines), lines[:5]
    return lines


def one_line(result: subprocess.CompletedProcess[str], code: int = ExitCode.BAD_SCHEMA) -> str:
    """The only line on stderr, checked as ``error_lines`` checks it."""
    lines = error_lines(result, code)
    assert len(lines) == 1, lines[:5]
    return lines[0]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "tonight.csv").write_text(DATA)
    return tmp_path


# -- class 5: a data file given as a schema, mapping or extends never reaches stderr ---------------


@pytest.mark.parametrize("args", [
    ("schema", "check", "./tonight.csv"),
    ("check", SAMPLE, "--schema", "./tonight.csv"),
    ("schema", "check", "wales-referral", "--mapping", "tonight.csv"),
    ("check", SAMPLE, "--mapping", "tonight.csv"),
    ("schema", "check", "extends.yaml"),
], ids=["schema check", "check --schema", "schema check --mapping", "check --mapping", "extends"])
def test_a_data_file_read_as_a_schema_shows_none_of_its_values(folder: Path, args: tuple[str, ...]) -> None:
    (folder / "extends.yaml").write_text("name: council\nextends: tonight.csv\n")
    line = one_line(refcheck(*args, cwd=folder))
    assert "tonight.csv:1: expected a mapping; got a text of" in line


def test_extends_of_a_system_file_shows_none_of_it(tmp_path: Path) -> None:
    (tmp_path / "council.yaml").write_text(CHILD.replace("wales-referral", "/etc/passwd"))
    line = one_line(refcheck("schema", "check", "council.yaml", cwd=tmp_path))
    assert "root" not in line and "/bin" not in line


@pytest.mark.parametrize("text", [
    '{"Zebedee Quarrington": {"date_of_birth": "2014-02-28"}}\n',  # JSON is YAML: a person's name as a key
    "- {name: Zebedee Quarrington, date_of_birth: 2014-02-28}\n",  # records as a YAML list
    "x: *Zebedée\n",  # the parser's own message quotes an alias name
    "name: Zebedee Quarrington\nfields:\n  x: {type: 12 Acacia Avenue}\nrecord_id: x\ngroup_by: x\n",
    CHILD + "rules:\n  - id: decision_date.timely\n    severity: Zebedee Quarrington 2014-02-28\n",
    CHILD + "calendar: {extra_closures: [Zebedee Quarrington]}\n",
    CHILD + "rules:\n  - id: decision_date.timely\n    message: 'seen {Zebedee Quarrington}'\n",
    CHILD + "fields:\n  team: {label: !Zebedee.Quarrington x}\n",
], ids=["json-key", "yaml-records", "alias", "type", "severity", "closure", "placeholder", "tag"])
def test_schema_errors_quote_no_free_text(tmp_path: Path, text: str) -> None:
    """Every mistake is reported (a JSON record as a schema has several), and none shows a value."""
    (tmp_path / "council.yaml").write_text(text)
    lines = error_lines(refcheck("schema", "check", "council.yaml", cwd=tmp_path))
    assert lines and lines[0].startswith("Error: council.yaml:")


def test_a_short_code_like_token_is_still_quoted(tmp_path: Path) -> None:
    (tmp_path / "council.yaml").write_text(CHILD + "rules:\n  - id: decision_date.timely\n    severity: eror\n")
    line = one_line(refcheck("check", SAMPLE, "--schema", "council.yaml", cwd=tmp_path))
    assert line == "Error: council.yaml:5: rules[0].severity: expected one of warning, error; got 'eror'"


@pytest.mark.parametrize("how", ["schema", "mapping", "extends"])
def test_a_uri_given_as_a_schema_never_shows_its_password(tmp_path: Path, how: str) -> None:
    uri = "postgresql://clerk:Zebedee-Pw0rd@db.example/referrals?password=Zebedee-Pw0rd"
    (tmp_path / "council.yaml").write_text(f"name: council\nextends: '{uri}'\n")
    args = {"schema": ("check", SAMPLE, "--schema", uri), "mapping": ("check", SAMPLE, "--mapping", uri),
            "extends": ("schema", "check", "council.yaml")}[how]
    line = one_line(refcheck(*args, cwd=tmp_path))
    assert line == "Error: postgresql://...: a schema or mapping is a YAML file, not a URI"


@pytest.mark.parametrize(("value", "shown"), [
    ("eror", "'eror'"), ("decision_date.timely", "'decision_date.timely'"), ("-1", "'-1'"), ("2.5%", "'2.5%'"),
    ("Zebedee Quarrington", "a text of 19 characters"), ("2014-02-28", "a text of 10 characters"),
    ("9434765919", "a text of 10 characters"), ("Zebedée", "a text of 7 characters"),
    ("x" * 65, "a text of 65 characters"),
])
def test_the_quoting_rule(value: str, shown: str) -> None:
    """A value is quoted only when short and code-like; else described by its size (docs/security.md)."""
    assert quoted(value) == shown


# -- class 8: bounded work on any input --------------------------------------------------------------


def _alias_bomb() -> str:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 10):
        name, previous = chr(ord("a") + level), chr(ord("a") + level - 1)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


HOSTILE_FILES = {
    "alias_bomb": (_alias_bomb().encode(), "holds more than 100,000 values once its aliases are expanded"),
    "deep_flow": (b"a: " + b"[" * 4000 + b"]" * 4000 + b"\n", "nested more than 64 levels deep"),
    "deep_block": ("".join(f"{' ' * n}k{n}:\n" for n in range(600)).encode(), "nested more than 64 levels deep"),
    "nul_byte": (b"name: council\nextends: wales-\x00referral\n", "council.yaml:2: holds a NUL byte; not a text file"),
    "not_utf8": (b"name: council\ndescription: caf\xe9\n", "council.yaml:2: not UTF-8 text (byte 30)"),
    "impossible_date": (b"name: council\nversion: 2025-02-30\n", "version: cannot be read as a date"),
    "huge_number": (b"name: council\nversion: " + b"9" * 5000 + b"\n", "version: cannot be read as a whole number"),
    "over_a_mebibyte": (b"# " + b"x" * (1024 * 1024) + b"\n", "is over 1 MiB"),
    "control_character": (b"name: council\x01\n", "council.yaml:1: not valid YAML:"),
}


@pytest.mark.parametrize(("content", "expected"), HOSTILE_FILES.values(), ids=HOSTILE_FILES.keys())
def test_hostile_schema_files_are_one_line_and_exit_3(tmp_path: Path, content: bytes, expected: str) -> None:
    (tmp_path / "council.yaml").write_bytes(content)
    line = one_line(refcheck("schema", "check", "council.yaml", cwd=tmp_path))
    assert expected in line


@pytest.mark.parametrize("how", ["schema", "mapping", "extends"])
@pytest.mark.parametrize("special", ["fifo", "/dev/zero", "folder"])
def test_a_fifo_device_or_folder_is_refused_without_blocking(tmp_path: Path, how: str, special: str) -> None:
    path = tmp_path / "special.yaml"
    if special == "fifo":
        os.mkfifo(path)
    elif special == "folder":
        path.mkdir()
    else:
        path = Path(special)
    (tmp_path / "council.yaml").write_text(f"name: council\nextends: {path}\n")
    args = {"schema": ("schema", "check", path), "mapping": ("schema", "check", "wales-referral", "--mapping", path),
            "extends": ("check", SAMPLE, "--schema", "council.yaml")}[how]
    if (special, how) == ("folder", "mapping"):  # NOTE: click refuses it as a usage error before refcheck reads it
        assert refcheck(*args, cwd=tmp_path).returncode == ExitCode.USAGE
        return
    line = one_line(refcheck(*args, cwd=tmp_path))
    assert line.startswith(f"Error: {path}: is ")


# -- class 14: what schema check accepts, the run accepts ------------------------------------------


PATTERN_RULE = CHILD + ("rules:\n  - id: worker_id.form\n    kind: pattern\n"
                        "    params: {{field: worker_id, pattern: '{}'}}\n    severity: warning\n    message: m\n"
                        "    hint: h\n")
ENGINE_REFUSALS = {
    "back_reference": (CHILD + "fields:\n  worker_id:\n    format: {pattern: '(W)\\1[0-9]+'}\n",
                       "council.yaml:5: fields.worker_id.format: Polars cannot run this rule (backreferences are not "
                       "supported)"),
    "look_ahead": (PATTERN_RULE.format("(?=W)W[0-9]+"),
                   "council.yaml:4: rules[0].id: Polars cannot run this rule (look-around, including look-ahead and "
                   "look-behind, is not supported)"),
    "size_blow_up": (PATTERN_RULE.format("(a{1000}){1000}"),
                     "council.yaml:4: rules[0].id: Polars cannot run this rule (Compiled regex exceeds size limit of "
                     "10485760 bytes)"),
    "too_many_words": (CHILD + "rules:\n  - id: referral_reason.words\n    kind: text_quality\n"
                       "    params: {field: referral_reason, min_words: 100000}\n    severity: warning\n"
                       "    message: m\n    hint: h\n",
                       "council.yaml:4: rules[0].id: Polars cannot run this rule (Compiled regex exceeds size limit "
                       "of 10485760 bytes)"),
}


@pytest.mark.parametrize(("text", "expected"), ENGINE_REFUSALS.values(), ids=ENGINE_REFUSALS.keys())
@pytest.mark.parametrize("command", ["schema check", "check"])
def test_a_rule_polars_cannot_run_is_a_schema_error(tmp_path: Path, text: str, expected: str, command: str) -> None:
    (tmp_path / "council.yaml").write_text(text)
    args = ("schema", "check", "council.yaml") if command == "schema check" else ("check", SAMPLE, "--schema",
                                                                                   "council.yaml")
    assert one_line(refcheck(*args, cwd=tmp_path)) == f"Error: {expected}"


DATE_FORMATS = {
    "%Q": "a directive Polars does not know",
    "%d/%m/%Y %H": "Polars cannot read dates in this form (Invalid format string: Please either specify both hour "
                   "and minute, or neither)",
    "%d/%m": "Polars does not read a date written in this form back as the same day",
    "%Y-%m-%d %H:%M:%S.%f": "Polars cannot read dates in this form (Detected the pattern `.%f`",
}


@pytest.mark.parametrize(("date_format", "expected"), DATE_FORMATS.items(), ids=DATE_FORMATS.keys())
@pytest.mark.parametrize("command", ["schema check", "check"])
def test_a_date_format_polars_cannot_read_is_a_schema_error(tmp_path: Path, date_format: str, expected: str,
                                                            command: str) -> None:
    (tmp_path / "mapping.yaml").write_text(f'fields:\n  decision_date: {{date_format: "{date_format}"}}\n')
    args = ("schema", "check", "wales-referral") if command == "schema check" else ("check", SAMPLE)
    line = one_line(refcheck(*args, "--mapping", "mapping.yaml", cwd=tmp_path))
    assert line.startswith(f"Error: mapping.yaml:2: fields.decision_date.date_format: {expected}")


def test_what_schema_check_passes_the_run_reads(tmp_path: Path) -> None:
    (tmp_path / "mapping.yaml").write_text('fields:\n  decision_date: {date_format: "%-d %b %Y %I:%M %p"}\n')
    (tmp_path / "council.yaml").write_text(CHILD + "fields:\n  worker_id:\n    format: {pattern: 'W[0-9]{4}'}\n")
    for args in (("schema", "check", "council.yaml", "--mapping", "mapping.yaml"),
                 ("check", SAMPLE, "--schema", "council.yaml", "--mapping", "mapping.yaml", "--as-of", "2026-11-20")):
        result = refcheck(*args, cwd=tmp_path)
        assert result.returncode in (ExitCode.PASSED, ExitCode.FINDINGS), result.stderr


# -- YAML refcheck writes: a proposed mapping keeps every header's meaning ------------------------


HOSTILE_HEADERS = [
    "Te\nam: {column: x}\n#",           # a newline that would start a key
    'T"e}, worker_id: {column: "am',    # quotes and braces that would close the flow mapping
    "Te # am: x",                       # a comment marker
    "T\x1b]0;owned\x07e\u2028a\x85m\r", # escape sequences and YAML's other line breaks
    "\ufeffTe'am\t😀",                  # a byte-order mark, a single quote, a tab, an astral character
]


@pytest.mark.parametrize("header", HOSTILE_HEADERS, ids=range(len(HOSTILE_HEADERS)))
def test_a_proposed_mapping_reads_back_with_the_same_meaning(header: str) -> None:
    schema = load_schema()
    unused = f"{header} unused\n  injected: 1"
    proposal = Proposal(matches={"team": (header, "fuzzy")}, unmapped_fields=["worker_id"], unused_headers=[unused])
    text = proposal_yaml(proposal, f"their{header}.csv")
    node = parse_yaml(text, "mapping.yaml")
    assert set(node.mapping()) == {"null_tokens", "fields"}
    mapping = parse_mapping(node, schema.fields)
    assert {name: entry.column for name, entry in mapping.fields.items()} == {"team": header.strip()}
    assert mapping.null_tokens == ()
    comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    assert len(text.splitlines()) == 6 + 1 + 2 + 1 and len(comments) == 4 + 2 + 1


def test_refcheck_map_of_hostile_headers_writes_a_mapping_that_checks(tmp_path: Path) -> None:
    import csv

    headers = ["referral_id", "Te\u2028am", 'Work"er}: {column: "X', "#null_tokens: [Zebedee]", "child\x1b]0;t\x07 id"]
    with (tmp_path / "theirs.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([headers, ["R1", "Alpha", "W1", "x", "C1"]])
    written = refcheck("map", "theirs.csv", "--out", "mapping.yaml", cwd=tmp_path)
    assert written.returncode == ExitCode.PASSED, written.stderr
    text = (tmp_path / "mapping.yaml").read_text(encoding="utf-8")
    mapping = parse_mapping(parse_yaml(text, "mapping.yaml"), load_schema().fields)
    assert mapping.null_tokens == ()
    assert mapping.fields["team"].column == "Te\u2028am"  # YAML's line separator, kept, not folded to a space
    assert {name: entry.column for name, entry in mapping.fields.items() if name != "team"} == {
        "referral_id": "referral_id", "child_id": "child\x1b]0;t\x07 id"}
    checked = refcheck("schema", "check", "wales-referral", "--mapping", "mapping.yaml", cwd=tmp_path)
    assert checked.returncode == ExitCode.PASSED, checked.stderr
