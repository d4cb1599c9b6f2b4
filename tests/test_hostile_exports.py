"""Nothing a user writes in a schema ever runs as code: every export escapes it for its language.

One schema holds hostile text in every string slot the loader accepts (name, version, description,
labels, codes and their labels, patterns, messages, hints, placeholders, mapped column names) and
one extract holds hostile team names. Each payload would create a sentinel file if it ever ran as
Python, break out of a string or comment, start a YAML key or document, or a Markdown heading or
table cell. The exports made from them must import, load and run with the same meaning as the
engine, and the sentinel must never appear.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import re
import shlex
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from refcheck.checks import Report, bind_rules, validate
from refcheck.checks.interop.gx_engine import counts_on_frame, validate_sql
from refcheck.checks.interop.sql_rules import literal, quoted
from refcheck.checks.parsing import blank_to_null
from refcheck.schemas import load_schema
from refcheck.schemas.escaping import one_line
from tests.conftest import SAMPLE_AS_OF, Invoke

AS_OF = SAMPLE_AS_OF.isoformat()


def _run_code(sentinel: Path) -> str:
    """Python that creates the sentinel file: what every payload would do if it were executed."""
    return f"__import__('pathlib').Path({str(sentinel)!r}).touch()"


def _payload(sentinel: Path, tag: str) -> str:
    """Text that breaks out of every string, comment and block syntax a generator might paste it into."""
    code = _run_code(sentinel)
    return (f'{tag} """; {code} #\n{code}\n\'\'\'; {code}; \'\'\' \\ \\" ` ``` {{{{0}}}} %s %(x)s\n'
            f"extends: /etc/passwd\n--- \n# heading\n| a | b |\n<b>ἀλφα</b> 日本語 Кирилл ‎ \x00 \x1b[31m\r end")


def _codes(sentinel: Path) -> dict[str, str]:
    code = _run_code(sentinel)
    return {
        'A"""': "Triple quote",
        "B'; DROP TABLE referrals; --": "Quote",
        "C\\": "Backslash",
        "D :bind": "A bind parameter",
        "{0}": "Braces",
        "%s": "Percent",
        "E#x": "Hash",
        "Ж": "Cyrillic",
        code: _payload(sentinel, "label"),
    }


PATTERN = r"""^[A-Z'"#]{2} :x[0-9]{2}$"""
TEAMS = ['Team "A"; DROP TABLE referrals; --', "Tëam :b {0} %s", "Ομάδα\\", "'"]
SOURCE_COLUMN = 'Source : col "x"'
TEAM_COLUMN = "Team'; --"
TABLE = 'referrals"; DROP TABLE x; -- : t {0}'


def _schema_document(sentinel: Path, controls: bool) -> dict[str, Any]:
    def payload(tag: str) -> str:
        text = _payload(sentinel, tag)
        return text if controls else _printable(text)

    codes = {code: label if controls else _printable(label) for code, label in _codes(sentinel).items()}
    chosen = [*list(codes)[:5], "%s"]
    return {
        "name": payload("name"),
        "version": payload("version"),
        "description": payload("description"),
        "record_id": "record_id",
        "group_by": "team",
        "codes": {"sources": codes},
        "fields": {
            "record_id": {"label": payload("record id"), "required": {"message": payload("message {label}"),
                                                                       "hint": payload("hint")},
                          "unique": True},
            "team": {"label": payload("team"), "description": payload("team description")},
            "source": {"codes": "sources", "label": payload("source")},
            "ref_code": {"format": {"pattern": PATTERN}, "label": payload("ref")},
            "received": {"type": "date", "required": True, "label": payload("received")},
            "decided": {"type": "date", "label": payload("decided")},
            "notes": {"label": payload("notes")},
        },
        "rules": [
            {"id": "local.decided_after_received", "kind": "date_order",
             "params": {"earlier": "received", "later": "decided"}, "severity": "error",
             "message": payload("order message"), "hint": payload("order hint")},
            {"id": "local.notes_quality", "kind": "text_quality", "severity": "warning",
             "params": {"field": "notes", "min_words": 2, "placeholders": [payload("placeholder"), "n/a'\"\"\""]},
             "message": payload("quality message"), "hint": payload("quality hint")},
            {"id": "local.notes_when_source", "kind": "required_when", "severity": "warning",
             "params": {"field": "notes", "code_field": "source", "codes": chosen},
             "message": payload("when message {codes}"), "hint": payload("when hint")},
            {"id": "local.decided_timely", "kind": "within_working_days", "severity": "warning",
             "params": {"start": "received", "end": "decided", "days": 5, "code_field": "source",
                        "codes": chosen + ["\x00batch\x00 {batch}"] if controls else chosen},
             "message": payload("timely message"), "hint": payload("timely hint")},
            {"id": "local.received_not_future", "kind": "not_in_future", "severity": "error",
             "params": {"field": "received"}, "message": payload("future"), "hint": payload("future hint")},
        ],
        "mapping": {"fields": {"source": {"column": SOURCE_COLUMN}, "team": {"column": TEAM_COLUMN}}},
    }


