"""Days and moments of the seeded history, as numbers numpy can work with.

Days are date ordinals; moments are seconds since the Unix epoch (UTC). Every moment lies before
`today` starts, so nothing seeded claims to have happened later today.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

EPOCH = dt.date(1970, 1, 1).toordinal()
DAY = 86_400
HOUR = 3_600


@dataclass(frozen=True)
class Clock:
    today: int  # ordinal of the seed's today
    history_days: int  # how far back accounts and deals go

    @classmethod
    def for_date(cls, today: dt.date, history_days: int) -> Clock:
        return cls(today.toordinal(), history_days)

    @property
    def date(self) -> dt.date:
        return dt.date.fromordinal(self.today)

    @property
    def now(self) -> int:
        """The last second of yesterday: the latest moment anything seeded happened."""
        return self.start_of(self.today) - 1

    @staticmethod
    def start_of(day: Any) -> Any:
        """Midnight UTC of a day ordinal (an int, or an int64 array element-wise)."""
        return (day - EPOCH) * DAY

    def moments(self, rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
        """A moment in office hours (07:00-18:00 UTC) on each day, never after `now`."""
        seconds = self.start_of(np.asarray(days, dtype=np.int64)) + rng.integers(7 * HOUR, 18 * HOUR, size=len(days))
        return np.minimum(seconds, self.now)

    def day_of(self, moments: np.ndarray) -> np.ndarray:
        return moments // DAY + EPOCH
