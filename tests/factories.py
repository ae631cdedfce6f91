"""factory-boy factories for the whole suite."""

import datetime

import factory
from django.contrib.auth import get_user_model

from accounts.models import Program
from accounts.roles import Role
from accounts.services import membership_grant
from intake.models import Patient

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save()


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"program-{n}")
    name = factory.LazyAttribute(lambda p: f"Program {p.code}")


def member(role: Role, program: Program, **kwargs):
    """A user holding ``role`` in ``program``."""
    user = UserFactory(**kwargs)
    membership_grant(user=user, program=program, role=role)
    return user


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    program = factory.SubFactory(ProgramFactory)
    mrn = factory.Sequence(lambda n: f"MRN-{n:05d}")
    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    date_of_birth = factory.Faker(
        "date_between", start_date=datetime.date(1950, 1, 1), end_date=datetime.date(2000, 1, 1)
    )
    sex = "female"
    preferred_language = "English"
    phone = "555-0100"


# -- assessments -----------------------------------------------------------------------------

# The moderate case used across the suite: alcohol withdrawal with moderate CIWA-Ar, ideation,
# contemplation, high craving, unstable housing.
MODERATE_ANSWERS = {
    "substances": {"dsm5_criteria_count": 5, "opioid_use_disorder": False},
    "D1": {"ciwa_ar_score": 12},
    "D2": {"medical_condition_status": "stable"},
    "D3": {"suicide_risk": "none", "psychiatric_symptoms": "moderate"},
    "D4": {"stage_of_change": "contemplation"},
    "D5": {"craving_0_10": 7, "coping_skills": "fair"},
    "D6": {"housing": "stable", "supportive_person": True},
}
# What the rules suggest for those answers (rules-default-3rd.md section 7).
MODERATE_SUGGESTED = {"D1": 2, "D2": 1, "D3": 2, "D4": 2, "D5": 2, "D6": 0}


def step_post(step: str, answers: dict, *, version: int, rating=None, action="next", **extra):
    """The POST a browser sends for one wizard step."""
    data = {"version": str(version), "action": action}
    for code, value in answers.items():
        if value is True:
            data[f"q_{code}"] = "on"
        elif value is False:
            data[f"q_{code}"] = "false"  # an unticked box, or "No" on a yes/no question
        elif value is None:
            continue
        else:
            data[f"q_{code}"] = str(value)
    if rating is not None:
        data["rating"] = str(rating)
    if step == "substances":
        data.update(
            {
                "substances-TOTAL_FORMS": "1",
                "substances-INITIAL_FORMS": "0",
                "substances-MIN_NUM_FORMS": "0",
                "substances-MAX_NUM_FORMS": "12",
            }
        )
    data.update(extra)
    return data


def make_assessment(clinician, patient, *, answers=None, ratings=None, kind="initial", date=None):
    """A completed assessment (every step saved through the services) with its
    recommendation computed."""
    from intake.services import assessment_save_step, assessment_start
    from placement.services.recommendations import recommendation_compute

    answers = answers or MODERATE_ANSWERS
    ratings = {**MODERATE_SUGGESTED, **(ratings or {})}
    assessment = assessment_start(
        user=clinician,
        patient=patient,
        kind=kind,
        assessment_date=date or datetime.date.today(),
    )
    for step, values in answers.items():
        assessment = assessment_save_step(
            user=clinician,
            assessment_id=assessment.pk,
            version=assessment.version,
            step=step,
            answers=values,
            rating=ratings.get(step) if step != "substances" else None,
        )
    recommendation_compute(assessment=assessment, user=clinician)
    return assessment


# 4th edition: answers by subdimension (the catalog's own choices), giving 1B 2, 3A 2A, 4A B
# and so 2.7 COE; Dimension 6 recorded.
FOURTH_ANSWERS = {
    "1B": {"q1b": "2"},
    "3A": {"q3a": "2A"},
    "4A": {"q4a": "B"},
    "6": {"d6_preferences": "Wants to keep working days; prefers evening groups."},
}


def make_fourth_assessment(clinician, patient, *, answers=None, kind="initial"):
    """A completed 4th-edition assessment (each dimension page saved through the services, the
    suggested codes confirmed) with its recommendation computed. The patient's program must be
    on the 4th edition."""
    from intake.catalog import SUMMARY, wizard_steps
    from intake.services import assessment_save_page, assessment_start, assessment_suggestions
    from placement.services.recommendations import recommendation_compute
    from rulesets.loader import engine_rule_set

    answers = FOURTH_ANSWERS if answers is None else answers
    assessment = assessment_start(
        user=clinician, patient=patient, kind=kind, assessment_date=datetime.date.today()
    )
    rs = engine_rule_set(assessment.rule_set)
    for page in wizard_steps(rs):
        if page.code == SUMMARY:
            continue
        units = page.parts or (page,)
        given = {}
        for unit in units:
            given.update(answers.get(unit.code, {}))
        suggested, _, _ = assessment_suggestions(assessment=assessment, override=given)
        assessment = assessment_save_page(
            user=clinician,
            assessment_id=assessment.pk,
            version=assessment.version,
            page=page.code,
            parts=[
                {
                    "step": unit.code,
                    "answers": answers.get(unit.code, {}),
                    "rating": suggested.get(unit.code) if unit.dimension else None,
                }
                for unit in units
            ],
        )
    recommendation_compute(assessment=assessment, user=clinician)
    return assessment


def make_submitted(clinician, patient, *, decision=None, **kwargs):
    from placement.services.recommendations import placement_submit

    assessment = make_assessment(clinician, patient, **kwargs)
    rec = assessment.recommendations.first()
    decision = decision or {
        "provided_level": rec.level,
        "provided_withdrawal_level": rec.withdrawal_level,
    }
    return placement_submit(assessment=assessment, user=clinician, decision=decision)
