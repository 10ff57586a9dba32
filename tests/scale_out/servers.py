"""Real app servers for the scale-out test: gunicorn processes and a job worker started on
loopback against the test's PostgreSQL database, and a small HTTP client that signs in
through the forms (password, then the authenticator's code) as a browser behind the proxy
would."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parents[2]
HOST = "scale-out.example.org"
SESSION_COOKIE = "__Host-sessionid"
CSRF_COOKIE = "__Host-csrftoken"
START_TIMEOUT = 30  # seconds for a server to answer /healthz


def database_url(settings_dict: dict) -> str:
    """The URL of the test's own database (``settings.DATABASES['default']`` once the test
    database is set up), for the processes started here."""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = settings_dict.get("PASSWORD") or ""
    credentials = f"{user}:{quote(password, safe='')}" if password else user
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{credentials}@{host}:{port}/{settings_dict['NAME']}"


def server_env(settings_dict: dict, *, factor_key: str, audit_key_file: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.scale_out.settings",
        "DATABASE_URL": database_url(settings_dict),
        "DJANGO_SECRET_KEY": "scale-out-" + secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_LOG_LEVEL": "WARNING",
        # Both servers and the test process read the authenticators' secrets with one key.
        "CASEMGMT_FACTOR_KEYS": factor_key,
        "CASEMGMT_AUDIT_SIGNING_KEY_FILE": str(audit_key_file),
        "PYTHONUNBUFFERED": "1",
    }


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


@contextmanager
def process(args: list[str], env: dict[str, str]):
    """A child process in its own group, stopped (and its children) whatever happens."""
    child = subprocess.Popen(args, cwd=ROOT, env=env, start_new_session=True)
    try:
        yield child
    finally:
        _stop(child)


@contextmanager
def app_server(env: dict[str, str], *, workers: int = 2):
    """gunicorn with ``workers`` sync workers on a free loopback port, as production runs it;
    yields the port once /healthz answers."""
    port = free_port()
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    args = [gunicorn, "config.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    args += ["--workers", str(workers), "--log-level", "warning"]
    with process(args, env) as server:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn on port {port} exited at start")
            try:
                if Browser(port).request("GET", "/healthz", https=False).status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn on port {port} did not answer /healthz")
            time.sleep(0.2)
        yield port


@contextmanager
def job_worker(env: dict[str, str]):
    """The job worker (``manage.py procrastinate worker``): runs the sealer every 5 s."""
    with process([sys.executable, "manage.py", "procrastinate", "worker"], env) as worker:
        yield worker


@dataclass
class Response:
    status: int
    location: str
    text: str


@dataclass
class Browser:
    """One person's browser talking to one app server through the proxy: its own cookies.
    ``moved_to`` points it at another server with the same cookies (the session is in the
    database, so any server serves it)."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def moved_to(self, port: int) -> Browser:
        return Browser(port, self.cookies)

    def request(self, method, path, *, data=None, https=True) -> Response:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Host": HOST}
        if https:
            headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode({"csrfmiddlewaretoken": self.cookies.get(CSRF_COOKIE, ""), **data})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://{HOST}"
            headers["Referer"] = f"https://{HOST}{path}"
        try:
            conn.request(method, path, body=body, headers=headers)
            raw = conn.getresponse()
            text = raw.read().decode(errors="replace")
            for cookie in raw.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(cookie).items():
                    self.cookies[name] = morsel.value
            return Response(raw.status, raw.getheader("Location", ""), text)
        finally:
            conn.close()

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: dict) -> Response:
        if CSRF_COOKIE not in self.cookies:
            self.get("/accounts/login/")
        return self.request("POST", path, data=data)

    def sign_in(self, username: str, password: str, code: str) -> None:
        """Password, then the authenticator's code, through allauth's two forms."""
        self.get("/accounts/login/")
        first = self.post("/accounts/login/", {"login": username, "password": password})
        if first.status != 302 or "2fa/authenticate" not in first.location:
            raise AssertionError(f"{username}: password step answered {first.status}")
        second = self.post("/accounts/2fa/authenticate/", {"code": code})
        if second.status != 302 or SESSION_COOKIE not in self.cookies:
            errors = re.findall(r'class="[^"]*invalid-feedback[^"]*"[^>]*>([^<]*)', second.text)
            raise AssertionError(f"{username}: code step answered {second.status} {errors}")
