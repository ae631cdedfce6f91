"""`make loadtest`: the whole flow under load on loopback, then a check of what it left.

Starts, on a throwaway PostgreSQL database (created next to the one DATABASE_URL names, or on
127.0.0.1:5432 as postgres) and Redis (STEPWISE_LOAD_REDIS, default db 12): an SMTP sink, two
gunicorn instances (two workers each) and two Celery workers. Runs locust headless for
DURATION seconds: 40 clinicians (sign in, register, complete the wizard, submit) and 10
supervisors (queue, claim, approve with signature), split across both instances. Waits for the
background work to finish, then checks the database: every submitted assessment has exactly one
recommendation, every approval exactly one signature and one PDF, no work item ran twice, no
email went out twice, and nothing the users completed is missing. Measures the same servers'
throughput on a trivial page for comparison. Prints `key: value` lines, writes them to
loadtest/results.json, and stops everything it started (and drops the database)."""

from __future__ import annotations

import csv
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
DURATION = int(os.environ.get("STEPWISE_LOAD_SECONDS", "60"))
CLINICIANS, SUPERVISORS = 40, 10
PORTS = (8201, 8202)
DB_NAME = "stepwise_loadtest"


def server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}"
    return "postgres://postgres@127.0.0.1:5432"


def admin_sql(sql: str) -> None:
    import psycopg2

    parts = urlsplit(server_url())
    conn = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username or "postgres",
        password=parts.password or None, dbname="postgres",
    )  # fmt: skip
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(sql)
    conn.close()


def free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"loadtest: {url} did not come up")


class Processes:
    def __init__(self):
        self.started: list[subprocess.Popen] = []

    def start(self, args: list[str], env: dict, log: Path) -> subprocess.Popen:
        handle = open(log, "w")  # noqa: SIM115 - closed with the process
        p = subprocess.Popen(args, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
                             start_new_session=True)  # fmt: skip
        self.started.append(p)
        return p

    def stop(self) -> None:
        for p in self.started:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for p in self.started:
            try:
                p.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)


