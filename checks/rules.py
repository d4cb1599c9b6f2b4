"""Bind a schema's rule specifications to rule kinds, checking every parameter.

The schema names a kind and gives parameters as YAML; here they become a frozen kind instance.
An unknown kind, an unknown or missing parameter, a value of the wrong type, or a parameter
that names a field the schema does not have, is a ``SchemaError`` at the parameter's line; all
of a schema's are raised together, and with the loader's when it found mistakes too.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from refcheck.checks.context import Context
from refcheck.checks.kinds import KINDS, RuleKind
from refcheck.checks.runnable import runnable_problems
from refcheck.schemas import PRIMARY, Condition, Node, RuleSpec, Schema, SchemaError, Severity, Where
from refcheck.schemas.errors import all_of
from refcheck.schemas.loader import check_rules_with
from refcheck.schemas.problems import did_you_mean
from refcheck.schemas.quoting import quoted


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule ready to run: its kind instance and how it is reported."""

    id: str
    kind: RuleKind
    severity: Severity
    category: str
    message: str
    hint: str
    field: str | None
    tolerance: float | int | None
    where: Where
    record_type: str = PRIMARY
    """The record type whose rows the rule checks."""
    when: Condition | None = None
    """The schema's ``when:``: where the rule applies at all."""

    @property
    def fields_read(self) -> tuple[str, ...]:
        """The fields of its own record type the rule reads: its kind's, and its ``when:`` field."""
        return (*self.kind.fields(), *((self.when.field,) if self.when is not None else ()))

    @property
    def kind_name(self) -> str:
        """The registered name of the rule's kind."""
        return self.kind.name

    def condition(self, ctx: Context) -> pl.Expr | None:
        """True where the rule's ``when:`` lets it apply (None: everywhere); elsewhere its flag is null."""
        if self.when is None:
            return None
        value = ctx.col(self.when.field)
        if self.when.test == "present":
            return value.is_not_null()
        if self.when.test == "blank":
            return value.is_null()
        return value.is_in(list(self.when.codes)).fill_null(False)


def bind_rules(schema: Schema) -> tuple[Rule, ...]:
    """The schema's rules (a primary's: its own), bound to their kinds and run once on one row.

    On a primary with other record types, a mistake in any record type's rules is raised too, all
    together, so that ``schema check`` reports them in one run. On one of its record types alone,
    the other record types its kinds read are not checked: ``bind_record_types`` of the primary does.
    """
    if schema.others:
        return bind_record_types(schema)[schema.record_type]
    rules, problems = _bind_all(schema, None)
    if problems:
        raise all_of(problems)
    return rules


def bind_record_types(schema: Schema) -> dict[str, tuple[Rule, ...]]:
    """Every record type's rules (the primary's first), bound and run once on one row; every mistake raised together."""
    bound: dict[str, tuple[Rule, ...]] = {}
    problems: list[SchemaError] = []
    for record in schema.record_types:
        bound[record.record_type], found = _bind_all(record, schema)
        problems.extend(found)
    if problems:
        raise all_of(problems)
    return bound


def rule_problems(schema: Schema) -> list[SchemaError]:
    """Every mistake in every record type's rules (kinds, parameters, what Polars refuses), none raised."""
    return [problem for record in schema.record_types for problem in _bind_all(record, schema)[1]]


check_rules_with(rule_problems)


def _bind_all(record: Schema, root: Schema | None) -> tuple[tuple[Rule, ...], list[SchemaError]]:
    rules: list[Rule] = []
    problems: list[SchemaError] = []
    for spec in record.rules:
        try:
            rules.append(bind_rule(spec, record, root))
        except SchemaError as err:
            problems.append(err)
    problems.extend(runnable_problems([(rule.id, rule.kind, rule.where) for rule in rules], record))
    return tuple(rules), problems


