"""The "Floors" block of a text report and the JSON ``pins`` list: every floor with its
window and where it came from, and under it the pin (the newest supported release) and
where that came from, so a reader sees the whole window a run judged against."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from compatlint.floor_sources import pin_of

if TYPE_CHECKING:
    from compatlint.floor_sources import FloorSource, FloorSources, PinSource


def floor_block(sources: FloorSources, pins: Sequence[PinSource] = ()) -> list[str]:
    """Name, window, source (and note) per floor, its pin on the line below; a pin whose
    upstream or track has no floor comes last, said so."""
    entries = sources.entries
    matched = [_pin_of(pins, entry) for entry in entries]
    orphans = [pin for pin in pins if pin not in matched]
    if not entries and not orphans:
        return ["Floors: none"]
    names = [_label(e.name, e.is_track) for e in entries]
    names += [_label(p.name, p.is_track) for p in orphans]
    windows = [entry.window_text() for entry in entries]
    name_width = max(len(name) for name in names)
    window_width = max((len(window) for window in windows), default=0)
    lines = ["Floors"]
    for entry, name, window, pin in zip(entries, names, windows, matched, strict=False):
        note = f" ({entry.note})" if entry.note else ""
        lines.append(
            f"  {name.ljust(name_width)}  {window.ljust(window_width)}  {entry.source}{note}"
        )
        if pin is not None:
            lines.append(_pin_line(pin))
    for pin, name in zip(orphans, names[len(entries) :], strict=True):
        lines += [f"  {name.ljust(name_width)}  no floor", _pin_line(pin)]
    return lines


def pins_json(pins: Sequence[PinSource]) -> list[dict[str, str | bool]]:
    """One record per pin: its upstream or track, the release, where it came from."""
    return [
        {"name": pin.name, "track": pin.is_track, "version": str(pin.version), "source": pin.source}
        for pin in pins
    ]


def _pin_of(pins: Sequence[PinSource], entry: FloorSource) -> PinSource | None:
    return pin_of(pins, entry.name, entry.name if entry.is_track else None)


def _label(name: str, is_track: bool) -> str:
    return f"{name} track" if is_track else name


def _pin_line(pin: PinSource) -> str:
    return f"    pin {pin.version} ({pin.source})"


__all__ = ["floor_block", "pins_json"]
