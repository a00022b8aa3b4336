"""Bounded caches: what a process keeps of the files a repository names (form files, logos), by count and by
weight. A repository may name thousands of them, each large; every process would otherwise keep all."""

from __future__ import annotations

from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Kept(Generic[K, V]):
    """At most `most` entries weighing at most `heaviest` together (each entry's weight is given with it: the
    bytes of the files behind it, the pixels of a picture), the least recently used dropped first. The entry just
    put is kept whatever it weighs: a render needs it."""

    def __init__(self, most: int, heaviest: int) -> None:
        self.most, self.heaviest = most, heaviest
        self._entries: dict[K, tuple[V, int]] = {}
        self._weight = 0

    def get(self, key: K) -> V | None:
        found = self._entries.pop(key, None)
        if found is None:
            return None
        self._entries[key] = found  # used last now
        return found[0]

    def put(self, key: K, value: V, weight: int) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self._weight -= old[1]
        self._entries[key] = (value, weight)
        self._weight += weight
        while len(self._entries) > 1 and (len(self._entries) > self.most or self._weight > self.heaviest):
            oldest = next(iter(self._entries))
            self._weight -= self._entries.pop(oldest)[1]

    def clear(self) -> None:
        self._entries.clear()
        self._weight = 0

    def __len__(self) -> int:
        return len(self._entries)
