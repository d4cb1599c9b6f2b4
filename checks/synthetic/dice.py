"""Random draws for every row of the sample at once, error rates scaled by each row's team."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]


class Dice:
    """Draws for every row; error rates are multiplied by the row's team multiplier."""

    def __init__(self, rng: np.random.Generator, multiplier: Floats, *, floor: bool) -> None:
        self.rng = rng
        self.multiplier = multiplier
        self.rows = len(multiplier)
        self.floor = floor

    def uniform(self) -> Floats:
        """One number in [0, 1) per row."""
        return self.rng.random(self.rows)

    def ints(self, low: int, high: int) -> Ints:
        """One integer in [low, high) per row."""
        return self.rng.integers(low, high, self.rows, dtype=np.int64)

    def coin(self, p: float) -> Mask:
        """Natural variation, the same for every team."""
        return self.uniform() < p

    def pick(self, weights: Sequence[float]) -> Ints:
        """Indices drawn with the given weights (a cumulative search: quicker than ``choice``)."""
        cumulative = np.cumsum(weights) / np.sum(weights)
        index = np.searchsorted(cumulative, self.uniform(), side="right")
        return np.minimum(index, len(weights) - 1).astype(np.int64)

    def errors(self, rates: Sequence[float], eligible: Sequence[Mask]) -> Ints:
        """Which of several mutually exclusive errors each row gets (-1: none).

        Error ``k`` strikes an eligible row with probability ``rates[k]`` times the row's team
        multiplier. With ``floor`` set, an error that struck no row strikes one eligible row anyway,
        so that a sample of a few thousand rows shows every rule failing whatever the seed.
        """
        edges = np.cumsum(rates)
        scaled = self.uniform() / self.multiplier
        hit = np.flatnonzero(scaled < edges[-1])  # few rows: the rest of the work is on these alone
        hit_kind = np.searchsorted(edges, scaled[hit], side="right").astype(np.int64)
        keep = np.zeros(len(hit), dtype=np.bool_)
        for k, ok in enumerate(eligible):
            chosen = hit_kind == k
            keep[chosen] = ok[hit[chosen]]
        kind = np.full(self.rows, -1, dtype=np.int64)
        kind[hit[keep]] = hit_kind[keep]
        if self.floor:
            struck = np.bincount(hit_kind[keep], minlength=len(rates))
            for k in map(int, np.flatnonzero(struck == 0)):
                free = np.flatnonzero(eligible[k] & (kind == -1))
                if free.size:
                    weights = self.multiplier[free] / self.multiplier[free].sum()
                    kind[self.rng.choice(free, p=weights)] = k
        return kind

    def error(self, rate: float, eligible: Mask) -> Mask:
        """Rows struck by one error."""
        return np.asarray(self.errors([rate], [eligible]) == 0, dtype=np.bool_)