def _printable(text: str) -> str:
    """A payload as an extract can hold it: no NUL or escape (a file holding them is binary)."""
    return text.replace("\x00", "").replace("\x1b", "")


def _rows(sentinel: Path) -> list[dict[str, str]]:
    """Rows that pass and fail every rule, in every team."""
    codes = list(_codes(sentinel))
    rows = []
    for number in range(36):
        code = codes[number % len(codes)] if number % 7 else "not a code"
        rows.append({
            "record_id": f"R{number % 30:03d}",
            TEAM_COLUMN: TEAMS[number % len(TEAMS)],
            SOURCE_COLUMN: code,
            "ref_code": ["AB :x12", "a'", "\"# :x99", ""][number % 4],
            "received": ["2026-11-02", "03/11/2026", "", "2027-01-01", "2026-13-01"][number % 5],
            "decided": ["2026-11-04", "2026-11-30", "", "01/11/2026"][number % 4],
            "notes": ["", "n/a'\"\"\"", "two words", "one", _printable(_payload(sentinel, "placeholder"))][number % 5],
        })
    return rows


@pytest.fixture(params=["printable", "control characters"])
def hostile(tmp_path: Path, request: pytest.FixtureRequest) -> tuple[Path, Path, Path]:
    """A hostile schema file, an extract for it, and the sentinel path that must never exist.

    Twice: with printable payloads (which ran as code before), and with NUL, ESC and CR in them.
    """
    sentinel = tmp_path / "SENTINEL"
    schema = tmp_path / "hostile.yaml"
    document = _schema_document(sentinel, controls=request.param != "printable")
    schema.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    extract = tmp_path / "extract.csv"
    rows = _rows(sentinel)
    with extract.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return schema, extract, sentinel


def _engine(schema: Path, extract: Path) -> Report:
    return validate(extract, str(schema), as_of=SAMPLE_AS_OF)


def _failed(report: Report) -> dict[str, int]:
    return {result.rule.id: sum(count.failed for count in result.by_team) for result in report.results}


def _fields_csv(extract: Path, folder: Path) -> Path:
    """The extract under the schema's field names (a pandera pipeline reads after its own renaming)."""
    renamed = folder / "fields.csv"
    with extract.open(newline="", encoding="utf-8") as source, renamed.open("w", newline="", encoding="utf-8") as out:
        rows = list(csv.reader(source))
        names = {SOURCE_COLUMN: "source", TEAM_COLUMN: "team"}
        csv.writer(out).writerows([[names.get(name, name) for name in rows[0]], *rows[1:]])
    return renamed


