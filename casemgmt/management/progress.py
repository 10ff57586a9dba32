"""A one-line progress bar for long commands: on a terminal only, silent in CI logs."""

from __future__ import annotations

import time
from collections.abc import Callable


def counter(stream, *, total: int, unit: str) -> Callable[[int], None] | None:
    """A callback taking "this many more done", or None when ``stream`` (a command's
    ``self.stdout`` or ``self.stderr``) is not a terminal. The line ends at ``total``."""
    if not stream.isatty() or total <= 0:
        return None
    started = time.monotonic()
    done = 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        filled = min(30, int(30 * done / total))
        rate = done / max(time.monotonic() - started, 1e-6)
        stream.write(
            f"\r[{'#' * filled}{'.' * (30 - filled)}] {done:,}/{total:,} {unit} {rate:,.0f}/s",
            ending="\n" if done >= total else "",
        )
        stream.flush()

    return advance
