"""Schemas: the referral form as declarative YAML (fields, code lists, rules with stable ids)."""

from refcheck.schemas.errors import RefcheckError, SchemaError, SchemaErrors
from refcheck.schemas.loader import DEFAULT_SCHEMA, load_schema
from refcheck.schemas.mapping import apply_mapping, load_mapping, proposal_yaml, propose_mapping
from refcheck.schemas.model import (
    CATEGORIES,
    PRIMARY,
    Bands,
    Calendar,
    CodeList,
    Condition,
    ExtractMapping,
    Field,
    FieldType,
    Kpi,
    Relation,
    ReReferrals,
    RuleSpec,
    Schema,
    Scorecard,
    Severity,
)
from refcheck.schemas.reading import bundled_schemas
from refcheck.schemas.yamldoc import Node, Where

__all__ = [
    "CATEGORIES",
    "PRIMARY",
    "Condition",
    "Relation",
    "Bands",
    "Kpi",
    "ReReferrals",
    "Scorecard",
    "DEFAULT_SCHEMA",
    "Calendar",
    "CodeList",
    "ExtractMapping",
    "Field",
    "FieldType",
    "Node",
    "RefcheckError",
    "RuleSpec",
    "Schema",
    "SchemaError",
    "SchemaErrors",
    "Severity",
    "Where",
    "apply_mapping",
    "bundled_schemas",
    "load_mapping",
    "load_schema",
    "proposal_yaml",
    "propose_mapping",
]
