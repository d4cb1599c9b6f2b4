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
from dataclasses import dataclass

from refcheck.checks.kinds import KINDS, RuleKind
from refcheck.checks.runnable import runnable_problems
from refcheck.schemas import Node, RuleSpec, Schema, SchemaError, Severity, Where
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

    @property
    def kind_name(self) -> str:
        """The registered name of the rule's kind."""
        return self.kind.name


def bind_rules(schema: Schema) -> tuple[Rule, ...]:
    """Every rule of the schema, bound to its kind and run once on one row; every mistake is raised together."""
    rules, problems = _bind_all(schema)
    if problems:
        raise all_of(problems)
    return rules


def rule_problems(schema: Schema) -> list[SchemaError]:
    """Every mistake in the schema's rules (kinds, parameters, what Polars refuses), none raised."""
    return _bind_all(schema)[1]


check_rules_with(rule_problems)


def _bind_all(schema: Schema) -> tuple[tuple[Rule, ...], list[SchemaError]]:
    rules: list[Rule] = []
    problems: list[SchemaError] = []
    for spec in schema.rules:
        try:
            rules.append(bind_rule(spec, schema))
        except SchemaError as err:
            problems.append(err)
    problems.extend(runnable_problems([(rule.id, rule.kind, rule.where) for rule in rules], schema))
    return tuple(rules), problems


def bind_rule(spec: RuleSpec, schema: Schema) -> Rule:
    """One rule, bound to its kind; errors (all of the rule's, together) name their places in its schema file."""
    kind_class = KINDS.get(spec.kind)
    if kind_class is None:
        where = spec.kind_where or spec.where
        raise where.error(f"unknown kind {quoted(spec.kind)}{did_you_mean(spec.kind, KINDS)}; "
                          f"known kinds: {', '.join(sorted(KINDS))}")
    kind = _instantiate(spec, kind_class, schema)
    wrong = _not_temporal(spec, kind, schema)
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
    )


def _not_temporal(spec: RuleSpec, kind: RuleKind, schema: Schema) -> list[SchemaError]:
    """An error at each parameter naming a field of the schema that the kind needs to be a date, and is not."""
    return [
        _param_where(spec, name, kind).unknown(f"field {quoted(name)} must be a date or datetime for kind "
                                             f"{quoted(spec.kind)}")
        for name in kind.temporal_fields()
        if name in schema.fields and not schema.fields[name].type.is_temporal
    ]


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
    if missing:
        problems.append(where.unknown(f"kind {kind_class.name!r} needs parameter {', '.join(missing)}"))
    if problems:
        try:
            problems.extend(_not_temporal(spec, kind_class(**values), schema))
        except Exception:  # noqa: BLE001 - NOTE: a kind may refuse a stand-in in any way: then not checked further
            pass
        raise all_of(problems)
    try:
        return kind_class(**values)
    except ValueError as err:
        raise where.error(f"params: {err}") from None


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
    if typing.get_origin(target) is tuple:
        if key == "codes" and not node.is_list:
            name = node.text()
            if name not in schema.codes:
                raise node.where.unknown(f"unknown code list {quoted(name)}{did_you_mean(name, schema.codes)}")
            return tuple(schema.codes[name].codes)
        items = node.items()
        return tuple(item.text() for item in items)
    raise node.where.error(f"parameter type {target!r} is not supported")  # pragma: no cover - kinds are ours
