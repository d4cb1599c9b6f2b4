"""Synthetic extracts for demos, tests and benchmarks: realistic in shape, never real.

Every draw comes from NumPy, which is the ``sample`` extra: importing this package without it
raises ``MissingExtra`` naming the extra, before any module here fails on ``import numpy``.
"""

from refcheck.checks.extras import SAMPLE, require

require(SAMPLE, "the synthetic sample")
