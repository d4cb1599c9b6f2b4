"""The exit codes a pipeline can act on: one enum, shown in ``--help`` and the README."""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """What a refcheck process's exit status means."""

    PASSED = 0
    FINDINGS = 1
    USAGE = 2
    BAD_SCHEMA = 3
    BAD_EXTRACT = 4

    @property
    def meaning(self) -> str:
        """One line for documentation."""
        return _MEANINGS[self]


_MEANINGS = {
    ExitCode.PASSED: "passed: no rule at or above --fail-on failed",
    ExitCode.FINDINGS: "findings: a rule at or above --fail-on failed (beyond its tolerance)",
    ExitCode.USAGE: "usage error: a bad option or argument, or an --out, --json or --history that cannot be used",
    ExitCode.BAD_SCHEMA: "invalid schema",
    ExitCode.BAD_EXTRACT: "the extract is missing, unreadable or unusable",
}


def exit_code_help() -> str:
    """The exit-code table as ``--help`` text."""
    # NOTE: click re-wraps help paragraphs; a paragraph that starts with \b is kept as written.
    lines = ["\b", "Exit codes:"] + [f"  {code.value}  {code.meaning}" for code in ExitCode]
    return "\n".join(lines)
