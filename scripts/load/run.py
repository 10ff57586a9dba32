#!/usr/bin/env python3
"""Load run (`make load`, docs/performance.md "Load"): gunicorn with production settings
and 2 workers on a free loopback port, against the PostgreSQL in DATABASE_URL, driven by
locust, headless and bounded in time, with simulated staff who sign in with their second
factor and work: caseload, case pages, notes, check-ins, the dashboard and an export.

Prints throughput and p50/p95/p99 per request type and for the whole mix (with and
without the dashboard); exits non-zero if any request failed. Gunicorn is stopped and the
load accounts deactivated whatever happens. Never part of `make test` or CI.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
BIN = Path(PYTHON).parent
WORK = ROOT / "var" / "load"
# The key the local and benchmark databases' trail is sealed with (config/settings/base.py).
AUDIT_KEY = ROOT / "var" / "audit-signing-key.pem"
# Kept between runs: the load accounts' authenticator secrets are encrypted with it.
SECRET_KEY_FILE = WORK / "secret-key"
WORKERS = 2


def refuse_unless_postgresql(url: str) -> None:
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "make load needs PostgreSQL: set DATABASE_URL=postgres://... "
            "(SQLite serves one writer at a time; its figures would say nothing of production)."
        )


def secret_key() -> str:
    if not SECRET_KEY_FILE.exists():
        SECRET_KEY_FILE.parent.mkdir(parents=True, exist_ok=True)
        SECRET_KEY_FILE.write_text(secrets.token_urlsafe(64))
        SECRET_KEY_FILE.chmod(0o600)
    return SECRET_KEY_FILE.read_text().strip()


def production_env() -> dict[str, str]:
    """Production's settings, behind one trusted proxy (X-Forwarded-For, -Proto)."""
    refuse_unless_postgresql(os.environ.get("DATABASE_URL", ""))
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secret_key(),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_LOG_LEVEL": "WARNING",
        "CASEMGMT_AUDIT_SIGNING_KEY_FILE": os.environ.get(
            "CASEMGMT_AUDIT_SIGNING_KEY_FILE", str(AUDIT_KEY)
        ),
        "CASEMGMT_PROXY_COUNT": "1",
    }


def run(env, *args: str) -> None:
    subprocess.run([PYTHON, *args], cwd=ROOT, env=env, check=True)  # noqa: S603 - ours


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env, port: int) -> subprocess.Popen:
    command = [
        str(BIN / "gunicorn"),
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(WORKERS),
        # As deployed (docker/compose.yaml): the audit trail's export streams for minutes.
        "--timeout",
        "300",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603
    for _ in range(150):
        if server.poll() is not None:
            sys.exit("gunicorn exited at start")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):  # noqa: S310
                return server
        except OSError:
            time.sleep(0.2)
    stop(server)
    sys.exit("gunicorn did not answer /healthz within 30 s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def run_locust(env, args, port: int, plan: Path, results: Path) -> int:
    """Locust in its own process (gevent stays there), its log in var/load/locust.log;
    a progress line on a terminal, nothing in a pipe or CI log."""
    command = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "scripts" / "load" / "locustfile.py"),
        "--headless",
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.spawn_rate),
        "--run-time",
        f"{args.run_time}s",
        "--stop-timeout",
        "30",
        "--host",
        f"http://127.0.0.1:{port}",
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    locust_env = {
        **env,
        "LOAD_PLAN": str(plan),
        "LOAD_RESULTS": str(results),
        "LOAD_USERS": str(args.users),
        "LOAD_WAIT_MIN": str(args.wait[0]),
        "LOAD_WAIT_MAX": str(args.wait[1]),
        "LOAD_DASHBOARD": "1" if args.dashboard else "0",
        "LOAD_EXPORT": "1" if args.export else "0",
        "LOAD_MAX_ERRORS": str(args.max_errors),
        "LOAD_MAX_REQUESTS": str(args.max_requests),
    }
    log = WORK / "locust.log"
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603 - our locust, fixed arguments
            command, cwd=ROOT, env=locust_env, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            show = sys.stdout.isatty()
            started = time.monotonic()
            while process.poll() is None:
                if show:
                    done = min(1.0, (time.monotonic() - started) / args.run_time)
                    bar = "#" * int(30 * done) + "." * (30 - int(30 * done))
                    print(f"\r[{bar}] {time.monotonic() - started:.0f}/{args.run_time}s", end="")
                time.sleep(0.5)
            if show:
                print()
        finally:
            stop(process)
    return process.returncode


