"""Items grouped by a code (category, style, slot) for O(group) lookups."""

from __future__ import annotations

import numpy as np


class Groups:
    """Members of each code of a coded item array (codes < 0 belong to no group)."""

    def __init__(self, codes: np.ndarray) -> None:
        self.codes = codes
        size = int(codes.max(initial=-1)) + 1
        valid = np.flatnonzero(codes >= 0)
        self._order = valid[np.argsort(codes[valid], kind="stable")]
        counts = np.bincount(codes[valid], minlength=size)
        self._offsets = np.concatenate([[0], np.cumsum(counts)])

    def members(self, code: int) -> np.ndarray:
        """Item rows with ``code`` (empty for -1 or an unknown code)."""
        if code < 0 or code + 1 >= len(self._offsets):
            return self._order[:0]
        return self._order[self._offsets[code] : self._offsets[code + 1]]
