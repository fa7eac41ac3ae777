"""Values read from the database and remembered by this process for a few seconds.

Reference data (categories, promise policies) and what a token stands for change
rarely and are read on almost every request. Each process keeps what it read for a
number of seconds named by a setting; the process that changes a row forgets at once
(model signals call ``forget``), the other processes when the seconds have passed.
A setting of 0 turns remembering off.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from django.conf import settings
from django.db import transaction

T = TypeVar("T")


def forget_now_and_at_commit(forget: Callable[[], None]) -> None:
    """A row behind remembered values changed in this process: forget them now, and
    again when the transaction commits, so that another thread of this process that
    read the old row before the commit does not keep it."""
    forget()
    transaction.on_commit(forget)


class Remembered(Generic[T]):  # noqa: UP046 - one style with the rest of the code
    """One kind of remembered value, by key, for ``settings.<setting>`` seconds."""

    def __init__(self, setting: str, most: int = 2000) -> None:
        self.setting = setting
        self.most = most
        self._seen: dict[Hashable, tuple[float, T]] = {}

    def seconds(self) -> float:
        return float(getattr(settings, self.setting))

    def get(self, key: Hashable, read: Callable[[], T | None]) -> T | None:
        """The value remembered under ``key``, or what ``read`` returns (then remembered)."""
        seconds = self.seconds()
        if seconds <= 0:
            return read()
        seen = self._seen.get(key)
        now = time.time()  # wall time, which the tests can move; a jump either way reads again
        if seen is not None and abs(now - seen[0]) < seconds:
            return seen[1]
        value = read()
        if value is None:  # nothing found is not remembered: it may be made in another process
            self._seen.pop(key, None)
            return value
        if len(self._seen) >= self.most:
            self._seen.clear()
        self._seen[key] = (now, value)
        return value

    def forget(self, key: Hashable | None = None, where: Callable[[T], bool] | None = None) -> None:
        """Forget one key, the values ``where`` is true of, or (neither given) everything."""
        if key is None and where is None:
            self._seen.clear()
        if key is not None:
            self._seen.pop(key, None)
        if where is not None:
            for known, (_at, value) in list(self._seen.items()):
                if where(value):
                    self._seen.pop(known, None)

    def changed(self) -> None:
        """A row behind these values changed in this process (``forget_now_and_at_commit``)."""
        forget_now_and_at_commit(self.forget)