def setup_people() -> dict:
    """The load users: 40 clinicians and 10 supervisors of one program."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from accounts.models import Membership, Program
    from accounts.roles import Role

    program = Program.objects.get(code="riverside")
    User = get_user_model()
    password = make_password("stepwise-demo-2026")
    names = {"clinicians": [], "supervisors": []}
    for role, count, key in ((Role.CLINICIAN, CLINICIANS, "clinicians"),
                             (Role.SUPERVISOR, SUPERVISORS, "supervisors")):  # fmt: skip
        for i in range(1, count + 1):
            username = f"load.{key[:-1]}{i:02d}"
            user = User.objects.create(
                username=username, email=f"{username}@example.org", password=password,
                first_name="Load", last_name=f"{key[:-1].title()} {i}",
            )  # fmt: skip
            Membership.objects.create(user=user, program=program, role=role)
            names[key].append(username)
    return names


def locust(args: list[str], env: dict, prefix: Path, log: Path) -> dict:
    command = [str(VENV_BIN / "locust"), "-f", str(ROOT / "loadtest" / "locustfile.py"),
               "--headless", "--csv", str(prefix), "--only-summary", *args]  # fmt: skip
    with open(log, "w") as handle:
        subprocess.run(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
                       check=False, timeout=DURATION + 180)  # fmt: skip
    with open(f"{prefix}_stats.csv") as fh:
        rows = {r["Name"]: r for r in csv.DictReader(fh)}
    return rows["Aggregated"]


def number(text: str) -> float:
    try:
        return float(text)
    except ValueError:  # "N/A" when nothing was measured
        return 0.0


def drain(seconds: float = 180) -> int:
    from placement.models import WorkItem

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pending = WorkItem.objects.filter(done_at__isnull=True, failed_at__isnull=True).count()
        if not pending:
            return 0
        time.sleep(1)
    return pending


def check(counts: dict, sink) -> dict:
    from django.db.models import Count

    from intake.models import Assessment
    from placement.models import (
        EmailStatus,
        OutboxEmail,
        Placement,
        PlacementDocument,
        Signature,
        WorkItem,
    )

    submitted = Assessment.objects.filter(status__in=["submitted", "signed"])
    not_one_rec = submitted.annotate(n=Count("recommendations")).exclude(n=1).count()
    signed = Placement.objects.filter(status="signed")
    no_signature = signed.exclude(pk__in=Signature.objects.values("placement_id")).count()
    no_pdf = signed.exclude(pk__in=PlacementDocument.objects.values("placement_id")).count()
    ran_twice = WorkItem.objects.filter(attempts__gt=1).count()
    unfinished = WorkItem.objects.filter(done_at__isnull=True).count()
    sent = OutboxEmail.objects.filter(status=EmailStatus.SENT).count()
    delivered = sum(sink.received.values())
    placements = Placement.objects.filter(submitted_by__username__startswith="load.").count()
    problems = {
        "assessments_without_exactly_one_recommendation": not_one_rec,
        "signed_without_signature": no_signature,
        "signed_without_pdf": no_pdf,
        "work_items_run_more_than_once": ran_twice,
        "work_items_unfinished": unfinished,
        "emails_delivered_not_once": abs(delivered - sent),
        "intakes_submitted_but_missing": abs(counts["intakes_submitted"] - placements),
        "approvals_made_but_missing": abs(counts["approvals"] - signed.count()),
    }
    return {"problems": problems, "placements": placements, "signed": signed.count()}


def main() -> None:
    for port in PORTS:
        if not free(port):
            raise SystemExit(f"loadtest: port {port} is in use")
    redis = os.environ.get("STEPWISE_LOAD_REDIS", "redis://127.0.0.1:6379/12")
    database = f"{server_url()}/{DB_NAME}"
    work = Path(tempfile.mkdtemp(prefix="stepwise-load-"))
    sys.path.insert(0, str(ROOT))
    from aiosmtpd.controller import Controller

    from tests.smtp_sink import Sink, free_port

    sink = Sink()
    smtp_port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "False",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database,
        "CELERY_BROKER_URL": redis,
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(smtp_port),
        "STEPWISE_LOAD_HOSTS": ",".join(f"http://127.0.0.1:{p}" for p in PORTS),
        "STEPWISE_LOAD_USERS": str(work / "users.json"),
        "STEPWISE_LOAD_COUNTS": str(work / "counts.json"),
    }
    os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "DJANGO_DEBUG",
                                           "DATABASE_URL", "CELERY_BROKER_URL",
                                           "DJANGO_ALLOWED_HOSTS")})  # fmt: skip
    admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME}")
    admin_sql(f"CREATE DATABASE {DB_NAME}")
    processes = Processes()
    try:
        python = str(VENV_BIN / "python")
        subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run([python, "manage.py", "seed_demo"], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        import django

        django.setup()
        (work / "users.json").write_text(json.dumps(setup_people()))
        subprocess.run([str(VENV_BIN / "celery"), "-A", "config", "purge", "-f"], cwd=ROOT,
                       env=env, check=False, stdout=subprocess.DEVNULL)  # fmt: skip
        controller.start()
        for port in PORTS:
            processes.start(
                [str(VENV_BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}",
                 "--workers", "2", "--timeout", "60"],
                env, work / f"gunicorn-{port}.log",
            )  # fmt: skip
        for n in (1, 2):
            processes.start(
                [str(VENV_BIN / "celery"), "-A", "config", "worker", "-c", "1", "-n",
                 f"load{n}@%h", "--without-gossip", "--without-mingle", "--loglevel=WARNING"],
                env, work / f"worker-{n}.log",
            )  # fmt: skip
        for port in PORTS:
            wait_for(f"http://127.0.0.1:{port}/accounts/login/")

        base = locust(["Baseline", "-u", "20", "-r", "20", "-t", "15s"], env,
                      work / "baseline", work / "locust-baseline.log")  # fmt: skip
        started = time.monotonic()
        flow = locust(
            ["Clinician", "Supervisor", "-u", str(CLINICIANS + SUPERVISORS), "-r", "10",
             "-t", f"{DURATION}s", "--stop-timeout", "60"],
            env, work / "flow", work / "locust-flow.log",
        )  # fmt: skip
        elapsed = time.monotonic() - started
        counts = json.loads((work / "counts.json").read_text())
        left = drain()
        result = check(counts, sink)
        lost_or_duplicated = sum(result["problems"].values())
        figures = {
            "load.seconds": DURATION,
            "load.clinicians": CLINICIANS,
            "load.supervisors": SUPERVISORS,
            "load.intakes_completed": counts["intakes_submitted"],
            "load.intakes_per_s": round(counts["intakes_submitted"] / elapsed, 2),
            "load.approvals": counts["approvals"],
            "load.requests": int(flow["Request Count"]),
            "load.p50_ms": number(flow["50%"]),
            "load.p95_ms": number(flow["95%"]),
            "load.errors": int(flow["Failure Count"]) + counts.get("exceptions", 0),
            "load.lost_or_duplicated": lost_or_duplicated,
            "load.work_items_left_after_drain": left,
            "load.baseline_requests_per_s": round(number(base["Requests/s"]), 1),
            "load.requests_per_s": round(number(flow["Requests/s"]), 1),
            "load.cpus": os.cpu_count(),
            "load.database": "postgresql",
        }
        for key, value in figures.items():
            print(f"{key}: {value}")
        for key, value in result["problems"].items():
            if value:
                print(f"problem: {key}: {value}")
        (ROOT / "loadtest" / "results.json").write_text(
            json.dumps({**figures, "problems": result["problems"]}, indent=2, sort_keys=True) + "\n"
        )
        print(f"logs: {work}")
        failed = (
            figures["load.errors"]
            or lost_or_duplicated
            or figures["load.intakes_per_s"] < 0.5
            or not figures["load.requests"]
        )
        sys.exit(1 if failed else 0)
    finally:
        processes.stop()
        controller.stop()
        from django.db import connections

        connections.close_all()
        admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


if __name__ == "__main__":
    main()
