#!/usr/bin/env python3
"""Production smoke check (`make smoke-prod`, and a CI step after the PostgreSQL tests).

Runs the app as production does (gunicorn, config.settings.production, PostgreSQL from
DATABASE_URL, behind a proxy that says X-Forwarded-Proto: https) on a free loopback port and
checks what only a real production start shows: security headers, cookie flags, our error
pages, /healthz, that /admin/ needs the second factor (a password alone does not reach
it) and that a user locked out after repeated failures cannot sign in, even with the right
password. Gunicorn is stopped whatever happens.
"""

import argparse
import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "smoke.example.org"
USERNAME = "smoke-prod-admin"
LOCKOUT_ATTEMPTS = 11  # the "11th guess"; the lockout threshold is below it
FAILURES: list[str] = []


def check(condition: bool, what: str) -> None:
    print(f"  {'ok  ' if condition else 'FAIL'} {what}")
    if not condition:
        FAILURES.append(what)


class Site:
    """HTTP to the gunicorn on loopback, as the proxy in front of it would send it."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method, path, *, body=None, https=True, host=HOST, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        sent = {"Host": host, **(headers or {})}
        if https:
            sent["X-Forwarded-Proto"] = "https"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            body = urlencode(body)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Origin"] = f"https://{HOST}"
            sent["Referer"] = f"https://{HOST}{path}"
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        response.text = response.read().decode(errors="replace")
        response.set_cookies = response.headers.get_all("Set-Cookie") or []
        for raw in response.set_cookies:
            for name, morsel in SimpleCookie(raw).items():
                self.cookies[name] = morsel.value
        conn.close()
        return response

    def sign_in(self, username: str, password: str):
        page = self.request("GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        # The field is "username" today, "login" with the two-factor sign-in.
        field = "login" if 'name="login"' in page.text else "username"
        form = {"csrfmiddlewaretoken": token.group(1) if token else "", "password": password}
        return self.request("POST", "/accounts/login/", body={**form, field: username})


# Production's names (config/settings/production.py): the __Host- prefix.
SESSION_COOKIE = "__Host-sessionid"
CSRF_COOKIE = "__Host-csrftoken"


def cookie_flags(response, name: str) -> str | None:
    for raw in response.set_cookies:
        if raw.startswith(f"{name}="):
            return raw.lower()
    return None


# --- the checks ---


def check_health(site: Site) -> None:
    response = site.request("GET", "/healthz", https=False)
    check(response.status == 200, "/healthz answers 200 over plain HTTP (load balancer)")
    check(
        json.loads(response.text or "{}").get("database") == "ok", "/healthz reaches the database"
    )


def check_headers(site: Site) -> None:
    plain = site.request("GET", "/accounts/login/", https=False)
    check(
        plain.status == 301 and plain.getheader("Location", "").startswith("https://"),
        "plain HTTP is redirected to HTTPS",
    )
    page = site.request("GET", "/accounts/login/")
    check(page.status == 200, "the sign-in page answers 200 over HTTPS")
    csp = page.getheader("Content-Security-Policy", "")
    check("default-src 'self'" in csp and "frame-ancestors 'none'" in csp, "CSP is sent")
    script = re.search(r"script-src ([^;]*)", csp)
    check(bool(script) and "unsafe" not in script.group(1), "CSP allows no inline script")
    hsts = page.getheader("Strict-Transport-Security", "")
    check("max-age=31536000" in hsts and "includeSubDomains" in hsts, "HSTS is sent")
    check(page.getheader("X-Content-Type-Options") == "nosniff", "X-Content-Type-Options")
    check(page.getheader("X-Frame-Options") == "DENY", "X-Frame-Options DENY")
    check(page.getheader("Referrer-Policy") == "same-origin", "Referrer-Policy same-origin")
    csrf = cookie_flags(page, CSRF_COOKIE) or ""
    check(
        all(flag in csrf for flag in ("secure", "httponly", "samesite=lax")),
        f"the CSRF cookie is Secure, HttpOnly, SameSite=Lax ({csrf or 'not set'})",
    )
    check(
        "path=/" in csrf and "domain=" not in csrf, "the CSRF cookie is __Host- (Path=/, no Domain)"
    )


def check_session_cookie(site: Site, password: str) -> None:
    response = site.sign_in(USERNAME, password)
    check(response.status == 302, "a user signs in with the right password")
    session = cookie_flags(response, SESSION_COOKIE) or ""
    check(
        all(flag in session for flag in ("secure", "httponly", "samesite=lax")),
        f"the session cookie is Secure, HttpOnly, SameSite=Lax ({session or 'not set'})",
    )
    check(
        "path=/" in session and "domain=" not in session,
        "the session cookie is __Host- (Path=/, no Domain)",
    )
    check(
        "expires=" not in session and "max-age=" not in session,
        "the session cookie ends when the browser closes",
    )
    # A required user without a second factor is sent to enrolment: both answers count.
    page = site.request("GET", "/")
    pages = [page]
    if page.status == 302:
        pages.append(site.request("GET", page.getheader("Location", "/")))
    check(
        pages[-1].status == 200
        and all("no-store" in p.getheader("Cache-Control", "") for p in pages),
        "a signed-in page is never stored",
    )
    site.cookies.clear()


def check_error_pages(site: Site) -> None:
    marker = f"x-{secrets.token_hex(4)}"
    missing = site.request("GET", f"/smoke/%3Cscript%3E{marker}%3C/script%3E/")
    check(missing.status == 404 and "Page not found" in missing.text, "404 is our page")
    check(marker not in missing.text, "404 does not echo the path")
    nul = site.request("GET", "/cases/?q=%00")
    check(nul.status == 400 and "could not be understood" in nul.text, "400 is our page")
    other_host = site.request("GET", "/accounts/login/", host="evil.example")
    check(other_host.status == 400, "an unknown Host header is refused (400)")
    for response in (missing, nul, other_host):
        text = response.text
        check(
            not any(
                leak in text for leak in ("Traceback", "DisallowedHost", "settings.py", "SELECT ")
            ),
            f"the {response.status} page reveals nothing",
        )


def check_admin_needs_second_factor(site: Site, password: str) -> None:
    """The administrator signs in with a password alone: the admin must stay shut."""
    site.sign_in(USERNAME, password)
    admin = site.request("GET", "/admin/")
    reached = admin.status == 200 and "Site administration" in admin.text
    check(not reached, "/admin/ cannot be reached with a password alone")
    site.cookies.clear()


def check_locked_out_user_cannot_sign_in(site: Site, password: str) -> None:
    """The 11th guess: after 10 failures even the right password does not sign in."""
    for _ in range(LOCKOUT_ATTEMPTS - 1):
        site.sign_in(USERNAME, "wrong-" + secrets.token_hex(8))
        site.cookies.clear()
    response = site.sign_in(USERNAME, password)
    check(
        response.status != 302 and cookie_flags(response, SESSION_COOKIE) is None,
        f"after {LOCKOUT_ATTEMPTS - 1} failures the right password does not sign in",
    )
    site.cookies.clear()


# --- running gunicorn ---


AUDIT_KEY = ROOT / "var" / "smoke-audit-signing-key.pem"


def production_env() -> dict[str, str]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("smoke-prod needs PostgreSQL: set DATABASE_URL=postgres://...")
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "smoke-" + secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_LOG_LEVEL": "WARNING",
        # Made below by audit_keygen, as an operator would (production never makes one).
        "CASEMGMT_AUDIT_SIGNING_KEY_FILE": str(AUDIT_KEY),
    }


def manage(env, *args) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(site: Site, server: subprocess.Popen) -> None:
    for _ in range(100):
        if server.poll() is not None:
            sys.exit("gunicorn exited at start")
        try:
            if site.request("GET", "/healthz", https=False).status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit("gunicorn did not answer /healthz within 20 s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.parse_args()
    env = production_env()
    password = secrets.token_urlsafe(24)
    if not AUDIT_KEY.exists():
        manage(env, "audit_keygen", "--private", str(AUDIT_KEY), "--public", "-")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "createcachetable")
    manage(env, "collectstatic", "--noinput", "-v0")
    create = (
        "from casemgmt.models import User; from casemgmt.roles import Role; "
        "from axes.utils import reset; "
        # Kept between runs (its sign-ins are in the audit trail), made usable again.
        f"u = User.objects.filter(username='{USERNAME}').first() or User(username='{USERNAME}'); "
        "u.role, u.is_superuser, u.is_active = Role.ADMINISTRATOR, True, True; "
        "import sys; u.set_password(sys.stdin.readline().strip()); u.save(); "
        f"reset(username='{USERNAME}')"
    )
    subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", create],
        cwd=ROOT,
        env=env,
        input=password + "\n",
        text=True,
        check=True,
    )
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        site = Site(port)
        wait_until_up(site, server)
        print(f"smoke-prod: gunicorn on 127.0.0.1:{port}, production settings")
        check_health(site)
        check_headers(site)
        check_session_cookie(site, password)
        check_error_pages(site)
        check_admin_needs_second_factor(site, password)
        check_locked_out_user_cannot_sign_in(site, password)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        subprocess.run(
            [
                PYTHON,
                "manage.py",
                "shell",
                "-c",
                "from casemgmt.models import User; "
                f"User.objects.filter(username='{USERNAME}').update(is_active=False)",
            ],
            cwd=ROOT,
            env=env,
            check=False,
        )
    if FAILURES:
        print(f"smoke-prod: {len(FAILURES)} check(s) failed")
        return 1
    print("smoke-prod: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
