"""How every report shows a rate: a percentage with one decimal, none of nothing."""

from __future__ import annotations


def rate(part: int | None, whole: int | None) -> float | None:
    return round(100.0 * (part or 0) / whole, 1) if whole else None
