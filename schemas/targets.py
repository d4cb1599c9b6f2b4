"""Build the scorecard section: RAG bands, category targets, headline figures (KPIs) and re-referrals."""

from __future__ import annotations

from refcheck.schemas.model import CATEGORIES, DEFAULT_BANDS, KPI_MEASURES, Bands, Field, Kpi, ReReferrals, Scorecard
from refcheck.schemas.quoting import quoted
from refcheck.schemas.reading import entry_id
from refcheck.schemas.values import category_name, check_keys, field_ref
from refcheck.schemas.yamldoc import Node


def build_scorecard(node: Node | None, fields: dict[str, Field], rule_ids: set[str]) -> Scorecard:
    """The scorecard section, or the default bands when the schema has none."""
    if node is None:
        return Scorecard(DEFAULT_BANDS, {}, (), None)
    check_keys(node, {"bands", "categories", "kpis", "re_referrals"}, "scorecard")
    spec = node.mapping()
    bands = _bands(spec["bands"], DEFAULT_BANDS) if "bands" in spec else DEFAULT_BANDS
    category_bands = {}
    for category, value in spec["categories"].mapping().items() if "categories" in spec else []:
        if category not in CATEGORIES:
            raise value.where.error(f"expected one of {', '.join(CATEGORIES)}; got {quoted(category)}")
        category_bands[category] = _bands(value, bands)
    re_referrals = None
    if "re_referrals" in spec:
        entry = spec["re_referrals"]
        check_keys(entry, {"person", "date", "within_days"}, "re_referrals")
        parts = entry.mapping()
        for key in ("person", "date", "within_days"):
            if key not in parts:
                raise entry.where.error(f"re_referrals needs '{key}'")
        within, within_node = parts["within_days"].value, parts["within_days"]
        if not isinstance(within, int) or isinstance(within, bool) or within < 1:
            raise within_node.where.error(f"expected a whole number of days; got {within_node.described()}")
        date_field = field_ref(parts["date"], fields)
        if not fields[date_field].type.is_temporal:
            raise parts["date"].where.error(f"field {quoted(date_field)} must be a date or datetime")
        re_referrals = ReReferrals(field_ref(parts["person"], fields), date_field, within)
    kpis = tuple(_kpi(item, bands, rule_ids) for item in spec["kpis"].items()) if "kpis" in spec else ()
    if re_referrals is None and any(kpi.measure == "re_referral_rate" for kpi in kpis):
        raise spec["kpis"].where.error("a re_referral_rate KPI needs scorecard.re_referrals")
    return Scorecard(bands, category_bands, kpis, re_referrals)


def _kpi(node: Node, default: Bands, rule_ids: set[str]) -> Kpi:
    check_keys(node, {"id", "label", "measure", "rule", "category", "bands"}, "KPI")
    spec = node.mapping()
    kpi_id = entry_id(node)
    measure = spec["measure"].text() if "measure" in spec else "pass_rate"
    if measure not in KPI_MEASURES:
        raise spec["measure"].where.error(f"expected one of {', '.join(KPI_MEASURES)}; got {quoted(measure)}")
    rule = spec["rule"].text() if "rule" in spec else None
    if rule is not None and rule not in rule_ids:
        raise spec["rule"].where.error(f"unknown rule {quoted(rule)}")
    category = category_name(spec["category"]) if "category" in spec else None
    needs = {"pass_rate": "a rule or a category", "failed": "a rule", "rows": "nothing", "re_referral_rate": "nothing"}
    fits = {
        "pass_rate": (rule is None) != (category is None),
        "failed": rule is not None and category is None,
    }.get(measure, rule is None and category is None)
    if not fits:
        raise node.where.error(f"a {measure} KPI takes {needs[measure]} (rule: or category:)")
    bands = _bands(spec["bands"], default) if "bands" in spec else default
    return Kpi(id=kpi_id, label=spec["label"].text() if "label" in spec else kpi_id, measure=measure, rule=rule,
               category=category, bands=bands)


def _bands(node: Node, default: Bands) -> Bands:
    check_keys(node, {"green", "amber"}, "bands")
    spec = node.mapping()
    green = _number(spec["green"]) if "green" in spec else default.green
    amber = _number(spec["amber"]) if "amber" in spec else default.amber
    return Bands(green=green, amber=amber)


def _number(node: Node) -> float:
    """A threshold: a share written ``95%``, or a plain number (a count)."""
    text = node.text()
    try:
        return float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise node.where.error(f"expected a number such as 10 or a share such as 95%; got {quoted(text)}") from None


