"""The exit codes a pipeline can act on: one enum, shown in ``--help`` and the README."""

from __future__ import annotations

import enum
from collections.abc import Mapping


class ExitCode(enum.IntEnum):
    """What a refcheck process's exit status means."""

    PASSED = 0
    FINDINGS = 1
    USAGE = 2
    BAD_SCHEMA = 3
    BAD_EXTRACT = 4
    INTERNAL = 5

    @property
    def meaning(self) -> str:
        """One line for documentation."""
        return _MEANINGS[self]


_MEANINGS = {
    ExitCode.PASSED: "passed: no rule at or above --fail-on failed",
    ExitCode.FINDINGS: "findings: a rule at or above --fail-on failed (beyond its tolerance), or with --strict a "
                       "field could not be read",
    ExitCode.USAGE: "usage error: a bad option or argument, an output file or folder that cannot be written, or "
                     "a folder, workbook or database whose files, sheets or tables cannot be matched to record types",
    ExitCode.BAD_SCHEMA: "invalid schema",
    ExitCode.BAD_EXTRACT: "the extract is missing, unreadable or unusable, or no rows were checked",
    ExitCode.INTERNAL: "internal error: a bug in refcheck; please report it (--debug shows the traceback)",
}

INTERRUPTED = 130
"""Ctrl-C (SIGINT), as a shell reports a process it interrupted: 128 + 2."""
OUTPUT_CLOSED = 141
"""The reader of standard output went away (``| head``), as a shell reports SIGPIPE: 128 + 13."""


GATED = tuple(ExitCode)
"""The codes of a command with --fail-on."""
READS_EXTRACT = (ExitCode.PASSED, ExitCode.USAGE, ExitCode.BAD_SCHEMA, ExitCode.BAD_EXTRACT, ExitCode.INTERNAL)
READS_SCHEMA = (ExitCode.PASSED, ExitCode.USAGE, ExitCode.BAD_SCHEMA, ExitCode.INTERNAL)
READS_HISTORY = (ExitCode.PASSED, ExitCode.USAGE, ExitCode.BAD_EXTRACT, ExitCode.INTERNAL)
WRITES_ONLY = (ExitCode.PASSED, ExitCode.USAGE, ExitCode.INTERNAL)


def exit_code_help(codes: tuple[ExitCode, ...] = GATED, meanings: Mapping[ExitCode, str] | None = None) -> str:
    """The exit codes a command can give, as ``--help`` text; ``meanings`` words some as that command means them."""
    # NOTE: click re-wraps help paragraphs; a paragraph that starts with \b is kept as written.
    own = meanings or {}
    lines = ["\b", "Exit codes:"] + [
        f"  {code.value}  {own.get(code) or _meaning(code, codes)}" for code in codes
    ]
    return "\n".join(lines)


def _meaning(code: ExitCode, codes: tuple[ExitCode, ...]) -> str:
    """The code's general meaning; 0 is just "done" for a command that has no findings to gate on."""
    return code.meaning if ExitCode.FINDINGS in codes or code is not ExitCode.PASSED else "done"


def epilog(*examples: str, codes: tuple[ExitCode, ...] = GATED, meanings: Mapping[ExitCode, str] | None = None) -> str:
    """A command's ``--help`` epilog: its examples, then the exit codes it can give."""
    return "Example:\n\n" + "".join(f"  {example}\n\n" for example in examples) + exit_code_help(codes, meanings)
