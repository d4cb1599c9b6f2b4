"""Build the scorecard section: RAG bands, category targets, headline figures (KPIs) and re-referrals.

Bands are checked when the schema loads, by one rule. A share (every band but a ``failed`` KPI's)
is written ``95%`` or as a fraction ``0.95``; a bare number above 1 (``95``) is refused, never read
as 9,500%. A ``failed`` KPI's bands are counts of records (``10``), green at 0 and red from 1
unless it gives its own. Higher is better for pass rates, so amber is at or below green; lower is
better for ``failed`` and ``re_referral_rate``, so green is at or below amber.
"""

from __future__ import annotations

from refcheck.schemas.kpi_measures import RECORD_MEASURES, Measured, RecordMeasure, due_within, read_record_measure
from refcheck.schemas.model import (
    CATEGORIES,
    COUNT_MEASURES,
    DEFAULT_BANDS,
    KPI_MEASURES,
    UNTARGETED,
    Bands,
    Field,
    Kpi,
    Readability,
    ReReferrals,
    Scorecard,
)
from refcheck.schemas.problems import Problems, closest, did_you_mean
from refcheck.schemas.quoting import is_token, quoted
from refcheck.schemas.reading import entry_id
from refcheck.schemas.values import category_name, check_keys, field_ref
from refcheck.schemas.yamldoc import Node

_KPI_KEYS = {"id", "label", "measure", "rule", "category", "bands", "section", "record_type", "of", "share"}
_KPI_DEFINES = {"measure", "rule", "category", "record_type", "of", "share"}
"""A KPI entry without one of these changes a KPI of the schema it extends."""
_COUNTED = COUNT_MEASURES
"""KPIs whose figure is a count of records, so that their bands are counts too."""
_COUNT_BANDS = Bands(green=0, amber=0)
"""A counted KPI's bands unless it gives its own: green with none, red with one or more."""


def build_scorecard(node: Node | None, fields: dict[str, Field], rule_ids: set[str], problems: Problems,
                    measured: Measured | None = None) -> Scorecard:
    """The scorecard section, or the default bands when the schema has none; mistakes are noted.

    ``measured`` says what KPIs counting a record type's records may name (the schema's record types).
    """
    if node is None:
        return Scorecard(DEFAULT_BANDS, {}, (), None)
    measured = measured or Measured()
    spec = problems.attempt(node.mapping, {})
    if node.is_mapping:
        check_keys(node, {"bands", "categories", "kpis", "re_referrals", "due_within"}, "scorecard", problems)
    bands = problems.value(spec, "bands", lambda entry: _bands(entry, DEFAULT_BANDS, "pass_rate", problems),
                           DEFAULT_BANDS)
    category_bands = {}
    for category, value in problems.value(spec, "categories", Node.mapping, {}).items():
        if category not in CATEGORIES:
            problems.add(value.where.error(f"expected one of {', '.join(CATEGORIES)}; got {quoted(category)}"
                                           f"{did_you_mean(category, CATEGORIES)}"))
            continue
        with problems.noted():
            category_bands[category] = _bands(value, bands, "pass_rate", problems)
    re_referrals = problems.value(spec, "re_referrals", lambda entry: _re_referrals(entry, fields, problems), None)
    kpis = []
    items = problems.value(spec, "kpis", Node.items, [])
    seen: dict[str, Node] = {}
    for item in items:
        with problems.noted():
            kpi_id = entry_id(item)
            if kpi_id in seen:
                problems.add(item.mapping()["id"].where.error(f"duplicate KPI id {quoted(kpi_id)} (also defined at "
                                                              f"{seen[kpi_id].mapping()['id'].where})"))
            seen.setdefault(kpi_id, item)
            kpis.append(_kpi(_as_meant(item, items, problems), bands, rule_ids, measured, problems))
    if "re_referrals" not in spec and any(kpi.measure == "re_referral_rate" for kpi in kpis):
        problems.add(spec["kpis"].where.error("a re_referral_rate KPI needs scorecard.re_referrals"))
    window = problems.value(spec, "due_within", due_within, Scorecard(bands, {}, (), None).due_within)
    return Scorecard(bands, category_bands, tuple(kpis), re_referrals, due_within=window)


