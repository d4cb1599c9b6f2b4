"""Everything a scorecard renderer needs: the report, the teams shown, history changes and trend."""

from __future__ import annotations

from dataclasses import dataclass, field

from refcheck.checks import Report
from refcheck.checks.report import ReadabilityWarning
from refcheck.checks.wording import counted
from refcheck.reports.history import Change, TrendPoint
from refcheck.reports.scorecard import Figure, kpi_fields, kpi_figure
from refcheck.schemas import Kpi
from refcheck.schemas.model import UNTARGETED


@dataclass(frozen=True, slots=True)
class ScorecardInputs:
    """One scorecard's material; ``trend`` ends with this run when history is kept."""

    report: Report
    teams: tuple[str, ...]
    changes: tuple[Change, ...] = ()
    trend: tuple[TrendPoint, ...] = ()
    compared: bool = False
    """Whether an earlier run existed to compare with (so zero changes mean nothing changed)."""
    include_columns: tuple[str, ...] = field(default=())
    warnings: tuple[ReadabilityWarning, ...] = ()
    """Fields (or rows) that could not be read well enough to trust: a banner, and on the figures they feed."""

    def checked_text(self) -> str:
        """Records checked, and when some rows could not be read, of how many and how many not.

        A figure must never look healthier than the data it stands on: rows that could not be read are
        in no figure, so the header says so.
        """
        source = self.report.source
        checked = counted(source.rows_checked, "record")
        if not source.rows_unreadable:
            return f"{checked} checked"
        return f"{checked} checked of {source.rows_read:,} read · {source.rows_unreadable:,} could not be read"

    def figure(self, kpi: Kpi, team: str | None = None) -> Figure:
        """A KPI's figure for a team or overall."""
        return kpi_figure(self.report, kpi, team)

    def partial(self, kpi: Kpi) -> bool:
        """Whether a KPI rests on partial data: a field with a readability warning, or too many unread rows."""
        fields = {warning.field for warning in self.warnings}
        return None in fields or bool(kpi_fields(self.report, kpi) & fields)

    def history(self, kpi: Kpi, team: str | None = None) -> list[float | None]:
        """The KPI's values over the stored runs, oldest first."""
        key = (kpi.id, team or "")
        return [point.values.get(key) for point in self.trend]

    def delta(self, kpi: Kpi, team: str | None = None) -> float | None:
        """The change since the previous run, when both values exist."""
        values = self.history(kpi, team)
        if len(values) < 2 or values[-1] is None or values[-2] is None:
            return None
        return values[-1] - values[-2]

    def changes_for(self, team: str | None) -> list[Change]:
        """New and fixed failures for a team (all teams when None)."""
        return [change for change in self.changes if team is None or change.team == team]


def delta_text(kpi: Kpi, delta: float | None) -> str:
    """``+0.3 pts`` for rates, ``+4`` for counts; empty when there is nothing to compare."""
    if delta is None:
        return ""
    if kpi.counts:
        return f"{delta:+,.0f}"
    return f"{delta * 100:+.1f} pts"


def better(kpi: Kpi, delta: float | None) -> bool | None:
    """Whether a change is an improvement (None when unchanged or unknown)."""
    if delta is None or kpi.measure in ("rows", *UNTARGETED) or not delta_text(kpi, delta).strip("+-0.pts "):
        return None  # unchanged at the precision shown
    return delta < 0 if kpi.lower_is_better else delta > 0
