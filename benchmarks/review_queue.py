"""The review queue with 10,000 submitted placements across 20 programs: server time, and the
number of SQL queries at 10 and at 1,000 items (must be equal: no query per row)."""

import datetime
import random
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from benchmarks.common import summary_ms

PROGRAMS = 20
PER_PROGRAM = 500


def _populate(program, clinician, rule_set, n, rng):
    from intake.models import Assessment, Patient
    from placement.models import Placement, Recommendation

    patients = Patient.objects.bulk_create(
        Patient(
            program=program,
            mrn=f"{program.code}-{i}",
            given_name="Bench",
            family_name=f"P{i}",
            date_of_birth=datetime.date(1980, 1, 1),
            sex="unknown",
        )
        for i in range(n)
    )
    assessments = Assessment.objects.bulk_create(
        Assessment(
            patient=p,
            kind="initial",
            assessment_date=datetime.date.today(),
            status="submitted",
            rule_set=rule_set,
            created_by=clinician,
            updated_by=clinician,
        )
        for p in patients
    )
    rec = Recommendation.objects.create(
        assessment=assessments[0], rule_set=rule_set, rule_set_label=rule_set.label,
        ratings={}, flags={}, level="2.1", withdrawal_level="none", input_digest="bench",
        created_by=clinician,
    )  # fmt: skip
    levels = [("1", 1), ("2.1", 2), ("2.5", 3), ("3.1", 4), ("3.5", 6), ("3.7", 7), ("4", 8)]
    now = timezone.now()
    Placement.objects.bulk_create(
        Placement(
            assessment=a,
            program=program,
            recommendation=rec,
            round=1,
            status="submitted",
            indicated_level=level,
            indicated_rank=rank,
            emergency=rng.random() < 0.02,
            provided_level=level,
            discrepancy=rng.random() < 0.3,
            submitted_by=clinician,
            submitted_at=now - datetime.timedelta(minutes=rng.randint(1, 60 * 72)),
        )
        for a, (level, rank) in ((a, rng.choice(levels)) for a in assessments)
    )


def run() -> dict:
    from accounts.models import Program
    from accounts.roles import Role
    from accounts.services import membership_grant
    from intake.services import current_rule_set
    from tests.factories import member

    rng = random.Random(7)
    rule_set = current_rule_set()
    programs = [
        Program.objects.create(code=f"bench-q{i}", name=f"Bench queue {i}") for i in range(PROGRAMS)
    ]
    clinician = member(Role.CLINICIAN, programs[0], username="bench-q-clinician")
    supervisor = member(Role.SUPERVISOR, programs[0], username="bench-q-supervisor")
    for program in programs:
        membership_grant(user=supervisor, program=program, role=Role.SUPERVISOR)
        _populate(program, clinician, rule_set, PER_PROGRAM, rng)

    client = Client()
    client.force_login(supervisor)
    url = reverse("placement:review_queue")
    client.get(url)  # warm up
    timings = []
    for i in range(60):
        params = [{}, {"overdue": "1"}, {"discrepancy": "yes"}, {"page": "3"}][i % 4]
        started = time.perf_counter()
        response = client.get(url, params)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200
    p50, p95 = summary_ms(timings)

    def queries(n: int) -> int:
        program = Program.objects.create(code=f"bench-n{n}", name=f"Bench {n}")
        sup = member(Role.SUPERVISOR, program, username=f"bench-sup-{n}")
        _populate(program, clinician, rule_set, n, rng)
        c = Client()
        c.force_login(sup)
        c.get(url)
        with CaptureQueriesContext(connection) as ctx:
            c.get(url)
        return len(ctx.captured_queries)

    return {
        "queue.p50_ms_10k": p50,
        "queue.p95_ms_10k": p95,
        "queue.queries_10": queries(10),
        "queue.queries_1000": queries(1000),
    }