def build_readability(node: Node | None, problems: Problems) -> Readability:
    """The readability guard's limits, shares written as the bands are; a limit not given keeps its default."""
    default = Readability()
    if node is None:
        return default
    spec = problems.attempt(node.mapping, {})
    if node.is_mapping:
        check_keys(node, {"unreadable", "outside_codes"}, "readability", problems)
    return Readability(unreadable=problems.value(spec, "unreadable", _share, default.unreadable),
                       outside_codes=problems.value(spec, "outside_codes", _share, default.outside_codes))


def _re_referrals(entry: Node, fields: dict[str, Field], problems: Problems) -> ReReferrals:
    check_keys(entry, {"person", "date", "within_days"}, "re_referrals", problems)
    parts = entry.mapping()
    missing = [key for key in ("person", "date", "within_days") if key not in parts]
    if missing:
        raise entry.where.error(f"re_referrals needs {', '.join(repr(key) for key in missing)}")
    within, within_node = parts["within_days"].value, parts["within_days"]
    if not isinstance(within, int) or isinstance(within, bool) or within < 1:
        problems.add(within_node.where.error(f"expected a whole number of days; got {within_node.described()}"))
    person = problems.attempt(lambda: field_ref(parts["person"], fields), "")
    date_field = field_ref(parts["date"], fields)
    if not fields[date_field].type.is_temporal:
        raise parts["date"].where.unknown(f"field {quoted(date_field)} must be a date or datetime")
    return ReReferrals(person, date_field, within)


def _as_meant(item: Node, items: list[Node], problems: Problems) -> Node:
    """A KPI entry; one that only changes a KPI whose id it misspells is noted, and read over the KPI it meant."""
    spec = item.value if item.is_mapping else {}
    if "id" not in spec or _KPI_DEFINES & set(spec):
        return item
    complete = {str(other.value["id"].value): other for other in items
                if other.is_mapping and "id" in other.value and _KPI_DEFINES & set(other.value)}
    meant = closest(str(spec["id"].value), complete)
    if meant is None:
        return item
    problems.add(spec["id"].where.error(f"no KPI {quoted(str(spec['id'].value))} to change "
                                        f"(did you mean {quoted(meant)}?)"))
    return Node({**complete[meant].mapping(), **spec}, item.where)


def _kpi(node: Node, default: Bands, rule_ids: set[str], measured: Measured, problems: Problems) -> Kpi:
    check_keys(node, _KPI_KEYS, "KPI", problems)
    spec = node.mapping()
    kpi_id = entry_id(node)
    measure = spec["measure"].text() if "measure" in spec else "pass_rate"
    if measure not in KPI_MEASURES:  # NOTE: noted; the measure it most likely meant stands in, to check the rest
        problems.add(spec["measure"].where.error(f"expected one of {', '.join(KPI_MEASURES)}; got {quoted(measure)}"
                                                 f"{did_you_mean(measure, KPI_MEASURES)}"))
        measure = closest(measure, KPI_MEASURES) or "pass_rate"
    rule = spec["rule"].text() if "rule" in spec else None
    if rule is not None and rule not in rule_ids:
        problems.add(spec["rule"].where.unknown(f"unknown rule {quoted(rule)}{did_you_mean(rule, rule_ids)}"))
    section = problems.value(spec, "section", _section, None)
    label = problems.value(spec, "label", Node.text, kpi_id)
    if measure in RECORD_MEASURES:
        counted = problems.attempt(lambda: read_record_measure(node, measure, rule, measured, problems),
                                   RecordMeasure())
        return Kpi(id=kpi_id, label=label, measure=measure, rule=rule, category=None,
                   bands=_count_bands(spec, measure, _COUNT_BANDS if measure in _COUNTED else default, problems),
                   section=section,
                   record_type=counted.record_type, of=counted.of, share=counted.share)
    category = problems.value(spec, "category", category_name, None)
    needs = {"pass_rate": "a rule or a category", "failed": "a rule", "rows": "nothing", "re_referral_rate": "nothing"}
    fits = {
        "pass_rate": (rule is None) != ("category" not in spec),
        "failed": rule is not None and "category" not in spec,
    }.get(measure, rule is None and "category" not in spec)
    if not fits:
        problems.add(node.where.unknown(f"a {measure} KPI takes {needs[measure]} (rule: or category:)"))
    default = _COUNT_BANDS if measure in _COUNTED else default
    bands = problems.value(spec, "bands", lambda entry: _bands(entry, default, measure, problems), default)
    return Kpi(id=kpi_id, label=label, measure=measure, rule=rule, category=category, bands=bands, section=section)


