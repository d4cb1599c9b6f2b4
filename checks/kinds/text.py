"""The text_quality kind: free text that says something."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from refcheck.checks.context import Context
from refcheck.checks.kinds.base import (
    GxExpectation,
    PanderaTerms,
    RuleKind,
    SqlTerms,
    Violation,
    applies,
    field_param,
    rule_kind,
    when,
)
from refcheck.checks.kinds.portable import alternatives, fewer_words, spaced_words
from refcheck.schemas import FieldType


@rule_kind("text_quality")
@dataclass(frozen=True, slots=True, kw_only=True)
class TextQuality(RuleKind):
    """Present free text must say something: at least ``min_words`` words and not a placeholder.

    Words are runs of non-whitespace. Placeholders are compared trimmed and lower-cased.
    """

    category = "quality"
    field: str = field_param()
    min_words: int
    placeholders: tuple[str, ...] = ()

    def violation(self, ctx: Context) -> pl.Expr:
        text = ctx.col(self.field)
        # NOTE: one anchored regex asks "at least N words?" without counting every word of long text.
        too_short = ~text.str.contains(rf"^\s*\S+(?:\s+\S+){{{self.min_words - 1}}}") if self.min_words > 0 \
            else pl.lit(False)
        # NOTE: a placeholder with fewer words than min_words is already too short, so only longer
        # ones need the text lower-cased (which costs as much as the rest of the rule).
        long_ones = [p.strip().lower() for p in self.placeholders if len(p.split()) >= self.min_words]
        if not long_ones:
            return applies(text.is_not_null(), too_short)
        return applies(text.is_not_null(), too_short | text.str.to_lowercase().is_in(long_ones))

    def _placeholders(self) -> list[str]:
        return sorted({p.strip().lower() for p in self.placeholders})

    def sql(self, terms: SqlTerms) -> tuple[str, str]:
        text = terms.name(self.field)
        fails = [f"(NOT {terms.matches(text, spaced_words(self.min_words))})"] if self.min_words > 0 else []
        placeholders = self._placeholders()
        if placeholders:
            fails.append(f"(lower({text}) IN ({', '.join(terms.lit(p) for p in placeholders)}))")
        return f"({text} IS NOT NULL)", f"({' OR '.join(fails) or '1 = 0'})"

    def pandera(self, terms: PanderaTerms) -> Violation:
        text = terms.value(self.field)
        return Violation(when(f"{text}.is_not_null()",
                              f"({text}.str.count_matches(r'\\S+') < {self.min_words}) | "
                              f"{text}.str.to_lowercase().is_in({self._placeholders()!r})"))

    def gx(self, types: Mapping[str, FieldType]) -> tuple[GxExpectation, ...]:
        patterns = [fewer_words(self.min_words)]
        placeholders = alternatives(self._placeholders())
        if placeholders:
            patterns.append(rf"(?i)^\s*(?:{placeholders})\s*$")
        return (GxExpectation("ExpectColumnValuesToNotMatchRegexList", self.field, {"regex_list": patterns}),)
