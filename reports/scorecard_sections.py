"""The scorecard's KPIs grouped by section: the unnamed section (the headline figures) first, then each named one.

A KPI names its section with ``section:`` (``Child protection``); every format groups by this one function,
so a section holds the same figures on the page, in the workbook and in ``summary.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from refcheck.schemas import Kpi


@dataclass(frozen=True, slots=True)
class KpiSection:
    """A section's name (None: the headline figures, which have none) and its KPIs, in the schema's order."""

    name: str | None
    kpis: tuple[Kpi, ...]


def kpi_section(kpi: Kpi) -> str | None:
    """The section a KPI names, or None."""
    return kpi.section


def kpi_sections(kpis: Sequence[Kpi]) -> list[KpiSection]:
    """The KPIs by section, the unnamed section first (even when empty), named ones in order of their first KPI."""
    groups: dict[str | None, list[Kpi]] = {None: []}
    for kpi in kpis:
        groups.setdefault(kpi_section(kpi), []).append(kpi)
    return [KpiSection(name, tuple(members)) for name, members in groups.items()]


def headline(kpis: Sequence[Kpi]) -> tuple[Kpi, ...]:
    """The KPIs of no named section: the headline figures."""
    return kpi_sections(kpis)[0].kpis


def named_sections(kpis: Sequence[Kpi]) -> list[KpiSection]:
    """The named sections, in order."""
    return kpi_sections(kpis)[1:]
