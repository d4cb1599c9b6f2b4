"""Kinds about what a present value may be: code_list, pattern, uk_postcode, nhs_number."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from refcheck.checks.context import Context
from refcheck.checks.internal import internal
from refcheck.checks.kinds.base import (
    GxExpectation,
    Matches,
    PanderaTerms,
    RuleKind,
    SqlTerms,
    Violation,
    applies,
    field_param,
    rule_kind,
    when,
)
from refcheck.checks.kinds.portable import alternatives, entire, whole
from refcheck.schemas import FieldType


class _WholeValue(RuleKind):
    """A kind decided by one whole-value regex on the trimmed text: pandera and GX run that regex."""

    field: str

    def regex(self) -> str:
        """A regex matching a passing value, padded, or a blank one."""
        raise NotImplementedError

    def pandera(self, terms: PanderaTerms) -> Matches:
        return Matches(self.regex())

    def gx(self, types: Mapping[str, FieldType]) -> tuple[GxExpectation, ...]:
        return (GxExpectation("ExpectColumnValuesToMatchRegex", self.field, {"regex": self.regex()}),)


@rule_kind("code_list")
@dataclass(frozen=True, slots=True, kw_only=True)
class CodeList(_WholeValue):
    """A present value must be one of the listed codes (trimmed, case-sensitive)."""

    category = "validity"
    field: str = field_param()
    codes: tuple[str, ...]

    def violation(self, ctx: Context) -> pl.Expr:
        value = ctx.col(self.field)
        return applies(value.is_not_null(), ~value.is_in(self.codes))

    def regex(self) -> str:
        return whole(alternatives(self.codes))

    def sql(self, terms: SqlTerms) -> tuple[str, str]:
        value = terms.name(self.field)
        return f"({value} IS NOT NULL)", f"({value} NOT IN ({', '.join(terms.lit(code) for code in self.codes)}))"


@rule_kind("pattern")
@dataclass(frozen=True, slots=True, kw_only=True)
class Pattern(_WholeValue):
    """A present value, trimmed, must match the regular expression as a whole."""

    category = "validity"
    field: str = field_param()
    pattern: str
    upper_case: bool = False

    def __post_init__(self) -> None:
        try:
            re.compile(self.pattern)
        except re.error as err:
            raise ValueError(f"not a valid regular expression ({err})") from None

    def violation(self, ctx: Context) -> pl.Expr:
        value = ctx.col(self.field)
        if self.upper_case:
            value = value.str.to_uppercase()
        return applies(value.is_not_null(), ~value.str.contains(f"^(?:{self.pattern})$"))

    def regex(self) -> str:
        return whole(self.pattern, ignore_case=self.upper_case)

    def sql(self, terms: SqlTerms) -> tuple[str, str]:
        value = terms.name(self.field)
        shown = f"upper({value})" if self.upper_case else value
        return f"({value} IS NOT NULL)", f"(NOT {terms.matches(shown, entire(self.pattern))})"


UK_POSTCODE = (
    r"GIR ?0AA|[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPS-UW]|[A-HK-Y][0-9][ABEHMNPRV-Y])"
    r" ?[0-9][ABD-HJLNP-UW-Z]{2}"
)


@rule_kind("uk_postcode")
@dataclass(frozen=True, slots=True, kw_only=True)
class UkPostcode(_WholeValue):
    """A present value, upper-cased and trimmed, must be a UK postcode (the space is optional)."""

    category = "validity"
    field: str = field_param()

    def violation(self, ctx: Context) -> pl.Expr:
        value = ctx.col(self.field)
        return applies(value.is_not_null(), ~value.str.to_uppercase().str.contains(f"^(?:{UK_POSTCODE})$"))

    def regex(self) -> str:
        return whole(UK_POSTCODE, ignore_case=True)

    def sql(self, terms: SqlTerms) -> tuple[str, str]:
        value = terms.name(self.field)
        return f"({value} IS NOT NULL)", f"(NOT {terms.matches(f'upper({value})', entire(UK_POSTCODE))})"


_NHS_WEIGHTED = tuple(
    pl.Series([sum(int(digit) * weight for digit, weight in zip(f"{block:03d}", weights, strict=True))
               for block in range(1000)], dtype=pl.Int64)
    for weights in ((10, 9, 8), (7, 6, 5), (4, 3, 2))
)
"""Per block of three digits (000-999) at each place in an NHS number's first nine: its weighted sum."""


