"""Hostile and odd input through every command, as an information-governance team would try it.

Each test runs the real ``refcheck`` process (so the top-level guard and exit codes are what a
shell sees) and asserts the promises of docs/security.md together: documented exit codes only, no
traceback, no personal value or password in any output or message, well-formed outputs, and rows
read = rows checked + rows unreadable = what Python's csv module counts.
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from refcheck.checks.synthetic.sample import FIELDS, generate
from tests.conftest import SAMPLE_AS_OF

AS_OF = SAMPLE_AS_OF.isoformat()
DOCUMENTED = {0, 1, 2, 3, 4}
"""Exit codes a hostile input may give; 5 (internal error) would be a bug, 1 only from findings."""

# Personal values in several scripts: none may come out of any output unless asked for.
SENTINELS = ["SENTINELx", "ΣΕΝΤΙΝΕΛ", "Сентинел", "سنتينل", "センチネル", "Ṣéñtïñél"]
PERSONAL = ["child_id", "nhs_number", "date_of_birth", "expected_date_of_birth", "postcode", "referral_reason"]
PASSWORD = "S3ntinelPw"
# Team names are shown by design; these must come out escaped, never raw.
HOSTILE_TEAMS = [
    "\x1b]0;pwned\x07Alpha", "::error::pwned", "Beta\r\nGamma", "(no team)", "Te\u0301am", "Té am",
    "Tēam 🚸🚸🚸🚸🚸🚸🚸🚸🚸🚸🚸🚸🚸🚸🚸🚸🚸🚸", "\u202eDelta", "=HYPERLINK(\"x\")", "<script>x</script>",
]
CONTROL = {chr(code) for code in range(32) if chr(code) not in "\t\n\r"} | {"\x7f", "\x9b"}


def refcheck(*args: str | Path, stdin: bytes | None = None, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """Run the installed refcheck as a separate process, as a shell or a CI job would."""
    done = subprocess.run([sys.executable, "-m", "refcheck.cli", *map(str, args)], input=stdin,
                          capture_output=True, timeout=timeout, env={**os.environ, "NO_COLOR": "1"})
    result = subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode("utf-8", "replace"),
                                         done.stderr.decode("utf-8", "replace"))
    assert "Traceback" not in result.stderr + result.stdout, result.stderr[-2000:]
    assert result.returncode in DOCUMENTED, (result.returncode, result.stderr)
    assert result.returncode == 1 or "internal error" not in result.stderr
    return result


def _field(value: str) -> str:
    """A value written as a careful exporter would: quoted only when it must be."""
    if any(char in value for char in ',"\r\n') or value != value.strip():
        return '"' + value.replace('"', '""') + '"'
    return value


def hostile_extract(folder: Path, rows: int = 240) -> Path:
    """A referral extract with personal sentinels, hostile teams, and rows a careless exporter broke."""
    frame = generate(rows, seed=11, as_of=SAMPLE_AS_OF)
    records = [[value or "" for value in row] for row in frame.iter_rows()]
    team = FIELDS.index("team")
    lines = [",".join(FIELDS)]
    for number, record in enumerate(records):
        for offset, name in enumerate(PERSONAL):
            if (number + offset) % 3 == 0:
                record[FIELDS.index(name)] = SENTINELS[(number + offset) % len(SENTINELS)] + str(number)
        record[team] = HOSTILE_TEAMS[number % len(HOSTILE_TEAMS)] if number % 4 == 0 else record[team]
        if number % 5 == 0:
            record[team] = ""
        line = ",".join(_field(value) for value in record)
        reason = FIELDS.index("referral_reason")
        if number % 17 == 3:  # a quote inside an unquoted value, and a comma after it
            record[reason] = f'Called by "aunt, {SENTINELS[0]}free" today'
            line = ",".join(value if index == reason else _field(value) for index, value in enumerate(record))
        elif number % 17 == 5:  # a quoted value after a space
            line = ",".join(f' "{SENTINELS[1]}, free"' if index == reason else _field(value)
                            for index, value in enumerate(record))
        elif number % 17 == 7:  # a stray quote that opens and never closes on this line
            line = ",".join(f'{SENTINELS[2]} "free' if index == reason else _field(value)
                            for index, value in enumerate(record))
        lines.append(line)
    ends = ["\r\n", "\n"]
    path = folder / "extract.csv"
    path.write_bytes("".join(line + ends[index % 2] for index, line in enumerate(lines)).encode("utf-8"))
    return path


def csv_module_rows(path: Path) -> list[list[str]]:
    """The data records Python's csv module reads, blank lines left out, as refcheck leaves them out."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    return [row for row in rows[1:] if any(value.strip() for value in row)]


