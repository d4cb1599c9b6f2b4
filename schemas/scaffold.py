"""``refcheck init``: a council's starting folder, a schema that extends the standard and a mapping.

The schema is valid as written and changes nothing; its commented examples are the changes
councils make most (a local code, a timescale, a required field, a local rule), each valid when
uncommented, so the first edit is deleting a ``#`` rather than reading a manual. The name and
parent a user gives are written by a YAML dumper and escaped in the README, never pasted.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

import yaml

from refcheck.schemas.escaping import markdown_text
from refcheck.schemas.loader import load_schema
from refcheck.schemas.mapping import NO_DRAFT, Draft, Proposal, proposal_yaml

SCHEMA_FILE, MAPPING_FILE, README_FILE = "schema.yaml", "mapping.yaml", "README.md"

_SCHEMA = """\
# Our referral schema: it extends the schema named below and says only where we differ.
# Check it after every edit:   refcheck schema check {schema_file}
# See everything it amounts to: refcheck schema show --schema {schema_file} --resolved
# Every rule, with examples:    refcheck rules --schema {schema_file}
{head}
# The examples below are the changes councils make most. Each is valid as it stands: delete the
# leading "# " of its lines (keep the indentation) and run `refcheck schema check` again.

# 1. A local code value: our system also records referrals from the MASH as source X1.
# codes:
#   referral_source:
#     X1: Multi-agency safeguarding hub

# 2. An extra required field: the standard leaves the decision outcome optional; we require it.
# fields:
#   decision_outcome: {{required: warning}}

# 3. A changed timescale, and 4. a local rule. (One `rules:` line for both.)
# rules:
#   - id: assessment_completed.timely     # 3. our assessments are due in 35 working days, not 42
#     params: {{days: 35}}
#   - id: local.strategy_within_1_day     # 4. strategy discussion within 1 working day of an S47 decision
#     kind: within_working_days
#     params: {{start: decision_date, end: strategy_discussion, days: 1, code_field: decision_outcome,
#               codes: [S47]}}
#     severity: warning
#     category: timeliness
#     message: Strategy discussion held more than {{days}} working day after the S47 decision
#     hint: Hold the strategy discussion within a working day of the decision; record any reason for delay
#   - id: local.strategy_after_s47        # 4. and a strategy discussion must be recorded after an S47 decision
#     kind: required_when
#     params: {{field: strategy_discussion, code_field: decision_outcome, codes: [S47]}}
#     severity: warning
#     category: completeness
#     message: No strategy discussion is recorded after an S47 decision
#     hint: Record the date of the strategy discussion that began the section 47 enquiries
"""

_README = """\
# {name}: nightly referral checks

This folder was made by `refcheck init`. It holds:

| file | what it is |
|---|---|
| `{schema_file}` | our schema: the {extends} standard and our changes (commented examples inside) |
| `{mapping_file}` | how our system's extract maps onto the standard's fields{mapping_note} |

## Check the set-up

```sh
refcheck schema check {schema_file}
refcheck check {extract} --schema {schema_file}{mapping_option}
```

## The nightly job

```sh
refcheck scorecard {extract} --schema {schema_file}{mapping_option} \\
  --out scorecards/$(date +%F) --history history.sqlite
```

It writes `index.html` (the scorecard), `scorecard.xlsx`, one worklist CSV per team and
`report.json`, and keeps each night's figures in `history.sqlite` for the trend. It exits 0 even
when rules fail (add `--fail-on error` to make that exit 1); 2 is a usage error, 3 an invalid
schema or mapping, 4 an unreadable extract.

More: `refcheck --help`, `refcheck COMMAND --help`, and refcheck's README and docs (concepts,
writing schemas, mappings, the nightly job, CI gating, formats, exit codes).
"""


@dataclass(frozen=True, slots=True)
class Scaffold:
    """The files of a council's folder, by name."""

    files: dict[str, str]
    matched: int = 0
    unmatched: tuple[str, ...] = ()


def _head(name: str, extends: str, description: str) -> str:
    """The schema's own keys, written by a YAML dumper: whatever a name holds, it stays that key's text."""
    head = {"name": name, "version": 1, "extends": extends, "description": description}
    return yaml.safe_dump(head, sort_keys=False, allow_unicode=True, width=1_000_000)


def _shell_word(text: str) -> str:
    """A path as one shell word on one line, or a placeholder when it is not printable."""
    return shlex.quote(text) if text.isprintable() else "EXTRACT"


def slug(text: str) -> str:
    """A schema name from a folder name: lower-case words joined by hyphens."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(words) or "council"


def scaffold(name: str, extends: str, *, proposal: Proposal | None = None, draft: Draft = NO_DRAFT,
             extract: str | None = None, extends_as: str | None = None) -> Scaffold:
    """The schema, README and (given a proposed mapping of an extract) mapping of a new council folder.

    ``draft`` is what the extract's values add to the proposal (translations, date formats, null
    tokens). ``extends_as`` is how the new schema names its parent when that differs from how it is
    loaded here (a file path, relative to the new schema's folder).
    """
    parent = load_schema(extends)
    extends = extends_as or extends
    files = {
        SCHEMA_FILE: _SCHEMA.format(head=_head(name, extends, f"{parent.name} as {name} records it."),
                                    schema_file=SCHEMA_FILE),
    }
    matched = 0
    unmatched: tuple[str, ...] = ()
    if proposal is not None:
        files[MAPPING_FILE] = proposal_yaml(proposal, extract or "the extract", draft)
        matched, unmatched = len(proposal.matches), tuple(proposal.unmapped_fields)
    files[README_FILE] = _README.format(
        name=markdown_text(name), extends=markdown_text(extends), schema_file=SCHEMA_FILE, mapping_file=MAPPING_FILE,
        mapping_note=" (proposed by `refcheck map`: check it)" if proposal is not None else
        " (none yet: `refcheck map EXTRACT --out mapping.yaml` drafts one)",
        mapping_option=f" --mapping {MAPPING_FILE}" if proposal is not None else "",
        extract=_shell_word(extract) if extract else "EXTRACT.csv",
    )
    return Scaffold(files=files, matched=matched, unmatched=unmatched)
