"""Rules checked inside a database: every rule of a schema as one aggregate query, through SQLAlchemy."""

from refcheck.checks.warehouse.sql_engine import untranslated, validate_in_database

__all__ = ["untranslated", "validate_in_database"]
