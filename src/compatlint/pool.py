"""The process pool of one run, and how work is spread over it.

Started when a computation first needs it and shared by the later ones (``check``'s gate
rounds, ``inline``'s importers), so a run pays for starting workers once. Pool workers
are forked: they inherit the modules the run has imported already.

Beside it, a run may keep *spare* processes for work it may never ask for (see
:meth:`Batch.guess`): they run at the lowest CPU priority, so they take only the cores
the run leaves idle (while it searches texts alone, or waits for ruff), and they are
stopped, not waited for, when the run ends. They are forked with their items and are
sent only index ranges: an item bigger than a pipe, still being sent when the run
stopped them, would leave the sender blocked for ever. Where processes are not forked
(the start method is not ``fork``), nothing is guessed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from compatlint.deepstack import run_deep

if TYPE_CHECKING:
    from concurrent.futures import Executor
    from multiprocessing.pool import ApplyResult, Pool

__all__ = ["Batch", "DeepChunk", "RunPool", "batch_on", "pooled"]

#: Below these, a batch is worked here: starting the pool would cost more than it saves.
POOL_MIN_ITEMS = 8
POOL_MIN_BYTES = 256_000
#: Guessed work goes to the spare processes in about this many chunks.
SPARE_CHUNKS = 16

Item = TypeVar("Item")
Result = TypeVar("Result")


class RunPool:
    """The process pool of one run, started by the first :meth:`executor` call."""

    def __init__(self) -> None:
        self._executor: Executor | None = None
        self._spares: list[Pool] = []

    @property
    def started(self) -> bool:
        return self._executor is not None

    def executor(self) -> Executor:
        if self._executor is None:
            from concurrent.futures import ProcessPoolExecutor

            self._executor = ProcessPoolExecutor()
        return self._executor

    def spare(self, function: Callable[[Item], Result], items: Sequence[Item]) -> Pool | None:
        """Spare processes (see the module docstring) forked with ``function`` and ``items``:
        work on them is sent as index ranges (see :func:`_spare_chunk`), never as the items.
        None where processes are not forked: they would have to be sent the items."""
        import multiprocessing

        if multiprocessing.get_start_method() != "fork":
            return None
        spare = multiprocessing.Pool(
            os.cpu_count(), initializer=_spare_start, initargs=(function, items)
        )
        self._spares.append(spare)
        return spare

    def __enter__(self) -> RunPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)
            self._executor = None
        for spare in self._spares:
            spare.terminate()
            spare.join()
        self._spares.clear()


#: In a spare process: the function and the items it was forked with.
_SPARE_WORK: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def _spare_start(function: Callable[[Any], Any], items: Sequence[Any]) -> None:
    """Set up a spare process: the lowest CPU priority (where the system has one), and the
    work it was forked with."""
    global _SPARE_WORK
    if hasattr(os, "nice"):
        os.nice(19)
    _SPARE_WORK = (function, items)


def _spare_chunk(span: tuple[int, int]) -> list[Any]:
    """In a spare process: the function of the items in ``span`` (start, stop)."""
    assert _SPARE_WORK is not None
    function, items = _SPARE_WORK
    return DeepChunk(function)(list(items[span[0] : span[1]]))


def pooled(
    pool: RunPool,
    work: Callable[[list[Item]], list[Result]],
    items: Sequence[Item],
    size: Callable[[Item], int],
) -> Iterator[Result]:
    """``work`` (picklable, a list of items in, a list of results out) of ``items`` on
    ``pool``, all sent now, the results in the order of ``items``. Sent one by one (a few
    items), the biggest (by ``size``) go first: a big one sent last would keep one worker
    busy alone. In chunks, the sizes even out and the order is kept, so the caller handles
    the first results while the workers compute the rest."""
    step = max(1, len(items) // 32)
    order = list(range(len(items)))
    if step == 1:
        order.sort(key=lambda index: -size(items[index]))
    chunks = [order[start : start + step] for start in range(0, len(items), step)]
    executor = pool.executor()
    futures = [executor.submit(work, [items[index] for index in chunk]) for chunk in chunks]
    where = {
        index: (number, place)
        for number, chunk in enumerate(chunks)
        for place, index in enumerate(chunk)
    }

    def results() -> Iterator[Result]:
        for index in range(len(items)):
            number, place = where[index]
            yield futures[number].result()[place]

    return results()


@dataclass(frozen=True)
class DeepChunk(Generic[Item, Result]):
    """Picklable work for :func:`pooled`: ``function`` (a module-level function) of each
    item of a chunk. A pool worker's main thread has the default stack and recursion limit,
    so the chunk runs with room to recurse (:func:`~compatlint.deepstack.run_deep`), like
    the command."""

    function: Callable[[Item], Result]

    def __call__(self, items: list[Item]) -> list[Result]:
        return run_deep(lambda: [self.function(item) for item in items])


def batch_on(
    pool: RunPool, function: Callable[[Item], Result], size: Callable[[Item], int]
) -> Batch[Item, Result]:
    """``function`` (module-level) of many items at once: on ``pool``'s processes when
    there are enough of them (by count and total ``size``) and more than one core, else
    here, in order (see :class:`Batch`)."""
    return Batch(pool, function, size)


class Batch(Generic[Item, Result]):
    """``function`` of many items at once, on ``pool`` when that pays (see
    :func:`batch_on`). Items given :meth:`ahead` are sent to the pool at once, and their
    results kept for the call that asks for them: the workers compute while the run goes
    on (the main process is busy with other work, one core is idle). Items given
    :meth:`guess` go to the spare processes instead: a call uses the results that are
    ready when it asks, and computes the others itself."""

    def __init__(
        self, pool: RunPool, function: Callable[[Item], Result], size: Callable[[Item], int]
    ) -> None:
        self.pool = pool
        self.function = function
        self.size = size
        self._sent: list[tuple[list[Item], Iterator[Result]]] = []
        self._early: dict[Item, Result] = {}
        self._guessed: dict[Item, tuple[ApplyResult[list[Result]], int]] = {}

    def _pays(self, items: Sequence[Item]) -> bool:
        return (
            (os.cpu_count() or 1) >= 2
            and len(items) >= POOL_MIN_ITEMS
            and sum(self.size(item) for item in items) >= POOL_MIN_BYTES
        )

    def ahead(self, items: Sequence[Item]) -> None:
        """Start ``items`` on the pool now, if a batch of them would go there at all.
        Items must be hashable: a later call finds their results by the item."""
        items = [item for item in items if item not in self._guessed]
        if self._pays(items):
            self._sent.append(
                (list(items), pooled(self.pool, DeepChunk(self.function), items, self.size))
            )

    def guess(self, items: Sequence[Item]) -> None:
        """Start ``items`` a later call may ask for on the spare processes (see
        :meth:`RunPool.spare`), if a batch of them would go to the pool at all. Items must
        be hashable; one guessed before is not sent again."""
        items = [item for item in dict.fromkeys(items) if item not in self._guessed]
        if not self._pays(items):
            return
        spare = self.pool.spare(self.function, items)
        if spare is None:
            return
        step = max(1, len(items) // SPARE_CHUNKS)
        for start in range(0, len(items), step):
            result = spare.apply_async(_spare_chunk, ((start, start + step),))
            chunk = items[start : start + step]
            self._guessed.update((item, (result, place)) for place, item in enumerate(chunk))

    def _guessed_ready(self, items: Iterable[Item]) -> dict[Item, Result]:
        """The results of the guessed ``items`` computed by now (wait for none)."""
        found: dict[Item, Result] = {}
        for item in items:
            guessed = self._guessed.get(item)
            if guessed is not None and guessed[0].ready():
                result, place = guessed
                found[item] = result.get()[place]
        return found

    def __call__(self, items: list[Item]) -> list[Result]:
        for sent, results in self._sent:
            self._early.update(zip(sent, results, strict=True))
        self._sent.clear()
        if self._guessed:
            self._early.update(self._guessed_ready(items))
        early = self._early
        rest = [item for item in items if item not in early] if early else items
        if not self._pays(rest):
            found = iter([self.function(item) for item in rest])
        else:
            found = pooled(self.pool, DeepChunk(self.function), rest, self.size)
        if not early:
            return list(found)
        return [early[item] if item in early else next(found) for item in items]
