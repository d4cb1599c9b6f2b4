"""Interop: the rule set rendered for pandera, Great Expectations and SQL, and GX run as an engine."""