_VALIDATE = """
import json, sys
import pandera.errors
import polars as pl
sys.path.insert(0, sys.argv[1])
module = __import__(sys.argv[2])
try:
    module.schema.validate(pl.read_csv(sys.argv[3], infer_schema=False), lazy=True)
    failed = {}
except pandera.errors.SchemaErrors as err:
    cases = err.failure_cases.with_columns(pl.col("check").str.split(": ").list.first().alias("rule"))
    failed = {rule: group["index"].n_unique() for (rule,), group in cases.group_by("rule")}
print(json.dumps(failed))
"""


def test_the_pandera_module_of_a_hostile_schema_runs_nothing_and_flags_what_the_engine_flags(
        invoke: Invoke, hostile: tuple[Path, Path, Path], tmp_path: Path) -> None:
    schema, extract, sentinel = hostile
    out = tmp_path / "hostile_schema.py"
    result = invoke("export", "pandera", "--schema", schema, "--as-of", AS_OF, "--out", out)
    assert result.exit_code == 0, result.output
    frame = _fields_csv(extract, tmp_path)
    ran = subprocess.run([sys.executable, "-c", _VALIDATE, str(tmp_path), out.stem, str(frame)],
                         capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert not sentinel.exists()
    expected = {rule: failed for rule, failed in _failed(_engine(schema, extract)).items() if failed}
    assert json.loads(ran.stdout) == expected
    assert len(expected) >= 8


@pytest.mark.parametrize("slot", ["name", "version", "description"])
def test_a_schema_string_that_closes_the_docstring_is_never_run(invoke: Invoke, tmp_path: Path, slot: str) -> None:
    """The issue's own example, one slot at a time, so that no other payload's syntax error hides it."""
    sentinel = tmp_path / "SENTINEL"
    document: dict[str, Any] = {"name": "plain", "version": "1", "description": "plain", "record_id": "record_id",
                "group_by": "team", "fields": {"record_id": {"required": True}, "team": {}}}
    document[slot] = f'x"""; {_run_code(sentinel)}; """ #'
    schema = tmp_path / "schema.yaml"
    schema.write_text(yaml.safe_dump(document), encoding="utf-8")
    out = tmp_path / "exported.py"
    assert invoke("export", "pandera", "--schema", schema, "--out", out).exit_code == 0
    ran = subprocess.run([sys.executable, "-c", "import exported; print(exported.SCHEMA_NAME)"],
                         capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert not sentinel.exists()
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert ran.stdout == document["name"] + "\n"


def _sqlite(extract: Path, folder: Path) -> str:
    """The extract as a SQLite table named like an injection, its columns as written."""
    with extract.open(newline="", encoding="utf-8") as source:
        header, *rows = list(csv.reader(source))
    with sqlite3.connect(folder / "warehouse.db") as db:
        columns = ", ".join('"' + name.replace('"', '""') + '" TEXT' for name in header)
        db.execute(f'CREATE TABLE "{TABLE.replace(chr(34), chr(34) * 2)}" ({columns})')
        db.executemany(f'INSERT INTO "{TABLE.replace(chr(34), chr(34) * 2)}" VALUES ({", ".join("?" for _ in header)})',
                       rows)
    return f"sqlite:///{folder / 'warehouse.db'}"


def _per_team(report: Report) -> dict[str, list[tuple[str, int, int]]]:
    return {result.rule.id: [(count.team, count.checked, count.failed) for count in result.by_team]
            for result in report.results}


def test_gx_on_sqlite_with_hostile_names_and_codes_counts_what_the_engine_counts(
        hostile: tuple[Path, Path, Path], tmp_path: Path) -> None:
    schema, extract, sentinel = hostile
    url = _sqlite(extract, tmp_path)
    gx_report = validate_sql(url, TABLE, load_schema(schema), as_of=SAMPLE_AS_OF)
    report = _engine(schema, extract)
    assert all(result.ran for result in gx_report.results)
    assert sorted(gx_report.teams) == sorted(report.teams) == sorted(TEAMS)
    assert _per_team(gx_report) == _per_team(report)
    assert not sentinel.exists()


@pytest.mark.xfail(strict=True, reason="GX reads its query asset through text() twice: a column or table name with "
                   "a colon before a word (`a :b`) becomes a bind parameter; gx_engine must not pass names that way")
def test_gx_on_sqlite_with_a_colon_before_a_word_in_a_column_name(hostile: tuple[Path, Path, Path],
                                                                   tmp_path: Path) -> None:
    schema, extract, _ = hostile
    document = yaml.safe_load(schema.read_text(encoding="utf-8"))
    document["mapping"]["fields"]["source"]["column"] = "Source :col"
    schema.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    header, rest = extract.read_text(encoding="utf-8").split("\n", 1)
    extract.write_text(header.replace('"Source : col ""x"""', "Source :col") + "\n" + rest, encoding="utf-8")
    report = validate_sql(_sqlite(extract, tmp_path), TABLE, load_schema(schema), as_of=SAMPLE_AS_OF)
    assert _per_team(report) == _per_team(_engine(schema, extract))


def _essence(schema_path: Path) -> tuple[object, ...]:
    """Everything a schema means: its texts, fields, code lists and bound rules."""
    schema = load_schema(schema_path)
    rules = sorted((r.id, r.kind, r.severity, r.category, r.message, r.hint, r.field, r.tolerance)
                   for r in bind_rules(schema))
    fields = {name: (f.type, f.label, f.description, f.collected) for name, f in schema.fields.items()}
    codes = {name: dict(code_list.codes) for name, code_list in schema.codes.items()}
    return schema.name, schema.version, schema.description, fields, codes, rules, schema.mapping


def test_the_resolved_yaml_of_a_hostile_schema_reads_back_as_the_same_schema(
        invoke: Invoke, hostile: tuple[Path, Path, Path], tmp_path: Path) -> None:
    schema, _, _ = hostile
    result = invoke("schema", "show", "--schema", schema, "--resolved")
    assert result.exit_code == 0, result.output
    resolved = tmp_path / "resolved.yaml"
    resolved.write_text(result.stdout, encoding="utf-8")
    assert list(yaml.safe_load_all(result.stdout))[0].keys() == {
        "name", "version", "description", "record_id", "group_by", "calendar", "codes", "fields", "rules",
        "scorecard", "mapping"}
    assert _essence(resolved) == _essence(schema)


def test_init_writes_a_hostile_name_and_parent_as_their_own_text(invoke: Invoke, hostile: tuple[Path, Path, Path],
                                                                  tmp_path: Path) -> None:
    schema, _, sentinel = hostile
    parent = tmp_path / _printable(_payload(sentinel, "folder")).replace("/", "|").replace("\n", " ")[:120]
    parent.mkdir()
    (parent / "parent.yaml").write_bytes(schema.read_bytes())
    name = _payload(sentinel, "council")
    folder = tmp_path / "council"
    result = invoke("init", "--extends", parent / "parent.yaml", "--name", name, "--dir", folder)
    assert result.exit_code == 0, result.output
    written = yaml.safe_load((folder / "schema.yaml").read_text(encoding="utf-8"))
    assert written.keys() == {"name", "version", "extends", "description"}
    assert (folder / parent.name / "parent.yaml").resolve() != (parent / "parent.yaml")  # NOTE: relative to folder
    assert (folder / written["extends"]).resolve() == (parent / "parent.yaml").resolve()
    loaded = load_schema(folder / "schema.yaml")
    assert loaded.name == name.strip()
    assert invoke("schema", "check", folder / "schema.yaml").exit_code == 0
    readme = _markdown((folder / "README.md").read_text(encoding="utf-8"))
    assert [level for level, _ in readme.headings] == [1, 2, 2]
    assert readme.headings[0][1] == one_line(name).strip() + ": nightly referral checks"
    assert readme.html == [] and len(readme.tables) == 1 and readme.tables[0] == [2, 2, 2]
    assert not sentinel.exists()


@dataclasses.dataclass
class _Markdown:
    """What a Markdown document is made of, as a CommonMark parser (mistune) reads it."""

    headings: list[tuple[int, str]]
    tables: list[list[int]]  # NOTE: cells per row, header first
    html: list[str]
    code_spans: list[str]
    paragraphs: list[str]


def _text(token: dict[str, Any]) -> str:
    if token["type"] == "inline_html":
        return ""
    if "children" in token:
        return "".join(_text(child) for child in token["children"])
    return str(token.get("raw", ""))


def _markdown(text: str) -> _Markdown:
    import mistune

    parse = mistune.create_markdown(renderer=None, plugins=["table"])
    found = _Markdown([], [], [], [], [])

    def walk(tokens: list[dict[str, Any]]) -> None:
        for token in tokens:
            kind = token["type"]
            if kind == "heading":
                found.headings.append((token["attrs"]["level"], _text(token)))
            elif kind == "table":
                rows = [row for part in token["children"] for row in
                        ([part] if part["type"] == "table_head" else part["children"])]
                found.tables.append([len(row["children"]) for row in rows])
            elif kind in ("inline_html", "block_html"):
                found.html.append(token["raw"])
            elif kind == "codespan":
                found.code_spans.append(token["raw"])
            elif kind == "paragraph":
                found.paragraphs.append(_text(token))
            walk(token.get("children", []))

    tokens = parse(text)
    assert isinstance(tokens, list)
    walk(tokens)
    return found


def test_the_markdown_catalogue_of_a_hostile_schema_keeps_every_text_as_text(
        invoke: Invoke, hostile: tuple[Path, Path, Path]) -> None:
    schema, _, sentinel = hostile
    result = invoke("rules", "--schema", schema, "--format", "markdown")
    assert result.exit_code == 0, result.output
    loaded = load_schema(schema)
    rules = bind_rules(loaded)
    page = _markdown(result.stdout)
    assert page.headings == [(2, f"{one_line(loaded.name)} (version {one_line(loaded.version)})"),
                             *((3, rule.id) for rule in rules)]
    assert page.tables == [[5] * (len(rules) + 1)]
    anchors = [html for html in page.html if html != "</a>"]
    assert len(anchors) == len(set(anchors)) == len(page.html) - len(anchors) == len(rules)
    assert all(re.fullmatch(r'<a id="[a-z0-9-]+">', anchor) for anchor in anchors)
    assert sorted(page.code_spans) == sorted(2 * [rule.id for rule in rules])
    assert page.paragraphs[0] == one_line(loaded.description)
    assert {f"{one_line(rule.message)}. {rule.category.capitalize()}, {rule.severity.value}." for rule in rules} <= set(
        page.paragraphs)
    assert not sentinel.exists()



def test_braces_in_messages_and_labels_read_back_from_the_resolved_yaml(invoke: Invoke, tmp_path: Path) -> None:
    """A message is a template when read: its literal braces must be written escaped, or the copy fails to load."""
    document = {"name": "braces", "record_id": "record_id", "group_by": "team",
                "fields": {"record_id": {"label": "Record {id}", "required": {"message": "{label} and {{0}} %s"}},
                           "team": {}}}
    schema = tmp_path / "schema.yaml"
    schema.write_text(yaml.safe_dump(document), encoding="utf-8")
    resolved = tmp_path / "resolved.yaml"
    resolved.write_text(invoke("schema", "show", "--schema", schema, "--resolved").stdout, encoding="utf-8")
    assert _essence(resolved) == _essence(schema)


def test_the_gx_suite_of_a_hostile_schema_loads_in_gx_and_counts_what_the_engine_counts_on_pandas(
        invoke: Invoke, hostile: tuple[Path, Path, Path], tmp_path: Path) -> None:
    import great_expectations as gx

    schema, extract, sentinel = hostile
    out = tmp_path / "suite.json"
    exported = invoke("export", "gx", "--schema", schema, "--dialect", "sqlite", "--as-of", AS_OF, "--out", out)
    assert exported.exit_code == 0, exported.output
    suite = gx.ExpectationSuite(**json.loads(out.read_text(encoding="utf-8")))
    loaded = load_schema(schema)
    rules = bind_rules(loaded)
    assert {expectation.meta["refcheck"]["rule"] for expectation in suite.expectations} == {rule.id for rule in rules}
    assert re.fullmatch(r"[^\W_]+(-[^\W_]+)*", suite.name), "a file-backed context makes a path of the name"
    assert (suite.meta["refcheck"]["schema"], suite.meta["refcheck"]["version"]) == (loaded.name, loaded.version)
    raw = pl.read_csv(_fields_csv(extract, tmp_path), infer_schema=False)
    counts = counts_on_frame(raw.select(blank_to_null(pl.col(name)).alias(name) for name in raw.columns), loaded, rules)
    report = _engine(schema, extract)
    assert len(counts) >= 6
    for result in report.results:
        if result.rule.id in counts:
            gx_counts = counts[result.rule.id]
            assert (gx_counts.checked, gx_counts.failed) == (result.checked, result.failed), result.rule.id
    assert not sentinel.exists()


def test_a_hostile_output_file_name_never_reaches_the_pandera_module_as_code(invoke: Invoke, tmp_path: Path) -> None:
    """The module's docstring shows how to import it by its file's name: only a name Python can import is shown."""
    out = tmp_path / "x\"\"\"; open('SENTINEL', 'w').close(); \"\"\".py"
    assert invoke("export", "pandera", "--out", out).exit_code == 0
    load = ("import importlib.util, sys; spec = importlib.util.spec_from_file_location('m', sys.argv[1]); "
            "spec.loader.exec_module(importlib.util.module_from_spec(spec))")
    ran = subprocess.run([sys.executable, "-c", load, str(out)], capture_output=True, text=True, cwd=tmp_path,
                         timeout=300)
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert not (tmp_path / "SENTINEL").exists()


def test_the_init_readme_quotes_a_hostile_extract_path_as_one_shell_word(invoke: Invoke, tmp_path: Path) -> None:
    extract = tmp_path / "their export; touch SENTINEL #'$(x)`.csv"
    extract.write_text("referral_id,team\nR1,Bridgend\n", encoding="utf-8")
    folder = tmp_path / "council"
    assert invoke("init", "--from", extract, "--dir", folder).exit_code == 0
    readme = (folder / "README.md").read_text(encoding="utf-8")
    commands = [line for line in readme.splitlines() if line.startswith("refcheck check ")]
    assert [shlex.split(line)[2] for line in commands] == [str(extract)]
    blocks = re.findall(r"^```sh\n(.*?)^```$", readme, flags=re.MULTILINE | re.DOTALL)
    assert len(blocks) == 2


def test_the_text_catalogue_of_a_hostile_schema_keeps_each_entry_on_its_lines(
        invoke: Invoke, hostile: tuple[Path, Path, Path]) -> None:
    schema, _, _ = hostile
    result = invoke("rules", "--schema", schema)
    assert result.exit_code == 0, result.output
    rules = bind_rules(load_schema(schema))
    lines = result.stdout.split("\n")
    assert len(lines) == 2 + 10 * len(rules)  # NOTE: a header, a blank line, then nine lines and a blank per rule
    assert all(line.isprintable() for line in lines)
    labels = ["message:", "checks:", "why:", "fix:", "passes:", "fails:", "pandera:", "GX:"]
    for number, rule in enumerate(rules):
        entry = lines[2 + 10 * number: 12 + 10 * number]
        assert entry[0].startswith(f"{rule.id}  [")
        assert [line.split()[0] for line in entry[1:9]] == labels
        assert entry[1] == f"  message:  {one_line(rule.message)}"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=30))
