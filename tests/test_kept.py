"""The bounded caches of form files and logos (`kept.Kept`)."""

from __future__ import annotations

from vsp_cli.kept import Kept


def test_the_least_recently_used_goes_first_when_too_many() -> None:
    kept: Kept[str, int] = Kept(2, 100)
    kept.put("a", 1, 1)
    kept.put("b", 2, 1)
    assert kept.get("a") == 1  # used last now
    kept.put("c", 3, 1)
    assert (kept.get("a"), kept.get("b"), kept.get("c"), len(kept)) == (1, None, 3, 2)


def test_entries_go_until_the_weight_fits_but_the_last_put_stays() -> None:
    kept: Kept[str, str] = Kept(10, 10)
    kept.put("a", "A", 4)
    kept.put("b", "B", 4)
    kept.put("c", "C", 4)  # 12: the oldest goes
    assert (kept.get("a"), kept.get("b"), kept.get("c")) == (None, "B", "C")
    kept.put("big", "X", 50)  # heavier than all: alone, but kept
    assert (len(kept), kept.get("big")) == (1, "X")
    kept.put("big", "Y", 1)  # put again: its old weight is gone
    kept.put("d", "D", 9)
    assert (kept.get("big"), kept.get("d")) == ("Y", "D")
