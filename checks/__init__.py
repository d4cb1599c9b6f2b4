"""The Polars engine: rule kinds, one-pass validation, and the Report it returns.

Example:
    >>> import datetime as dt
    >>> from refcheck.checks import validate
    >>> report = validate("sample_data/referrals.csv", as_of=dt.date(2026, 11, 20))  # doctest: +SKIP
    >>> report.source.rows_read  # doctest: +SKIP
    5000
"""

from refcheck.checks.engine import flag_frame
from refcheck.checks.errors import ExtractError
from refcheck.checks.kinds import KINDS, RuleKind, rule_kind
from refcheck.checks.readers.extract import SourceOptions
from refcheck.checks.record_run import validate
from refcheck.checks.report import NO_TEAM, RecordSource, Report, RuleResult, Source, TeamCount, pass_rate
from refcheck.checks.rules import Rule, bind_rules

__all__ = [
    "KINDS",
    "NO_TEAM",
    "ExtractError",
    "RecordSource",
    "Report",
    "Rule",
    "RuleKind",
    "RuleResult",
    "Source",
    "SourceOptions",
    "TeamCount",
    "bind_rules",
    "flag_frame",
    "pass_rate",
    "rule_kind",
    "validate",
]
