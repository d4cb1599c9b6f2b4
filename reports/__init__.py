"""Renderers: turn a Report into the terminal summary, JSON and the other output formats."""

from refcheck.reports.json_report import render_json, report_dict
from refcheck.reports.terminal import render_terminal
from refcheck.reports.version import refcheck_version

__all__ = ["refcheck_version", "render_json", "render_terminal", "report_dict"]
