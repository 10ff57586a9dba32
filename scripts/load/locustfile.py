"""The simulated staff of ``make load`` (started by scripts/load/run.py; locust imports
this file in its own process, which gevent patches: nothing of Django is imported here).

Each simulated user takes the next account of the plan (scripts/load/prepare.py), signs in
through the sign-in form and, when its account has one, the second-factor form with the
code its authenticator app shows, waits for the others to sign in, then, with a pause of a
person between clicks, opens its caseload and its cases, adds notes and records check-ins
through the real forms; the supervisors also open the dashboard and the auditor downloads
an export.

Behind one trusted proxy, as production runs: every request says X-Forwarded-Proto: https,
and each simulated user comes from its own address (X-Forwarded-For), as staff in their
offices do. A request counts as an error unless it answers exactly as a person expects
(a page 200, a saved form a redirect): a sign-out or a refused form is never a success.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import sys
import time
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from urllib.parse import urlencode, urlparse

import gevent
import gevent.event
from locust import FastHttpUser, between, events, task
from locust.exception import StopUser

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from scripts.load.common import DASHBOARD, TOTP_PERIOD, Samples, totp_code  # noqa: E402

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# What a refused form says: the first line of its error summary
# (templates/casemgmt/includes/error_summary.html).
FORM_ERROR = re.compile(
    r'class="alert alert-danger error-summary".*?<li>(?:<a [^>]*>)?([^<]+)', re.S
)
SECOND_STEP = "/accounts/2fa/authenticate/"
# A code sent with less than this left in its period may expire on the way: under load a
# sign-in's requests queue for seconds (allauth accepts the current period's code only).
CODE_MARGIN_SECONDS = 10
NOTE_BODY = "Load test (make load): a note written by the load generator."

SAMPLES = Samples()
_plan: dict = {}
_runner: list = []
_slots = itertools.count()
_signed_in = 0
_everyone_signed_in = gevent.event.Event()


def _setting(name: str, default: str) -> str:
    return os.environ.get(f"LOAD_{name}", default)


@events.test_start.add_listener
def _read_plan(environment, **_kwargs) -> None:
    _plan.update(json.loads(Path(_setting("PLAN", "")).read_text()))
    _runner.append(environment.runner)


@events.request.add_listener
def _record(name, response_time, exception, start_time=None, **_kwargs) -> None:
    error = None if exception is None else str(exception)[:300]
    SAMPLES.add(name, started=start_time or time.time(), ms=response_time, error=error)
    requests = sum(len(t) for t in SAMPLES.timings.values())
    max_errors, max_requests = int(_setting("MAX_ERRORS", "0")), int(_setting("MAX_REQUESTS", "0"))
    if (max_errors and SAMPLES.error_count() >= max_errors) or (
        max_requests and requests >= max_requests
    ):
        gevent.spawn(_runner[0].quit)  # not from inside a user's own greenlet


@events.test_stop.add_listener
def _write_results(environment, **_kwargs) -> None:
    if SAMPLES.window_start is not None and SAMPLES.window_end is None:
        SAMPLES.window_end = time.time()
    results = _setting("RESULTS", "")
    if results:
        Path(results).write_text(json.dumps(SAMPLES.summary(), indent=1))


def _signed_in_and_waited() -> None:
    """Count one user signed in and wait for the others: the mix starts for everyone at
    once, so no dashboard or export holds a worker while others still sign in (their codes
    expire in the queue: allauth accepts the current 30-second period's code only)."""
    global _signed_in
    _signed_in += 1
    if _signed_in == int(_setting("USERS", "0")):
        SAMPLES.window_start = time.time()  # the measured window opens
        _everyone_signed_in.set()
    _everyone_signed_in.wait()


class BehindTlsProxy(DefaultCookiePolicy):
    """Send the Secure (``__Host-``) cookies over loopback HTTP: the proxy in front of the
    app ends TLS, and the app sees HTTPS (X-Forwarded-Proto)."""

    def return_ok_secure(self, cookie, request) -> bool:
        return True


class Staff(FastHttpUser):
    wait_time = between(float(_setting("WAIT_MIN", "1")), float(_setting("WAIT_MAX", "3")))
    default_headers = {"X-Forwarded-Proto": "https"}

    def on_start(self) -> None:
        slot = next(_slots)
        self.account = _plan["accounts"][slot % len(_plan["accounts"])]
        self.rng = random.Random(self.account["username"])  # noqa: S311 - not security
        # Its own address, as an office's machine (one trusted proxy: CASEMGMT_PROXY_COUNT).
        self.address = f"10.77.{slot // 250}.{slot % 250 + 1}"
        self.origin = "https://" + urlparse(self.host).netloc
        self.client.cookiejar.set_policy(BehindTlsProxy())
        self.actions = self._actions()
        self._sign_in()
        _signed_in_and_waited()

    def _actions(self) -> list[tuple[int, object]]:
        account = self.account
        actions = [(3, self.caseload), (4, self.case_page)]
        if account["note_cases"]:
            actions.append((1, self.add_note))
        if account["check_in_cases"]:
            actions.append((1, self.record_check_in))
        if account["dashboard"] and _setting("DASHBOARD", "1") == "1":
            actions.append((1, self.dashboard))
        if account["export"] and _setting("EXPORT", "1") == "1":
            actions.append((1, self.export))
        return actions

    @task
    def act(self) -> None:
        weights = [weight for weight, _ in self.actions]
        self.rng.choices([action for _, action in self.actions], weights)[0]()

    # --- requests ---

    def _get(self, path: str, name: str, *, expect_type: str = "text/html") -> str:
        headers = {"X-Forwarded-For": self.address}
        with self.client.get(
            path, name=name, headers=headers, allow_redirects=False, catch_response=True
        ) as response:
            kind = response.headers.get("Content-Type", "") if response.headers else ""
            if response.status_code != 200:
                where = response.headers.get("Location", "") if response.headers else ""
                response.failure(f"answered {response.status_code} {where}".strip())
            elif not kind.startswith(expect_type):
                response.failure(f"answered {kind}, not {expect_type}")
            return response.text or ""

    def _post(self, path: str, name: str, form: dict[str, str], *, to: str = "") -> str:
        """Send a form; its answer must be a redirect (to a path starting with ``to``, when
        given): returns where to."""
        headers = {
            "X-Forwarded-For": self.address,
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": self.origin,
            "Referer": self.origin + path,
        }
        with self.client.post(
            path,
            name=name,
            data=urlencode(form),
            headers=headers,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                said = FORM_ERROR.search(response.text or "")
                reason = said.group(1).strip() if said else "no message found"
                response.failure(f"answered {response.status_code}, not a redirect: {reason}")
                return ""
            landed = urlparse(response.headers.get("Location", "")).path
            if not landed.startswith(to):
                response.failure(f"redirected to {landed}, not {to}")
            return landed

    def _form_token(self, path: str, name: str) -> str:
        found = CSRF.search(self._get(path, name))
        return found.group(1) if found else ""

    # --- signing in ---

    def _sign_in(self) -> None:
        account = self.account
        token = self._form_token("/accounts/login/", "sign in: form")
        form = {
            "csrfmiddlewaretoken": token,
            "login": account["username"],
            "password": _plan["password"],
        }
        landed = self._post("/accounts/login/", "sign in: password", form)
        if landed == SECOND_STEP:
            token = self._form_token(SECOND_STEP, "sign in: code form")
            code = self._fresh_code(account["totp_secret"])
            landed = self._post(
                SECOND_STEP, "sign in: code", {"csrfmiddlewaretoken": token, "code": code}
            )
        if landed != "/":
            events.request.fire(
                request_type="SIGN-IN",
                name="sign in: landed",
                response_time=0,
                response_length=0,
                exception=RuntimeError(f"{account['username']} landed on {landed!r}, not /"),
            )
            raise StopUser()

    @staticmethod
    def _fresh_code(secret: str) -> str:
        left = TOTP_PERIOD - time.time() % TOTP_PERIOD
        if left < CODE_MARGIN_SECONDS:
            gevent.sleep(left + 0.1)
        return totp_code(secret, time.time())

    # --- the mix ---

    def caseload(self) -> None:
        self._get("/cases/", "caseload")

    def case_page(self) -> None:
        reference = self.rng.choice(self.account["cases"])
        self._get(f"/cases/{reference}/", "case page")

    def add_note(self) -> None:
        reference = self.rng.choice(self.account["note_cases"])
        path = f"/cases/{reference}/add/note/"
        form = {
            "csrfmiddlewaretoken": self._form_token(path, "add note: form"),
            # The record forms' prefix is their kind (casemgmt/record_kinds/types.py).
            "note-category": "general",
            "note-visibility": "case_team",
            "note-body": NOTE_BODY,
        }
        self._post(path, "add note", form, to=f"/cases/{reference}/")

    def record_check_in(self) -> None:
        reference = self.rng.choice(self.account["check_in_cases"])
        path = f"/cases/{reference}/add/check_in/"
        form = {
            "csrfmiddlewaretoken": self._form_token(path, "check-in: form"),
            "check_in-held_on": _plan["today"],
            "check_in-kind": "phone",
            "check_in-outcome": "met",
            "check_in-concerns": "",
        }
        self._post(path, "check-in", form, to=f"/cases/{reference}/")

    def dashboard(self) -> None:
        self._get("/dashboard/", DASHBOARD)

    def export(self) -> None:
        query = urlencode(_plan["export_params"])
        self._get(f"/exports/download/?{query}", "export", expect_type="text/csv")
