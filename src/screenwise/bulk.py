"""Bulk loading: settings that make creating many long-lived objects fast.

Parsing a list, reading a list version back from the store, and building or unpickling
an index each create hundreds of thousands of small container objects and keep almost all
of them. The cyclic garbage collector's full collections, triggered by allocation counts,
then scan an ever larger heap and free next to nothing: on the staged lists they cost a
quarter to two thirds of the load time. :func:`gc_paused` switches them off for such a block.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused"]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the duration of a bulk load.

    Reference counting still frees every acyclic object at once; reference cycles made
    meanwhile are found by the first collection after the block. On exit, also on error,
    the collector is re-enabled when it was enabled on entry (a caller that disabled it
    keeps it disabled). The switch is process-wide: other threads also run without cyclic
    collection until the block ends.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