@rule_kind("nhs_number")
@dataclass(frozen=True, slots=True, kw_only=True)
class NhsNumber(RuleKind):
    """A present value, spaces removed, must be 10 digits whose Modulus 11 check digit is right.

    The first nine digits are weighted 10 down to 2 and summed; ``11 - sum mod 11`` is the check
    digit, 11 becoming 0; a check of 10 means no valid number has those nine digits.
    """

    category = "validity"
    gx_sql_only = "the Modulus 11 check digit needs arithmetic on each digit"
    pandera_helpers = '''

def _nhs_valid(digits: pl.Expr) -> pl.Expr:
    """Ten digits whose Modulus 11 check digit is right."""
    well_formed = digits.str.contains(r"^[0-9]{10}$")
    number = pl.when(well_formed).then(digits).cast(pl.Int64)
    weighted = sum(((number // 10 ** (10 - i)) % 10) * (11 - i) for i in range(1, 10))
    check = 11 - weighted % 11
    check = pl.when(check == 11).then(0).otherwise(check)
    return well_formed & ((check != 10) & (number % 10 == check)).fill_null(False)
'''
    field: str = field_param()

    def violation(self, ctx: Context) -> pl.Expr:
        value = ctx.col(self.field)
        digits = value.str.replace_all(" ", "", literal=True)
        # NOTE: ten bytes that read as an unsigned number with no "+" are ten digits, without a regex.
        ten_digits = (digits.str.len_bytes() == 10) & ~digits.str.starts_with("+")
        number = ctx.computed(internal("nhs", self.field), pl.when(ten_digits).then(digits)
                              .cast(pl.UInt64, strict=False).cast(pl.Int64))
        # NOTE: integer arithmetic on the number, not ten string slices: each block of three of the
        # first nine digits looks its weighted sum up in a table of 1,000.
        nine = number // 10
        blocks = (nine // 1_000_000, nine // 1000 % 1000, nine % 1000)
        first, second, third = (pl.lit(table).gather(block) for table, block in zip(_NHS_WEIGHTED, blocks, strict=True))
        weighted = first + second + third
        check = ctx.computed(internal("nhs_check", self.field), (11 - weighted % 11) % 11)
        right = (check != 10) & (number % 10 == check)
        return applies(value.is_not_null(), ~right.fill_null(False))

    def pandera(self, terms: PanderaTerms) -> Violation:
        value = terms.value(self.field)
        digits = f"{value}.str.replace_all(' ', '', literal=True)"
        return Violation(when(f"{value}.is_not_null()", f"~_nhs_valid({digits})"))

    def sql(self, terms: SqlTerms) -> tuple[str, str]:
        digits = terms.shared(f"replace({terms.name(self.field)}, ' ', '')")
        well_formed = terms.matches(digits, "^[0-9]{10}$")
        weighted = " + ".join(f"CAST({terms.substring(digits, i, 1)} AS INTEGER) * {11 - i}" for i in range(1, 10))
        check_digit = terms.remainder(f"11 - {terms.remainder(weighted, '11')}", "11")
        check = terms.shared(f"(CASE WHEN {well_formed} THEN {check_digit} END)")
        right = f"({check} <> 10 AND CAST({terms.substring(digits, 10, 1)} AS INTEGER) = {check})"
        # NOTE: a CASE, not OR: only a well-formed value's digits may be cast (SQL Server casts whatever OR reaches).
        return terms.present(self.field), f"(CASE WHEN {well_formed} THEN {terms.flag(right)} ELSE 0 END = 0)"