def bind_rule(spec: RuleSpec, schema: Schema, root: Schema | None = None) -> Rule:
    """One rule of ``schema``'s record type, bound to its kind; errors (all of the rule's, together) at their lines.

    ``root`` (the primary, holding every record type) is where the record types a kind reads are found;
    without it, those of a record type other than the primary are not checked.
    """
    kind_class = KINDS.get(spec.kind)
    if kind_class is None:
        where = spec.kind_where or spec.where
        raise where.error(f"unknown kind {quoted(spec.kind)}{did_you_mean(spec.kind, KINDS)}; "
                          f"known kinds: {', '.join(sorted(KINDS))}")
    kind = _instantiate(spec, kind_class, schema)
    wrong = _not_temporal(spec, kind, schema)
    root = root or (schema if schema.record_type == PRIMARY else None)
    if root is not None:
        wrong.extend(_related_problems(spec, kind, root))
    if wrong:
        raise all_of(wrong)
    return Rule(
        id=spec.id,
        kind=kind,
        severity=spec.severity,
        category=spec.category or kind_class.category,
        message=spec.message,
        hint=spec.hint,
        field=spec.field,
        tolerance=spec.tolerance,
        where=spec.where,
        record_type=schema.record_type,
        when=spec.when,
    )


def _not_temporal(spec: RuleSpec, kind: RuleKind, schema: Schema) -> list[SchemaError]:
    """An error at each parameter naming a field of the schema that the kind needs to be a date, and is not."""
    return [
        _param_where(spec, name, kind).unknown(f"field {quoted(name)} must be a date or datetime for kind "
                                             f"{quoted(spec.kind)}")
        for name in kind.temporal_fields()
        if name in schema.fields and not schema.fields[name].type.is_temporal
    ]


def _related_problems(spec: RuleSpec, kind: RuleKind, root: Schema) -> list[SchemaError]:
    """The other record types and fields a kind reads must be the schema's (dates where it needs dates)."""
    problems: list[SchemaError] = []
    types = {record.record_type: record for record in root.record_types}
    temporal = kind.related_temporal()
    for name, fields in kind.related().items():
        if name not in types:
            problems.append(_named_where(spec, name).unknown(
                f"unknown record type {quoted(name)}{did_you_mean(name, types)}"))
            continue
        known = types[name].fields
        for field_name in fields:
            if field_name not in known:
                problems.append(_named_where(spec, field_name).unknown(
                    f"record type {quoted(name)} has no field {quoted(field_name)}{did_you_mean(field_name, known)}"))
            elif field_name in temporal.get(name, ()) and not known[field_name].type.is_temporal:
                problems.append(_named_where(spec, field_name).unknown(
                    f"field {quoted(field_name)} of record type {quoted(name)} must be a date or datetime for kind "
                    f"{quoted(spec.kind)}"))
    return problems


def _named_where(spec: RuleSpec, name: str) -> Where:
    """The place of the parameter (or the part of one) that names ``name``; else the rule's."""
    for node in spec.params.values():
        for part in node.walk():
            if not (part.is_mapping or part.is_list) and str(part.value) == name:
                return part.where
    return spec.where


def _param_where(spec: RuleSpec, field_name: str, kind: RuleKind) -> Where:
    for key, node in spec.params.items():
        if getattr(kind, key, None) == field_name:
            return node.where
    return spec.where