def outputs(folder: Path) -> Iterator[tuple[Path, str]]:
    """Every file under ``folder`` as text; a workbook as the text of each of its XML parts."""
    for path in sorted(folder.rglob("*")):
        if path.is_dir():
            continue
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                for name in book.namelist():
                    text = book.read(name).decode("utf-8")
                    ET.fromstring(text)  # every part well-formed
                    yield path / name, text
        elif path.suffix in {".sqlite", ".key"}:
            continue
        else:
            yield path, path.read_text(encoding="utf-8")


def assert_nothing_personal(*texts: str) -> None:
    for text in texts:
        for sentinel in [*SENTINELS, PASSWORD]:
            assert sentinel not in text, f"{sentinel!r} leaked"


def assert_terminal_safe(text: str) -> None:
    assert not CONTROL & set(text), sorted(CONTROL & set(text))
    assert not any(line.lstrip().startswith("::") for line in text.splitlines())


@pytest.fixture(scope="module")
def extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hostile_extract(tmp_path_factory.mktemp("hostile"))


def test_check_accounts_for_every_row_as_the_csv_module_does_and_shows_nothing(extract: Path,
                                                                                tmp_path: Path) -> None:
    report, junit, unreadable = tmp_path / "r.json", tmp_path / "j.xml", tmp_path / "u.csv"
    done = refcheck("check", extract, "--as-of", AS_OF, "--json", report, "--junit", junit, "--unreadable", unreadable)
    assert done.returncode == 1
    source = json.loads(report.read_text())["source"]
    expected = csv_module_rows(extract)
    assert source["rows_read"] == len(expected) == source["rows_checked"] + source["rows_unreadable"]
    well_formed = [row for row in expected if len(row) == len(FIELDS)]
    assert source["rows_checked"] == len(well_formed)
    # Never shifted: every team the report names is a team the csv module reads in that column.
    teams = {unicodedata.normalize("NFC", row[FIELDS.index("team")]) for row in well_formed}
    named = {team["team"] for team in json.loads(report.read_text())["teams"]}
    assert named - {"(no team)"} <= teams
    ET.parse(junit)
    assert_nothing_personal(done.stdout, done.stderr, report.read_text(), junit.read_text(), unreadable.read_text())
    assert_terminal_safe(done.stdout + done.stderr)


