"""A screener that follows the store's active list versions while it serves (rollover).

A long-running service (the HTTP API) must pick up a list version promoted after it
started, without a restart and without a moment of not screening. :class:`LiveScreener`
does it the way yente rolls an index alias over:

1. every ``check_interval_s`` seconds it reads the ids of the store's active list versions
   (one small query);
2. when they differ from the versions being served, it builds a new
   :class:`~screenwise.screening.Screener` over them in its own thread while the current one
   keeps answering;
3. it then swaps the new screener in with one reference assignment: a request that already
   holds the old screener finishes on it, every later request gets the new one.

With ``settle_heap`` (a serving process), each swap is followed by :func:`freeze_heap`: the
cyclic garbage collector then never scans the index's millions of long-lived objects again.

A failed build leaves the current screener serving; the failure is logged, reported by
:attr:`LiveScreener.reload_error` and retried after :data:`RETRY_FAILED_S` seconds (or at
once when the active versions change again). An empty set of active versions (every list
deactivated) never replaces a serving screener.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from screenwise.errors import NotReadyError, ScreenwiseError
from screenwise.settings import Settings
from screenwise.store.models import STATUS_ACTIVE, ListVersionRow

if TYPE_CHECKING:
    from screenwise.screening import Screener
    from screenwise.store.versions import ListStore

__all__ = [
    "CHECK_INTERVAL_S",
    "RETRY_FAILED_S",
    "LiveScreener",
    "active_version_ids",
    "freeze_heap",
]

log = logging.getLogger(__name__)

#: Seconds between two checks of the store's active list versions.
CHECK_INTERVAL_S = 5.0
#: Why nothing is served while the store has no active list version.
NOTHING_ACTIVE = "no active list version: load one with `screenwise lists load`"
#: Seconds before a build that failed for the same active versions is tried again.
RETRY_FAILED_S = 60.0


def active_version_ids(store: ListStore) -> dict[str, str]:
    """Return list id -> version id of the store's active list versions (one small query).

    Raises:
        sqlalchemy.exc.SQLAlchemyError: the store's database cannot be read.
    """
    with store.session() as session:
        rows = session.execute(
            select(ListVersionRow.list_id, ListVersionRow.version_id).where(
                ListVersionRow.status == STATUS_ACTIVE
            )
        ).all()
    return {str(list_id): str(version_id) for list_id, version_id in rows}


def freeze_heap() -> float:
    """Collect garbage once, then exempt every surviving object from later collections.

    A screener holds millions of small long-lived objects (prepared names, index
    postings). Python's cyclic collector runs a full collection whenever enough new objects
    have survived younger ones, and each full collection walks the whole heap: with the
    index loaded that is tens to hundreds of milliseconds, stalling whichever request is
    running. ``gc.freeze()`` moves the objects alive now to a permanent generation that
    collections skip; reference counting still frees them when they are dropped.

    Frozen objects that later become part of a reference cycle (an old screener after a
    rollover) are only found after the next call, which first unfreezes everything, so at
    most one rollover's cycles wait. Call it once the lists are loaded, in a serving
    process only: the pause is one full collection (about a second with large lists).
    Source: https://docs.python.org/3/library/gc.html#gc.freeze.

    Returns:
        Seconds spent.
    """
    started = time.perf_counter()
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    spent = time.perf_counter() - started
    log.info("heap settled: %d objects frozen in %.2f s", gc.get_freeze_count(), spent)
    return spent


def _build_from_store(store: ListStore, settings: Settings) -> Screener:
    from screenwise.screening import Screener

    return Screener.from_store(store, settings=settings)


class LiveScreener:
    """Holds the screener being served and rolls it over to new active list versions.

    Args:
        store: the list-version store to follow; None serves ``screener`` as it is.
        settings: settings passed to each new screener.
        screener: a ready screener to serve from the start (None: build one from the store
            on the first :meth:`check`).
        check_interval_s: seconds between checks in :meth:`run` (> 0).
        build: builds a screener from the store (default
            :meth:`screenwise.screening.Screener.from_store`); for tests.
        settle_heap: call :func:`freeze_heap` after each swap (a serving process).

    Attributes:
        load_error: why nothing is served yet (before the first successful build).
        reload_error: why the last build failed, None once a build succeeded.
    """

    def __init__(
        self,
        store: ListStore | None,
        settings: Settings,
        *,
        screener: Screener | None = None,
        check_interval_s: float = CHECK_INTERVAL_S,
        build: Callable[[ListStore, Settings], Screener] | None = None,
        settle_heap: bool = False,
    ) -> None:
        self.store = store
        self.settings = settings
        self.check_interval_s = check_interval_s
        self.load_error = "lists are loading" if store is not None else "no list store configured"
        self.reload_error: str | None = None
        self._build = build or _build_from_store
        self._settle_heap = settle_heap
        self._current: Screener | None = screener
        self._active: dict[str, str] = dict(screener.list_versions) if screener else {}
        self._failed: tuple[dict[str, str], float] | None = None
        self._check_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- what is served ------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """True once a screener is being served."""
        return self._current is not None

    def current(self) -> Screener:
        """Return the screener being served (take it once per request and keep it).

        Raises:
            NotReadyError: no list version has been loaded yet.
        """
        screener = self._current
        if screener is None:
            raise NotReadyError(f"not ready: {self.load_error}")
        return screener

    def served_versions(self) -> dict[str, str]:
        """Return list id -> version id of the versions being served ({} before loading)."""
        screener = self._current
        return dict(screener.list_versions) if screener is not None else {}

    def pending_versions(self) -> dict[str, str]:
        """Return the active versions seen at the last check that are not served yet.

        A list id maps to the newer version id being loaded (or waiting for a retry after a
        failed build); empty when the served versions are the active ones.
        """
        served = self.served_versions()
        return {lid: vid for lid, vid in sorted(self._active.items()) if served.get(lid) != vid}

    # -- rollover ------------------------------------------------------------------------

    def check(self) -> bool:
        """Compare the store's active versions with the served ones; roll over when they differ.

        Builds the new screener in the calling thread (the current one keeps serving
        meanwhile) and swaps it in. A failed build is logged and leaves the current one.

        Returns:
            True when a new screener was swapped in.
        """
        store = self.store
        if store is None:
            return False
        with self._check_lock:
            try:
                active = active_version_ids(store)
            except SQLAlchemyError as exc:
                self.reload_error = f"cannot read the active list versions: {exc}"
                log.error("%s; still serving %s", self.reload_error, self._served_text())
                return False
            if not active:
                if self._current is None:
                    self.load_error = NOTHING_ACTIVE
                return False
            self._active = active
            if active == self.served_versions():
                return False
            if self._failed is not None:
                failed_target, failed_at = self._failed
                if failed_target == active and time.monotonic() - failed_at < RETRY_FAILED_S:
                    return False
            return self._rebuild(store, active)

    def _served_text(self) -> str:
        served = self.served_versions()
        return ", ".join(sorted(served.values())) if served else "nothing"

    def _rebuild(self, store: ListStore, active: dict[str, str]) -> bool:
        log.info("loading list versions %s", ", ".join(sorted(active.values())))
        started = time.monotonic()
        # marked failed until it succeeds, so even an unexpected error is not retried at once
        self._failed = (dict(active), started)
        try:
            screener = self._build(store, self.settings)
        except NotReadyError as exc:
            return self._failed_build(active, str(exc))
        except (ScreenwiseError, SQLAlchemyError, OSError, MemoryError) as exc:
            log.exception("building the screener failed")
            return self._failed_build(active, f"{type(exc).__name__}: {exc}")
        previous = self.served_versions()
        self._current = screener  # the swap: one reference assignment
        self._failed = None
        self.reload_error = None
        self.load_error = ""
        if self._settle_heap:
            freeze_heap()
        log.info(
            "now serving list versions %s (was %s; built in %.1f s)",
            ", ".join(sorted(screener.list_versions.values())),
            ", ".join(sorted(previous.values())) or "nothing",
            time.monotonic() - started,
        )
        return True

    def _failed_build(self, active: dict[str, str], reason: str) -> bool:
        self._failed = (dict(active), time.monotonic())
        if self._current is None:
            self.load_error = reason
        else:
            self.reload_error = reason
        log.error("cannot load list versions %s (%s); still serving %s",
                  ", ".join(sorted(active.values())), reason, self._served_text())
        return False

    def _note_nothing_active(self, store: ListStore) -> None:
        """Say at once why nothing can be served when the store has no active version."""
        try:
            active = active_version_ids(store)
        except SQLAlchemyError as exc:
            self.load_error = f"cannot read the active list versions: {exc}"
            return
        if not active:
            self.load_error = NOTHING_ACTIVE

    def run(self) -> None:
        """Check every ``check_interval_s`` seconds until :meth:`stop` (a thread's target)."""
        while not self._stop.is_set():
            try:
                self.check()
            except Exception as exc:  # the thread's boundary: a bug must not end the rollover
                log.exception("checking the list versions failed; still serving %s",
                              self._served_text())
                reason = f"{type(exc).__name__}: {exc}"
                if self._current is None:
                    self.load_error = reason
                else:
                    self.reload_error = reason
            self._stop.wait(self.check_interval_s)

    def start(self) -> threading.Thread | None:
        """Start :meth:`run` in a daemon thread (nothing to follow without a store).

        Returns:
            The thread, or None when there is no store.
        """
        if self.store is None or self._thread is not None:
            return self._thread
        if self._current is None:
            self._note_nothing_active(self.store)
        self._stop.clear()
        self._thread = threading.Thread(target=self.run, name="screenwise-lists", daemon=True)
        self._thread.start()
        return self._thread

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop the checking thread (a build in progress finishes first, within the timeout)."""
        self._stop.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout_s)
        self._thread = None