def _count_bands(spec: dict[str, Node], measure: str, default: Bands, problems: Problems) -> Bands | None:
    """A record measure's bands: a share's, or the scorecard's; a count has none unless given (no made-up target).

    ``open`` and ``due`` take none: they count what there is to do, which is neither good nor bad.
    """
    if "bands" not in spec:
        return default if measure not in _COUNTED else None
    if measure in UNTARGETED:
        problems.add(spec["bands"].where.error(f"a {measure} KPI has no target: it counts what there is to do"))
        return None
    bands: Bands | None = problems.value(spec, "bands", lambda entry: _bands(entry, default, measure, problems), None)
    return bands


def _section(node: Node) -> str:
    """A scorecard section's name: a short text on one line."""
    text = node.text().strip()
    if not text or "\n" in text or len(text) > 60:
        raise node.where.error(f"a section is a short name on one line, such as Child protection; "
                               f"got {node.described()}")
    return text


def _bands(node: Node, default: Bands, measure: str, problems: Problems) -> Bands:
    """A ``{green, amber}`` mapping, each missing threshold taken from ``default``, in the order the measure needs."""
    check_keys(node, {"green", "amber"}, "bands", problems)
    spec = node.mapping()
    counts = measure in _COUNTED
    read = _count if counts else _share
    found_before = len(problems.found)
    green = problems.value(spec, "green", read, default.green)
    amber = problems.value(spec, "amber", read, default.amber)
    lower_is_better = measure in ("failed", "re_referral_rate", "overdue_now")
    if measure == "rows" or len(problems.found) > found_before:
        return Bands(green=green, amber=amber)  # NOTE: not coloured, or a threshold is wrong: no order to check
    if (green < amber) if not lower_is_better else (amber < green):
        at = _written_here(node, spec)
        shown = _shown_count if counts else _shown_share
        if lower_is_better:
            problem = (f"green ({shown(green)}) must be at or below amber ({shown(amber)}): "
                       f"lower is better for a {measure} KPI")
        else:
            problem = f"amber ({shown(amber)}) must be at or below green ({shown(green)}): higher is better"
        raise at.where.error(problem)
    return Bands(green=green, amber=amber)


def _written_here(node: Node, spec: dict[str, Node]) -> Node:
    """The threshold to point at: one written in the bands' own file (not inherited), green first."""
    written = [spec[key] for key in ("green", "amber") if key in spec]
    here = [entry for entry in written if entry.where.file == node.where.file]
    return (here or written or [node])[0]


def _share(node: Node) -> float:
    """A share: ``95%``, or a fraction from 0 to 1 (``0.95``); ``95`` is refused, never read as 9,500%."""
    text = node.text()
    try:
        share = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise node.where.error(f"expected a share such as 95% or 0.95; got {quoted(text)}") from None
    if not text.endswith("%") and 1 < share <= 100:
        written = f"write {_shown_share(share / 100)} or {share / 100:g}" if is_token(text) else "write it with %"
        raise node.where.error(f"{quoted(text)} is not a share: {written}")
    if not 0 <= share <= 1:
        raise node.where.error(f"a share is from 0% to 100%; got {quoted(text)}")
    return share


def _count(node: Node) -> float:
    """A count of records for a ``failed`` (or ``rows``) KPI: a number of 0 or more, not a share."""
    value = node.value
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise node.where.error("this KPI's bands are counts of records: expected a number such as 10; "
                               f"got {node.described()}")
    return float(value)


def _shown_share(share: float) -> str:
    return f"{share * 100:g}%"


def _shown_count(count: float) -> str:
    return f"{count:g}"
