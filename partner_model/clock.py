"""The program's one business time zone: every date, ISO week and day count is that zone's.

`PARTNER_TIME_ZONE` (an IANA name, default Europe/Helsinki) decides, whatever the database server's or the app
server's own zone is. Instants are stored in UTC; they become dates only here.
"""

from __future__ import annotations

import datetime as dt
import os
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIME_ZONE = "Europe/Helsinki"


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"PARTNER_TIME_ZONE={name!r} is not an IANA time zone such as Europe/Helsinki") from None


def zone() -> ZoneInfo:
    """The business time zone (PARTNER_TIME_ZONE). Raises ValueError for a name that is not a zone."""
    return _zone(os.environ.get("PARTNER_TIME_ZONE") or DEFAULT_TIME_ZONE)


def today() -> dt.date:
    """Today in the business time zone."""
    return dt.datetime.now(zone()).date()


def local_date(moment: dt.datetime) -> dt.date:
    """The business-zone date of an instant (a naive one is UTC, as the database stores it)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(zone()).date()


def day_start(day: dt.date) -> dt.datetime:
    """The UTC instant when `day` begins in the business time zone."""
    return dt.datetime.combine(day, dt.time(), zone()).astimezone(dt.UTC)
