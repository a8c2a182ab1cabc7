"""How often each code is viewed (from `view.consumed` events), as a bounded ranking boost.

Counts decay exponentially (a view loses half its weight every `half_life_days`), so the
boost follows what coders look up now. Each code keeps log2 of its decayed count scaled to
a fixed epoch, so an update is one row and decay costs nothing until read. Counts and the
ids of events already counted live in one SQLite file in the index dir: a restart keeps
them, and a redelivered event is counted once.
"""

from __future__ import annotations

import logging
import math
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

from medcode.events.v1 import events_pb2
from medcode_common.events import Event
from medcode_search.weights import POPULARITY_CAP

log = logging.getLogger(__name__)

VIEW_CONSUMED = events_pb2.ViewConsumed.DESCRIPTOR.full_name
#: The most a code's popularity may add to its score's factor (the engine clamps too).
MAX_BOOST = round(POPULARITY_CAP - 1.0, 6)
_DAY = 86_400.0
_SEEN_DAYS = 7.0  # redelivery happens within minutes; a week of ids is plenty
_DDL = """
CREATE TABLE IF NOT EXISTS views (code TEXT PRIMARY KEY, log_weight REAL NOT NULL);
CREATE TABLE IF NOT EXISTS seen (id TEXT PRIMARY KEY, at REAL NOT NULL);
"""


def _log2_add(a: float, b: float) -> float:
    """log2(2**a + 2**b) without overflow."""
    high, low = max(a, b), min(a, b)
    return high + math.log2(1.0 + 2.0 ** (low - high))


class PopularityStore:
    """Decayed view counts per code; `factor` is the engine's popularity callable."""

    def __init__(
        self, path: Path, *, half_life_days: float = 30.0, clock: Callable[[], float] = time.time
    ) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.executescript("PRAGMA journal_mode=WAL;" + _DDL)
        self._half_life = half_life_days * _DAY
        self._clock = clock
        self._lock = threading.Lock()
        self._weights = dict(self._db.execute("SELECT code, log_weight FROM views").fetchall())
        self._top = max(self._weights.values(), default=-math.inf)
        self._recorded = 0

    def record(self, event_id: str, code: str, at: float) -> bool:
        """Count one view of `code` at unix time `at`; False when `event_id` was counted."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                fresh = self._db.execute(
                    "INSERT OR IGNORE INTO seen (id, at) VALUES (?, ?)", (event_id, at)
                ).rowcount
                if fresh:
                    weight = _log2_add(self._weights.get(code, -math.inf), at / self._half_life)
                    self._db.execute(
                        "INSERT OR REPLACE INTO views (code, log_weight) VALUES (?, ?)",
                        (code, weight),
                    )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            if fresh:
                self._weights[code] = weight
                self._top = max(self._top, weight)
                self._recorded += 1
                if self._recorded % 1000 == 0:
                    self._forget_old_ids()
        return bool(fresh)

    def _forget_old_ids(self) -> None:
        cutoff = self._clock() - _SEEN_DAYS * _DAY
        self._db.execute("DELETE FROM seen WHERE at < ?", (cutoff,))

    def count(self, code: str) -> float:
        """The decayed number of views of `code` now."""
        weight = self._weights.get(code)
        if weight is None:
            return 0.0
        return float(2.0 ** (weight - self._clock() / self._half_life))

    def factor(self, code: str) -> float:
        """1 + 0.1 * log1p(count) / log1p(most viewed count): 1.0 unseen, 1.1 the top code."""
        weight = self._weights.get(code)
        if weight is None or self._top == -math.inf:
            return 1.0
        now = self._clock() / self._half_life
        top = math.log1p(2.0 ** (self._top - now))
        return 1.0 + MAX_BOOST * math.log1p(2.0 ** (weight - now)) / top if top > 0 else 1.0

    def handle(self, event: Event) -> None:
        """Bus handler for ViewConsumed; a malformed event is acknowledged and skipped."""
        view = event.decode(events_pb2.ViewConsumed)
        code = view.code.strip().upper()
        if not code:
            log.warning("skipping ViewConsumed %s without a code", event.id)
            return
        self.record(event.id, code, event.time.timestamp())

    def close(self) -> None:
        """Close the SQLite file."""
        with self._lock:
            self._db.close()
