"""The process pool of one run, and how work is spread over it.

Started when a computation first needs it and shared by the later ones (``check``'s gate
rounds, ``inline``'s importers), so a run pays for starting workers once. Pool workers
are forked: they inherit the modules the run has imported already.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from compatlint.deepstack import run_deep

if TYPE_CHECKING:
    from concurrent.futures import Executor

__all__ = ["Batch", "DeepChunk", "RunPool", "batch_on", "pooled"]

#: Below these, a batch is worked here: starting the pool would cost more than it saves.
POOL_MIN_ITEMS = 8
POOL_MIN_BYTES = 256_000

Item = TypeVar("Item")
Result = TypeVar("Result")


class RunPool:
    """The process pool of one run, started by the first :meth:`executor` call."""

    def __init__(self) -> None:
        self._executor: Executor | None = None

    @property
    def started(self) -> bool:
        return self._executor is not None

    def executor(self) -> Executor:
        if self._executor is None:
            from concurrent.futures import ProcessPoolExecutor

            self._executor = ProcessPoolExecutor()
        return self._executor

    def __enter__(self) -> RunPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)
            self._executor = None


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
    on (the main process is busy with other work, one core is idle)."""

    def __init__(
        self, pool: RunPool, function: Callable[[Item], Result], size: Callable[[Item], int]
    ) -> None:
        self.pool = pool
        self.function = function
        self.size = size
        self._sent: list[tuple[list[Item], Iterator[Result]]] = []
        self._early: dict[Item, Result] = {}

    def _pays(self, items: Sequence[Item]) -> bool:
        return (
            (os.cpu_count() or 1) >= 2
            and len(items) >= POOL_MIN_ITEMS
            and sum(self.size(item) for item in items) >= POOL_MIN_BYTES
        )

    def ahead(self, items: Sequence[Item]) -> None:
        """Start ``items`` on the pool now, if a batch of them would go there at all.
        Items must be hashable: a later call finds their results by the item."""
        if self._pays(items):
            self._sent.append(
                (list(items), pooled(self.pool, DeepChunk(self.function), items, self.size))
            )

    def __call__(self, items: list[Item]) -> list[Result]:
        for sent, results in self._sent:
            self._early.update(zip(sent, results, strict=True))
        self._sent.clear()
        early = self._early
        rest = [item for item in items if item not in early] if early else items
        if not self._pays(rest):
            found = iter([self.function(item) for item in rest])
        else:
            found = pooled(self.pool, DeepChunk(self.function), rest, self.size)
        if not early:
            return list(found)
        return [early[item] if item in early else next(found) for item in items]
