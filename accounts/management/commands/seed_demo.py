"""Demo programs, users of every role and a few fictional patients, for local use only.

Idempotent: running it again creates nothing new and changes nothing that exists."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Program
from accounts.roles import Role
from accounts.services import membership_grant
from intake.models import Patient

DEMO_PASSWORD = "stepwise-demo-2026"  # noqa: S105 - printed for local demo use only

PROGRAMS = [
    ("riverside", "Riverside Outpatient Services"),
    ("hillcrest", "Hillcrest Residential Program"),
]

# username, first name, last name, program code, role
USERS = [
    ("clinician", "Casey", "Clinician", "riverside", Role.CLINICIAN),
    ("supervisor", "Sam", "Supervisor", "riverside", Role.SUPERVISOR),
    ("ruleadmin", "Robin", "Rules", "riverside", Role.RULE_ADMIN),
    ("clinician2", "Chris", "Clinician", "hillcrest", Role.CLINICIAN),
    ("supervisor2", "Sasha", "Supervisor", "hillcrest", Role.SUPERVISOR),
    ("ruleadmin2", "Rowan", "Rules", "hillcrest", Role.RULE_ADMIN),
]

# Fictional people. program code, MRN, given, family, birth date, sex
PATIENTS = [
    ("riverside", "R-1001", "Jordan", "Example", datetime.date(1988, 4, 12), "male"),
    ("riverside", "R-1002", "Avery", "Sample", datetime.date(1995, 9, 30), "female"),
    ("riverside", "R-1003", "Taylor", "Testcase", datetime.date(2010, 1, 5), "female"),
    ("hillcrest", "H-2001", "Morgan", "Placeholder", datetime.date(1979, 11, 2), "male"),
    ("hillcrest", "H-2002", "Riley", "Demo", datetime.date(2001, 6, 18), "unknown"),
]


class Command(BaseCommand):
    help = "Create demo programs, users and patients (never in production)."

    def handle(self, *args, **options):
        if settings.STEPWISE_ENVIRONMENT == "production":
            raise CommandError("seed_demo refuses to run with production settings.")
        created = self.seed()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} new records)."))
        self.stdout.write(
            "Demo sign-ins (local use only), password for all: "
            + DEMO_PASSWORD
            + "\n"
            + "\n".join(
                f"  {username:<12} {role.label} - {dict(PROGRAMS)[code]}"
                for username, _, _, code, role in USERS
            )
            + "\n  admin        Administrator (superuser)"
        )

    @transaction.atomic
    def seed(self) -> int:
        User = get_user_model()
        created = 0
        programs = {}
        for code, name in PROGRAMS:
            programs[code], new = Program.objects.get_or_create(code=code, defaults={"name": name})
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
        return created
