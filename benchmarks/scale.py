"""Pages at network scale: 100,000 patients with their histories (seeded in bulk as
``seed_demo --patients`` does), at least 1,000,000 audit entries, and 100,000 open
placements for the queue.

Each figure is the server time of full requests through Django's test client (middleware,
view, queries, template), p50 and p95 over SAMPLES requests, every one with inputs of its own
(another search term, another patient, another clinician, another page or filter), so no
figure is a repeat of a cached answer."""

import os
import random
import time

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from benchmarks.common import summary_ms

# The sizes the figures are named for; STEPWISE_BENCH_SCALE (e.g. 0.05) shrinks them for a
# quick try of the benchmark itself, and the keys then say so (no "_100k" figure is faked).
SCALE = float(os.environ.get("STEPWISE_BENCH_SCALE", "1"))
PATIENTS = int(100_000 * SCALE)
AUDIT_ENTRIES = int(1_000_000 * SCALE)
OPEN_PLACEMENTS = int(100_000 * SCALE)
SAMPLES = 200


def _timed(client: Client, requests: list[tuple[str, dict]]) -> list[float]:
    timings = []
    for url, params in requests:
        started = time.perf_counter()
        response = client.get(url, params)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, params, response.status_code)
    return timings


def _network_user(username: str, role=None, superuser: bool = False):
    from accounts.models import Membership, Program

    User = get_user_model()
    user, _ = User.objects.get_or_create(
        username=username,
        defaults={"email": f"{username}@example.org", "is_superuser": superuser,
                  "is_staff": superuser, "first_name": "Bench", "last_name": username},
    )  # fmt: skip
    if role:
        for program in Program.objects.filter(code__startswith="net-"):
            Membership.objects.get_or_create(user=user, program=program, role=role)
    return user


def _analyze() -> None:
    """What autovacuum does for a database in steady use: planner statistics, the visibility
    map (index-only scans) and the trigram indexes' pending lists merged. Right after a bulk
    load none of that has happened yet; a production database is measured after it has."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def run() -> dict:
    from auditlog.models import LogEntry

    from accounts.roles import Role
    from demo.network import FAMILY, build
    from intake.models import Patient
    from placement.models import Placement

    rng = random.Random(11)
    out: dict = {}

    started = time.perf_counter()
    written = build(
        patients=PATIENTS,
        progress=lambda n: print(f"  seeded {n} patients", flush=True) if n % 20000 == 0 else None,
    )
    out["seed.patients"] = PATIENTS
    out["seed.s"] = round(time.perf_counter() - started, 1)
    entries = LogEntry.objects.count()
    if entries < AUDIT_ENTRIES:
        build(patients=0, audit_entries=AUDIT_ENTRIES - entries)
    out["seed.assessments"] = written["Assessment"]
    out["audit.entries"] = LogEntry.objects.count()
    _analyze()

    supervisor = _network_user("bench.network.supervisor", Role.SUPERVISOR)
    auditor = _network_user("bench.auditor", superuser=True)
    patients = list(Patient.objects.values_list("mrn", "given_name", "family_name"))

    # Patient search over the 100,000 (a supervisor of all 20 programs sees them all).
    client = Client()
    client.force_login(supervisor)
    client.get("/patients/", {"q": "Birch"})  # warm up the connection and templates
    terms = []
    for i in range(SAMPLES):
        mrn, given, family = rng.choice(patients)
        kind = i % 4
        term = (mrn, family, f"{given} {family}", rng.choice(FAMILY)[:3] + rng.choice("aeiou"))[
            kind
        ]
        terms.append(("/patients/", {"q": term}))
    out["search.p50_ms_100k"], out["search.p95_ms_100k"] = summary_ms(_timed(client, terms))

    # The audit log filtered by one patient (by MRN), over the 1,000,000 entries.
    admin = Client()
    admin.force_login(auditor)
    picks = [("/audit/", {"patient": rng.choice(patients)[0]}) for _ in range(SAMPLES)]
    out["audit.patient_filter_p50_ms_1m"], out["audit.patient_filter_p95_ms_1m"] = summary_ms(
        _timed(admin, picks)
    )

    # A clinician's home page (caseload, reviews due, drafts, recently signed).
    User = get_user_model()
    clinicians = list(User.objects.filter(username__regex=r"^n\d\d\.clin"))
    timings = []
    for _ in range(SAMPLES):
        c = Client()
        c.force_login(rng.choice(clinicians))
        timings += _timed(c, [("/", {})])
    out["home.clinician_p50_ms_100k"], out["home.clinician_p95_ms_100k"] = summary_ms(timings)

    # The queue with 100,000 open placements: signed history is turned back into submitted
    # work (in this throwaway database only) until that many are open.
    open_now = Placement.objects.filter(status__in=["submitted", "in_review"]).count()
    if open_now < OPEN_PLACEMENTS:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE placement_placement SET status = 'submitted', reviewer_id = NULL, "
                "claimed_at = NULL, decided_at = NULL WHERE id IN (SELECT id FROM "
                "placement_placement WHERE status = 'signed' ORDER BY id LIMIT %s)",
                [OPEN_PLACEMENTS - open_now],
            )
    _analyze()
    out["queue.open_placements"] = Placement.objects.filter(
        status__in=["submitted", "in_review"]
    ).count()
    levels = ["1", "2.1", "2.5", "3.1", "3.5", "3.7", "4"]
    requests = []
    for i in range(SAMPLES):
        params = [
            {"page": str(rng.randint(1, 40))},
            {"level": rng.choice(levels), "page": str(rng.randint(1, 5))},
            {"overdue": "1", "page": str(rng.randint(1, 10))},
            {"discrepancy": rng.choice(["yes", "no"]), "page": str(rng.randint(1, 10))},
            {"status": "in_review"},
        ][i % 5]
        requests.append(("/review/", params))
    client.get("/review/")
    out["queue.p50_ms_100k"], out["queue.p95_ms_100k"] = summary_ms(_timed(client, requests))
    with CaptureQueriesContext(connection) as ctx:
        client.get("/review/")
    out["queue.queries_100k"] = len(ctx.captured_queries)

    # The same page with 10 open placements: a program of its own.
    build(patients=10, programs=1, prefix="bench10", latest=[("submitted", 1)], seed=3)
    small = Client()
    small.force_login(User.objects.get(username="bench1001.sup1"))
    small.get("/review/")
    with CaptureQueriesContext(connection) as ctx:
        small.get("/review/")
    out["queue.queries_10"] = len(ctx.captured_queries)
    if SCALE != 1:
        out = {f"{k}@scale{SCALE}": v for k, v in out.items()}
    return out