def _instantiate(spec: RuleSpec, kind_class: type[RuleKind], schema: Schema) -> RuleKind:
    """The kind with its parameters; every wrong parameter is reported, together.

    With wrong ones, the kind is made of the rest if it can be, so that a field it needs to be a date
    and is not is reported in the same run.
    """
    params, where = spec.params, spec.kind_where or spec.where
    hints = typing.get_type_hints(kind_class)
    specs = {spec.name: spec for spec in dataclasses.fields(kind_class)}  # type: ignore[arg-type]
    values: dict[str, object] = {}
    problems: list[SchemaError] = []
    for key, node in params.items():
        if key not in specs:
            expected = ", ".join(specs)
            problems.append(node.where.error(f"unknown parameter for kind {kind_class.name!r}"
                                             f"{did_you_mean(key, specs)}; expected one of {expected}"))
            continue
        try:
            value = _coerce(node, hints[key], key, schema)
        except SchemaError as err:
            problems.append(err)
            values[key] = None  # NOTE: given, though wrong: not also "missing"
            continue
        if specs[key].metadata.get("field"):
            for name in value if isinstance(value, tuple) else (value,):
                if name is not None and name not in schema.fields:
                    problems.append(node.where.unknown(f"unknown field {quoted(name)}"
                                                     f"{did_you_mean(str(name), schema.fields)}"))
        values[key] = value
    missing = [
        name
        for name, spec in specs.items()
        if name not in values
        and spec.default is dataclasses.MISSING
        and spec.default_factory is dataclasses.MISSING
    ]
    for group in kind_class.exactly_one_of:
        given = [name for name in group if name in params and params[name].value is not None]
        if not given:
            missing.append(" or ".join(group))
        elif len(given) > 1:
            problems.append(params[given[1]].where.error(f"give exactly one of {' or '.join(group)}"))
    if missing:
        problems.append(where.unknown(f"kind {kind_class.name!r} needs parameter {', '.join(missing)}"))
    if problems:
        try:
            problems.extend(_not_temporal(spec, _stand_in(kind_class, values), schema))
        except Exception:  # noqa: BLE001 - NOTE: a kind may refuse a stand-in in any way: then not checked further
            pass
        raise all_of(problems)
    try:
        return kind_class(**values)
    except ValueError as err:
        raise where.error(f"params: {err}") from None


def _stand_in(kind_class: type[RuleKind], values: dict[str, object]) -> RuleKind:
    """The kind of the parameters that could be read, its own checks skipped: only to ask which fields are dates.

    Its checks would refuse a wrong parameter's None, or a missing ``days or within``.
    """
    kind = object.__new__(kind_class)
    for spec in dataclasses.fields(kind_class):  # type: ignore[arg-type]
        default = spec.default_factory() if spec.default_factory is not dataclasses.MISSING else spec.default
        value = values.get(spec.name, None if default is dataclasses.MISSING else default)
        object.__setattr__(kind, spec.name, value)
    return kind


def _coerce(node: Node, hint: object, key: str, schema: Schema) -> object:
    """Read a YAML parameter as the kind's declared type."""
    options = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    if node.value is None and type(None) in options:
        return None
    target = next(option for option in options if option is not type(None))
    if target is bool:
        if isinstance(node.value, bool):
            return node.value
        raise node.where.error(f"expected true or false; got {node.described()}")
    if target is int:
        if isinstance(node.value, int) and not isinstance(node.value, bool) and node.value >= 0:
            return node.value
        raise node.where.error(f"expected a whole number of 0 or more; got {node.described()}")
    if target is str:
        return node.text()
    parse = getattr(target, "parse", None)
    if callable(parse):  # NOTE: a parameter of its own structure (events: {record_type, by, date, where})
        try:
            return parse(node.plain())
        except ValueError as err:
            raise node.where.error(str(err)) from None
    if target in (dict, Mapping) or typing.get_origin(target) in (dict, Mapping):
        node.mapping()  # NOTE: says where, when it is not one
        return node.plain()
    if typing.get_origin(target) is tuple:
        if key == "codes" and not node.is_list:
            name = node.text()
            if name not in schema.codes:
                raise node.where.unknown(f"unknown code list {quoted(name)}{did_you_mean(name, schema.codes)}")
            return tuple(schema.codes[name].codes)
        items = node.items()
        return tuple(item.text() for item in items)
    raise node.where.error(f"parameter type {target!r} is not supported")  # pragma: no cover - kinds are ours
