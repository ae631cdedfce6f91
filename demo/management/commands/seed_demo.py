"""Demo programs, users of every role and a few fictional patients, for local use only.

Idempotent: running it again creates nothing new and changes nothing that exists."""

import datetime
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.groups import NETWORK_GROUP
from accounts.models import Program
from accounts.roles import Role
from accounts.services import membership_grant
from demo.network import build
from engine import suggest_ratings
from intake.models import Patient
from intake.services import assessment_save_step, assessment_start
from placement.services.recommendations import recommendation_compute
from rulesets.loader import engine_rule_set

DEMO_PASSWORD = "stepwise-demo-2026"  # noqa: S105 - printed for local demo use only

PROGRAMS = [
    ("riverside", "Riverside Outpatient Services"),
    ("hillcrest", "Hillcrest Residential Program"),
    ("lakeside", "Lakeside Recovery Center"),
]
# Programs on the ASAM Criteria 4th edition (the others stay on the 3rd).
FOURTH_EDITION = {"lakeside"}
# Fictional contact details printed on handouts (555-01xx numbers are reserved for fiction).
CONTACTS = {
    "riverside": ("555-0142", "12 River Road\nSpringfield"),
    "hillcrest": ("555-0187", "400 Hill Street\nSpringfield"),
    "lakeside": ("555-0163", "7 Shore Lane\nSpringfield"),
}

# A few finished assessments, so that the demo has history (and the release notes of a rule-set
# version have something to count). MRN -> answers per step (see the question catalog).
_CALM = {
    "D2": {"medical_condition_status": "none"},
    "D3": {"suicide_risk": "none", "psychiatric_symptoms": "mild"},
    "D5": {"craving_0_10": 3, "coping_skills": "good"},
}
DEMO_ASSESSMENTS = {
    # Mild alcohol withdrawal with past withdrawal seizures.
    "H-2001": {
        **_CALM,
        "substances": {"dsm5_criteria_count": 6},
        "D1": {
            "ciwa_ar_score": 6,
            "withdrawal_complications_history": True,
            "days_since_last_use": 1,
        },
        "D4": {"stage_of_change": "action"},
        "D6": {"housing": "stable", "supportive_person": True},
    },
    # Ambivalent about change, otherwise stable (an adolescent).
    "R-1003": {
        **_CALM,
        "substances": {"dsm5_criteria_count": 3},
        "D1": {},
        "D4": {"stage_of_change": "contemplation"},
        "D6": {"housing": "stable", "supportive_person": True},
    },
    # Unstable housing and no one at home.
    "H-2002": {
        **_CALM,
        "substances": {"dsm5_criteria_count": 8},
        "D1": {"ciwa_ar_score": 4, "days_since_last_use": 2},
        "D4": {"stage_of_change": "preparation"},
        "D6": {"housing": "unstable", "supportive_person": False},
    },
}

# username, first name, last name, program code, role
USERS = [
    ("clinician", "Casey", "Clinician", "riverside", Role.CLINICIAN),
    ("supervisor", "Sam", "Supervisor", "riverside", Role.SUPERVISOR),
    ("ruleadmin", "Robin", "Rules", "riverside", Role.RULE_ADMIN),
    ("clinician2", "Chris", "Clinician", "hillcrest", Role.CLINICIAN),
    ("supervisor2", "Sasha", "Supervisor", "hillcrest", Role.SUPERVISOR),
    ("ruleadmin2", "Rowan", "Rules", "hillcrest", Role.RULE_ADMIN),
    ("clinician4", "Lee", "Clinician", "lakeside", Role.CLINICIAN),
    ("supervisor4", "Lou", "Supervisor", "lakeside", Role.SUPERVISOR),
    ("ruleadmin4", "Robin", "Rules", "lakeside", Role.RULE_ADMIN),
]
# The network rule administrator: rule administrator of every demo program, and in the group
# that may publish rule sets several programs use.
NETWORK_RULE_ADMIN = ("netrules", "Nico", "Network")

# Fictional people. program code, MRN, given, family, birth date, sex
PATIENTS = [
    ("riverside", "R-1001", "Jordan", "Example", datetime.date(1988, 4, 12), "male"),
    ("riverside", "R-1002", "Avery", "Sample", datetime.date(1995, 9, 30), "female"),
    ("riverside", "R-1003", "Taylor", "Testcase", datetime.date(2010, 1, 5), "female"),
    ("hillcrest", "H-2001", "Morgan", "Placeholder", datetime.date(1979, 11, 2), "male"),
    ("hillcrest", "H-2002", "Riley", "Demo", datetime.date(2001, 6, 18), "unknown"),
    ("lakeside", "L-3001", "Quinn", "Sample", datetime.date(1990, 7, 14), "female"),
]