def test_scorecard_writes_well_formed_outputs_with_nothing_personal(extract: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = refcheck("scorecard", extract, "--as-of", AS_OF, "--out", out, "--history", tmp_path / "h.sqlite")
    assert done.returncode == 0, done.stderr
    texts = dict(outputs(out))
    assert any(path.name == "index.html" for path in texts)
    assert_nothing_personal(done.stdout, done.stderr, *texts.values())
    assert "<script>x" not in texts[out / "index.html"]
    for path, text in texts.items():
        if path.suffix in {".csv", ".md"}:
            assert not CONTROL & set(text), path
            assert not any(cell.startswith(("=", "+", "-", "@")) for row in csv.reader(io.StringIO(text))
                           for cell in row) if path.suffix == ".csv" else True


def test_profile_map_and_init_show_no_personal_value_in_any_script(extract: Path, tmp_path: Path) -> None:
    profile_json, profile_html = tmp_path / "p.json", tmp_path / "p.html"
    profiled = refcheck("profile", extract, "--json", profile_json, "--html", profile_html)
    mapped = refcheck("map", extract)
    council = tmp_path / "council"
    initialised = refcheck("init", "--from", extract, "--dir", council)
    assert {profiled.returncode, mapped.returncode, initialised.returncode} == {0}
    assert_nothing_personal(profiled.stdout, profiled.stderr, profile_json.read_text(), profile_html.read_text(),
                            mapped.stdout, mapped.stderr, initialised.stderr,
                            *(text for _, text in outputs(council)))
    assert_terminal_safe(profiled.stdout + mapped.stdout)


HOSTILE_STRING = 'x"""\'; import os; os.system("touch {sentinel}") #\n# {{}} %s \\ Ωμέγα'


def test_a_hostile_schema_never_runs_as_code(tmp_path: Path) -> None:
    sentinel = tmp_path / "pwned"
    text = HOSTILE_STRING.format(sentinel=sentinel)
    schema = tmp_path / "council.yaml"
    schema.write_text(
        f"name: {json.dumps(text)}\nversion: {json.dumps(text)}\ndescription: {json.dumps(text)}\n"
        "extends: wales-referral\n", encoding="utf-8")
    checked = refcheck("schema", "check", schema)
    if checked.returncode == 3:  # the loader may refuse such a name: in one line, never run it
        assert len(checked.stderr.strip().splitlines()) == 1
        return
    module = tmp_path / "council_schema.py"
    suite = tmp_path / "suite.json"
    refcheck("export", "pandera", "--schema", schema, "--out", module)
    refcheck("export", "gx", "--schema", schema, "--out", suite)
    refcheck("rules", "--schema", schema, "--format", "markdown")
    refcheck("schema", "show", "--schema", schema, "--resolved")
    imported = subprocess.run([sys.executable, "-c", f"import runpy; runpy.run_path({str(module)!r})"],
                              capture_output=True, text=True, timeout=300)
    assert imported.returncode == 0, imported.stderr[-2000:]
    json.loads(suite.read_text())
    assert not sentinel.exists()


@pytest.mark.parametrize("uri", [
    f"postgresql://reader:{PASSWORD}@127.0.0.1:1/cs",
    f"postgresql://:{PASSWORD}@127.0.0.1:1/cs",
    f"postgresql://reader@127.0.0.1:1/cs?password={PASSWORD}",
    f"postgresql://reader:{PASSWORD}%40x@127.0.0.1:1/cs",
    f"sqlite:////nonexistent/{PASSWORD}-dir/x.db?password={PASSWORD}",
])
def test_a_password_in_a_uri_appears_nowhere(uri: str, tmp_path: Path) -> None:
    for args in (["check", uri, "--table", "referrals", "--json", tmp_path / "r.json"],
                 ["profile", uri, "--table", "referrals"],
                 ["check", "--engine", "gx", "--source", uri, "--table", "referrals"]):
        done = refcheck(*args, timeout=120)
        assert done.returncode in {2, 4}
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert PASSWORD not in done.stdout + done.stderr


def test_devices_and_pipes_are_never_replaced_and_never_hang(extract: Path, tmp_path: Path) -> None:
    if os.access("/dev/null", os.W_OK):
        refcheck("check", extract, "--as-of", AS_OF, "--json", "/dev/null", "--junit", "/dev/null")
        assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    assert refcheck("check", extract, "--schema", pipe, timeout=60).returncode == 3
    assert refcheck("check", extract, "--mapping", pipe, timeout=60).returncode in {2, 3}
    assert refcheck("check", extract, "--schema", "/dev/zero", timeout=60).returncode == 3
    assert refcheck("check", pipe, timeout=60).returncode in {2, 4}
    assert refcheck("check", "/dev/zero", timeout=60).returncode in {2, 4}


def test_a_data_file_given_as_a_schema_or_mapping_is_never_echoed(extract: Path) -> None:
    for args in (["check", extract, "--schema", extract], ["check", extract, "--mapping", extract],
                 ["schema", "check", extract]):
        done = refcheck(*args)
        assert done.returncode in {2, 3}
        assert len(done.stderr.strip().splitlines()) == 1 and len(done.stderr) < 400, done.stderr
        assert_nothing_personal(done.stderr)


def test_a_run_that_checked_nothing_does_not_pass(tmp_path: Path) -> None:
    header_only = tmp_path / "empty.csv"
    header_only.write_text(",".join(FIELDS) + "\n")
    broken = tmp_path / "broken.csv"
    broken.write_text(",".join(FIELDS) + "\n" + "a,b\n" * 3)
    for path in (header_only, broken):
        assert refcheck("check", path, "--as-of", AS_OF).returncode == 4
    assert refcheck("check", header_only, "--as-of", AS_OF, "--min-rows", "0").returncode == 0


def test_a_hostile_parquet_and_a_hostile_workbook_are_read_or_refused_in_one_line(tmp_path: Path) -> None:
    frame = generate(30, seed=2, as_of=SAMPLE_AS_OF)
    clashing = frame.with_columns(pl.lit("x").alias("\x00index"), pl.lit("y").alias("\x00line"))
    clashing.write_parquet(tmp_path / "clash.parquet")
    done = refcheck("check", tmp_path / "clash.parquet", "--as-of", AS_OF, "--json", tmp_path / "r.json")
    assert done.returncode in {0, 1}
    assert json.loads((tmp_path / "r.json").read_text())["source"]["rows_checked"] == 30
    out = tmp_path / "out"
    refcheck("scorecard", tmp_path / "clash.parquet", "--as-of", AS_OF, "--out", out, "--no-history")
    again = refcheck("check", out / "scorecard.xlsx", "--as-of", AS_OF)
    assert again.returncode in {2, 4} and len(again.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("uri", [f"postgresql://reader:{PASSWORD}@127.0.0.1:1/cs",
                                 f" postgresql://reader:{PASSWORD}@127.0.0.1:1/cs",
                                 f"sqlite:///f.db?password={PASSWORD}"])
def test_a_uri_given_as_an_output_or_schema_path_is_refused_and_never_written_to(uri: str, extract: Path,
                                                                                   tmp_path: Path) -> None:
    for args in (["check", extract, "--json", uri], ["profile", extract, "--json", uri],
                 ["check", extract, "--schema", uri],
                 ["scorecard", extract, "--out", tmp_path / "o", "--history", uri]):
        done = subprocess.run([sys.executable, "-m", "refcheck.cli", *map(str, args)], capture_output=True,
                              text=True, timeout=120, cwd=tmp_path)
        assert done.returncode in {2, 3}, (args, done.stderr)
        assert PASSWORD not in done.stdout + done.stderr
    assert not [path for path in tmp_path.rglob("*") if PASSWORD in str(path)]


def test_an_extract_that_lost_its_header_shows_none_of_its_first_record(tmp_path: Path) -> None:
    headerless = tmp_path / "headerless.csv"
    headerless.write_text(f"Z0000001,Jane {SENTINELS[1]},2015-04-17,CF10 1AA,{SENTINELS[0]} told the teacher,Newport\n"
                          "Z0000002,John Smith,2016-05-18,CF10 2BB,Neighbour worried,Powys\n")
    for args in (["profile", headerless], ["map", headerless], ["check", headerless],
                 ["init", "--from", headerless, "--dir", tmp_path / "council"]):
        done = refcheck(*args)
        assert done.returncode == 4 and len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert_nothing_personal(done.stdout, done.stderr)