def test_any_text_reads_back_from_sql_as_itself(text: str) -> None:
    """A literal reads back through text() once or twice (as GX reads its query assets), a name once.

    (A name cannot hold NUL in SQLite or PostgreSQL.)
    """
    import sqlalchemy as sa

    name = text.replace("\x00", "") or "x"
    engine = sa.create_engine("sqlite://")
    with engine.connect() as connection:
        result = connection.execute(sa.text(f"SELECT {literal(text)} AS {quoted(name)}"))
        assert (list(result.keys()), result.one()[0]) == ([name], text)
        compiled = str(sa.text(f"SELECT {literal(text)}").compile(compile_kwargs={"literal_binds": True}))
        assert connection.execute(sa.text(compiled)).one()[0] == text


def _postgresql_table(extract: Path, postgres_uri: str) -> str:
    """The extract as a PostgreSQL table named like an injection; the URL GX and refcheck read it by."""
    import psycopg
    from psycopg import sql

    with extract.open(newline="", encoding="utf-8") as source:
        header, *rows = list(csv.reader(source))
    table = sql.Identifier(TABLE)
    with psycopg.connect(postgres_uri) as db:
        db.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(table))
        db.execute(sql.SQL("CREATE TABLE {} ({})").format(
            table, sql.SQL(", ").join(sql.SQL("{} TEXT").format(sql.Identifier(name)) for name in header)))
        with db.cursor() as cursor:
            cursor.executemany(sql.SQL("INSERT INTO {} VALUES ({})").format(
                table, sql.SQL(", ").join(sql.Placeholder() for _ in header)), rows)
    return postgres_uri.replace("postgresql://", "postgresql+psycopg://", 1)