class Command(BaseCommand):
    help = "Create demo programs, users and patients (never in production)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--patients",
            type=int,
            default=0,
            help="Also add a network of N fictional patients with their histories, in bulk "
            "(20 programs, their clinicians and supervisors; each run adds N more).",
        )
        parser.add_argument(
            "--audit-entries",
            type=int,
            default=0,
            help="Also add N audit entries (views of those patients over two years).",
        )

    def handle(self, *args, **options):
        if settings.STEPWISE_ENVIRONMENT == "production":
            raise CommandError("seed_demo refuses to run with production settings.")
        if options["patients"] < 0 or options["audit_entries"] < 0:
            raise CommandError("--patients and --audit-entries take a number of 0 or more.")
        created = self.seed()
        if options["patients"] or options["audit_entries"]:
            self.seed_network(options["patients"], options["audit_entries"])
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} new records)."))
        self.stdout.write(
            "Demo sign-ins (local use only), password for all: "
            + DEMO_PASSWORD
            + "\n"
            + "\n".join(
                f"  {username:<12} {role.label} - {dict(PROGRAMS)[code]}"
                for username, _, _, code, role in USERS
            )
            + f"\n  {NETWORK_RULE_ADMIN[0]:<12} Network rule administrator - every program"
            + "\n  admin        Administrator (superuser)"
        )

    def seed_network(self, patients: int, audit_entries: int) -> None:

        started = time.perf_counter()

        def progress(done: int) -> None:
            elapsed = time.perf_counter() - started
            self.stdout.write(f"  {done} of {patients} patients ({elapsed:.0f} s)")

        written = build(patients=patients, audit_entries=audit_entries, progress=progress)
        elapsed = time.perf_counter() - started
        summary = ", ".join(f"{n} {name}" for name, n in written.items())
        self.stdout.write(self.style.SUCCESS(f"Network added in {elapsed:.0f} s: {summary}."))

    @transaction.atomic
    def seed(self) -> int:
        User = get_user_model()
        created = 0
        programs = {}
        for code, name in PROGRAMS:
            phone, address = CONTACTS[code]
            programs[code], new = Program.objects.get_or_create(
                code=code,
                defaults={
                    "name": name,
                    "phone": phone,
                    "address": address,
                    "edition": "4" if code in FOURTH_EDITION else "3",
                },
            )
            created += new
        for username, first, last, code, role in USERS:
            user, new = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.org",
                },
            )
            if new:
                user.set_password(DEMO_PASSWORD)
                user.save()
                created += 1
            membership_grant(user=user, program=programs[code], role=role)
        username, first, last = NETWORK_RULE_ADMIN
        network, new = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"},
        )
        if new:
            network.set_password(DEMO_PASSWORD)
            network.save()
            created += 1
        for program in programs.values():
            membership_grant(user=network, program=program, role=Role.RULE_ADMIN)
        network.groups.add(Group.objects.get_or_create(name=NETWORK_GROUP)[0])
        admin, new = User.objects.get_or_create(
            username="admin",
            defaults={
                "first_name": "Ada",
                "last_name": "Admin",
                "email": "admin@example.org",
                "is_staff": True,
                "is_superuser": True,
            },
        )
        if new:
            admin.set_password(DEMO_PASSWORD)
            admin.save()
            created += 1
        for code, mrn, given, family, dob, sex in PATIENTS:
            _, new = Patient.objects.get_or_create(
                program=programs[code],
                mrn=mrn,
                defaults={
                    "given_name": given,
                    "family_name": family,
                    "date_of_birth": dob,
                    "sex": sex,
                },
            )
            created += new
        created += self.seed_assessments(User)
        return created

    def seed_assessments(self, User) -> int:
        """One finished assessment (with its recommendation) for some demo patients, under the
        rules in force when the demo was seeded. Skipped for patients who already have one."""

        created = 0
        for mrn, steps in DEMO_ASSESSMENTS.items():
            patient = Patient.objects.get(mrn=mrn)
            if patient.assessments.exists():
                continue
            clinician = User.objects.get(
                username="clinician" if patient.program.code == "riverside" else "clinician2"
            )
            assessment = assessment_start(
                user=clinician,
                patient=patient,
                kind="initial",
                assessment_date=datetime.date.today(),
            )
            rs = engine_rule_set(assessment.rule_set)
            known = {q.code for q in rs.questions}
            for step, answers in steps.items():
                answers = {k: v for k, v in answers.items() if k in known}
                assessment = assessment_save_step(
                    user=clinician,
                    assessment_id=assessment.pk,
                    version=assessment.version,
                    step=step,
                    answers=answers,
                )
            suggested = suggest_ratings(
                rs,
                {
                    **{k: v for k, v in assessment.answers.items() if k in known},
                    "date_of_birth": patient.date_of_birth.isoformat(),
                    "assessment_date": assessment.assessment_date.isoformat(),
                },
            )[0]
            for step in suggested:
                assessment = assessment_save_step(
                    user=clinician,
                    assessment_id=assessment.pk,
                    version=assessment.version,
                    step=step,
                    answers={},
                    rating=suggested[step],
                )
            recommendation_compute(assessment=assessment, user=clinician)
            created += 1
        return created
