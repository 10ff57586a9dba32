"""Peak memory of a run: how much the process's resident memory grew at most while it ran.

Read from the kernel (Linux): the high-water mark is reset first (``clear_refs``), then
compared with the resident size at the start. Unlike ``tracemalloc`` it costs nothing
while timing and sees the driver's own buffers too; where it cannot be read (not Linux)
the figure has no memory column.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

STATUS = Path("/proc/self/status")
CLEAR_REFS = Path("/proc/self/clear_refs")
# Written to clear_refs, resets the peak resident size to the current one (Linux 4.0+).
RESET_PEAK = "5"


@dataclass
class PeakGrowth:
    bytes: int | None = None


def _status_kib(field: str) -> int:
    for line in STATUS.read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise OSError(f"no {field} in {STATUS}")


@contextmanager
def peak_growth():
    """Yields a ``PeakGrowth`` whose ``bytes`` is set when the block ends."""
    peak = PeakGrowth()
    try:
        CLEAR_REFS.write_text(RESET_PEAK)
        before = _status_kib("VmRSS")
    except (OSError, ValueError):
        yield peak
        return
    yield peak
    try:
        peak.bytes = max(0, _status_kib("VmHWM") - before) * 1024
    except (OSError, ValueError):
        peak.bytes = None
