"""Readers: an extract (CSV, Excel, database table or query) opened lazily as text, every row accounted for."""
