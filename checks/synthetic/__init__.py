"""Synthetic extracts for demos, tests and benchmarks: realistic in shape, never real."""