def row(name: str, f: dict) -> str:
    return (
        f"  {name:<26} {f['requests']:>7} {f['errors']:>6} {f['per_second']:>7.2f}"
        f" {f['p50']:>8.0f} {f['p95']:>8.0f} {f['p99']:>8.0f}"
    )


def report(summary: dict, args) -> None:
    print(
        f"load: {args.users} users (spawn {args.spawn_rate}/s, pause {args.wait[0]:g}-"
        f"{args.wait[1]:g} s), gunicorn {WORKERS} workers; measured {summary['seconds']:.0f} s"
        " once every user had signed in (sign-ins: whole run)"
    )
    heading = ("count", 7), ("errors", 6), ("req/s", 7), ("p50 ms", 8), ("p95 ms", 8), ("p99 ms", 8)
    print(f"  {'request':<26}" + "".join(f" {title:>{width}}" for title, width in heading))
    for name, figures in summary["rows"].items():
        print(row(name, figures))
    print(row("ALL (the mix)", summary["mix"]))
    print(row("ALL but the dashboard", summary["mix_without_dashboard"]))
    print(f"load: {summary['errors']} error(s)")
    for message in summary["first_errors"]:
        print(f"  {message}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=12, help="simulated staff (default 12)")
    parser.add_argument("--spawn-rate", type=float, default=2.0, help="users started a second")
    parser.add_argument("--run-time", type=int, default=90, help="seconds, sign-ins included")
    parser.add_argument(
        "--wait",
        type=float,
        nargs=2,
        default=(1.0, 3.0),
        metavar=("MIN", "MAX"),
        help="a person's pause between requests, seconds (default 1 3)",
    )
    parser.add_argument("--dashboard", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--export", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument(
        "--max-errors", type=int, default=10, help="stop after this many (0: never)"
    )
    parser.add_argument(
        "--max-requests", type=int, default=0, help="stop after this many (0: never)"
    )
    parser.add_argument("--seed-cases", type=int, default=500, help="cases seeded on an empty base")
    args = parser.parse_args()
    env = production_env()
    WORK.mkdir(parents=True, exist_ok=True)
    if not Path(env["CASEMGMT_AUDIT_SIGNING_KEY_FILE"]).exists():
        run(
            env,
            "manage.py",
            "audit_keygen",
            "--private",
            env["CASEMGMT_AUDIT_SIGNING_KEY_FILE"],
            "--public",
            "-",
        )
    run(env, "manage.py", "migrate", "--noinput", "-v0")
    run(env, "manage.py", "createcachetable")
    run(env, "manage.py", "collectstatic", "--noinput", "-v0")
    plan, results = WORK / "plan.json", WORK / "results.json"
    results.unlink(missing_ok=True)
    prepare = str(ROOT / "scripts" / "load" / "prepare.py")
    server = None
    try:
        run(
            env,
            prepare,
            "--users",
            str(args.users),
            "--seed-cases",
            str(args.seed_cases),
            "--plan",
            str(plan),
        )
        port = free_port()
        server = start_gunicorn(env, port)
        locust_rc = run_locust(env, args, port, plan, results)
    finally:
        if server is not None:
            stop(server)
        plan.unlink(missing_ok=True)
        run(env, prepare, "--finish")
    if not results.exists():
        print(f"load: locust wrote no results (exit {locust_rc}); see {WORK / 'locust.log'}")
        return 1
    summary = json.loads(results.read_text())
    report(summary, args)
    if summary["errors"] or locust_rc != 0:
        if not summary["errors"]:
            print(f"load: locust exited {locust_rc}; see {WORK / 'locust.log'}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
