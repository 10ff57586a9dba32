"""What the load run's parts share without importing Django or locust: the authenticator
app's codes, and the figures made from the requests' timings.

Standard library only, so the runner, the locustfile (in locust's gevent-patched process)
and the tests (in pytest's, never patched) can all import it."""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import struct
from dataclasses import dataclass, field

TOTP_PERIOD = 30  # allauth's default (MFA_TOTP_PERIOD), which this project keeps
TOTP_DIGITS = 6


def totp_code(secret: str, at: float) -> str:
    """The code an authenticator app shows at ``at`` for a base32 ``secret`` (RFC 6238,
    HMAC-SHA1, as allauth checks it)."""
    key = base64.b32decode(secret.encode("ascii"), casefold=True)
    digest = hmac.new(key, struct.pack(">Q", int(at) // TOTP_PERIOD), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**TOTP_DIGITS:0{TOTP_DIGITS}d}"


def percentile(sorted_ms: list[float], share: float) -> float:
    """Nearest-rank percentile of already sorted values (``share`` 0.95 for p95)."""
    if not sorted_ms:
        return math.nan
    rank = max(1, math.ceil(share * len(sorted_ms)))
    return sorted_ms[rank - 1]


@dataclass
class Figures:
    """One row of the report: a request type, or several taken together."""

    requests: int
    errors: int
    p50: float
    p95: float
    p99: float
    per_second: float

    @classmethod
    def of(cls, timings: list[float], errors: int, seconds: float) -> Figures:
        ordered = sorted(timings)
        return cls(
            requests=len(ordered),
            errors=errors,
            p50=percentile(ordered, 0.50),
            p95=percentile(ordered, 0.95),
            p99=percentile(ordered, 0.99),
            per_second=len(ordered) / seconds if seconds > 0 else 0.0,
        )


# Sign-ins happen once per simulated user, at its start: their own rows, not the mix's.
SIGN_IN_PREFIX = "sign in"
DASHBOARD = "dashboard"


@dataclass
class Samples:
    """Every request's time in milliseconds, by request type; the mix's figures count only
    requests that started once every simulated user had signed in (the measured window)."""

    timings: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    errors: dict[str, list[tuple[float, str]]] = field(default_factory=dict)
    window_start: float | None = None
    window_end: float | None = None

    def add(self, name: str, *, started: float, ms: float, error: str | None) -> None:
        self.timings.setdefault(name, []).append((started, ms))
        if error is not None:
            self.errors.setdefault(name, []).append((started, error))

    def error_count(self) -> int:
        return sum(len(found) for found in self.errors.values())

    def _in_window(self, name: str, started: float) -> bool:
        if name.startswith(SIGN_IN_PREFIX):
            return True
        return self.window_start is not None and started >= self.window_start

    def summary(self) -> dict:
        """The report as plain data (JSON): per type, all of the mix, the mix without the
        dashboard, and the first errors' messages."""
        seconds = (
            (self.window_end or 0) - self.window_start if self.window_start is not None else 0.0
        )
        rows: dict[str, Figures] = {}
        mix: list[float] = []
        mix_errors = 0
        without: list[float] = []
        without_errors = 0
        for name in sorted(self.timings):
            kept = [ms for started, ms in self.timings[name] if self._in_window(name, started)]
            errors = sum(
                1 for started, _ in self.errors.get(name, []) if self._in_window(name, started)
            )
            rows[name] = Figures.of(kept, errors, seconds)
            if name.startswith(SIGN_IN_PREFIX):
                continue
            mix += kept
            mix_errors += errors
            if name != DASHBOARD:
                without += kept
                without_errors += errors
        messages = sorted(
            (started, f"{name}: {message}")
            for name, found in self.errors.items()
            for started, message in found
        )
        return {
            "seconds": seconds,
            "errors": self.error_count(),
            "rows": {name: vars(figures) for name, figures in rows.items()},
            "mix": vars(Figures.of(mix, mix_errors, seconds)),
            "mix_without_dashboard": vars(Figures.of(without, without_errors, seconds)),
            "first_errors": [message for _, message in messages[:10]],
        }