def _without_nul(schema: Path) -> None:
    if _holds_nul(yaml.safe_load(schema.read_text(encoding="utf-8"))):
        pytest.skip("PostgreSQL text cannot hold NUL: a code holding one is refused by the server")


def test_gx_on_postgresql_with_hostile_names_and_codes_counts_what_the_engine_counts(
        hostile: tuple[Path, Path, Path], postgres_uri: str, invoke: Invoke, tmp_path: Path) -> None:
    schema, extract, sentinel = hostile
    _without_nul(schema)
    # NOTE: without the '%' in a team name: gx_engine writes its team literal for SQLite (next test).
    extract.write_text(extract.read_text(encoding="utf-8").replace(" %s", ""), encoding="utf-8")
    url = _postgresql_table(extract, postgres_uri)
    report = _engine(schema, extract)
    assert _per_team(validate_sql(url, TABLE, load_schema(schema), as_of=SAMPLE_AS_OF)) == _per_team(report)
    gx_run = invoke("check", "--engine", "gx", "--source", url, "--table", TABLE, "--schema", schema,
                    "--as-of", AS_OF, "--json", tmp_path / "gx.json")
    polars_run = invoke("check", extract, "--schema", schema, "--as-of", AS_OF, "--json", tmp_path / "polars.json")
    assert gx_run.exit_code == polars_run.exit_code == 1, gx_run.output
    gx_json, polars_json = (json.loads((tmp_path / name).read_text()) for name in ("gx.json", "polars.json"))
    assert gx_json["rules"] == polars_json["rules"]
    assert not sentinel.exists()


def test_gx_on_postgresql_with_a_percent_in_a_team_name(hostile: tuple[Path, Path, Path], postgres_uri: str) -> None:
    schema, extract, _ = hostile
    _without_nul(schema)
    url = _postgresql_table(extract, postgres_uri)
    assert _per_team(validate_sql(url, TABLE, load_schema(schema), as_of=SAMPLE_AS_OF)) == _per_team(
        _engine(schema, extract))


def _holds_nul(value: object) -> bool:
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return isinstance(value, str) and "\x00" in value
