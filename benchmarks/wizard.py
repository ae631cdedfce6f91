"""Server time per wizard step save (200 saves) and the inputs the moderate case needs."""

import datetime
import time

from django.test import Client
from django.urls import reverse

from benchmarks.common import summary_ms


def required_inputs() -> dict:
    """Count what a clinician touches for the moderate case, from the intake forms
    themselves: values typed or chosen (registration, substance row, answers that differ from
    the form's default, ratings changed, decision fields changed) plus buttons pressed."""
    from intake.catalog import SUMMARY, wizard_steps
    from intake.forms import PatientForm, SubstanceForm
    from intake.services import current_rule_set
    from rulesets.loader import engine_rule_set
    from tests.factories import MODERATE_ANSWERS

    rs = engine_rule_set(current_rule_set())
    registration = [
        name
        for name, field in PatientForm.base_fields.items()
        if field.required
        and field.initial is None
        and name != "program"
        and not PatientForm._meta.model._meta.get_field(name).has_default()
    ]
    substance_row = len(SubstanceForm.base_fields)
    answered = sum(
        1 for values in MODERATE_ANSWERS.values() for v in values.values() if v not in (False, None)
    )
    ratings_changed = 0  # the moderate case accepts every suggestion
    decision_changed = 0  # and provides the indicated level
    steps = [s for s in wizard_steps(rs) if s.code != SUMMARY]
    buttons = 1 + 1 + len(steps) + 1 + 1  # register, start, save each step, recommend, submit
    fields = len(registration) + substance_row + answered + ratings_changed + decision_changed
    return {
        "intake.required_inputs": fields + buttons,
        "intake.required_fields": fields,
        "intake.required_clicks": buttons,
    }


def run() -> dict:
    from accounts.models import Program
    from accounts.roles import Role
    from tests.factories import (
        MODERATE_ANSWERS,
        MODERATE_SUGGESTED,
        PatientFactory,
        member,
        step_post,
    )

    program = Program.objects.create(code="bench-wizard", name="Bench wizard")
    clinician = member(Role.CLINICIAN, program, username="bench-clinician")
    client = Client()
    client.force_login(clinician)
    timings = []
    saves = 0
    steps = list(MODERATE_ANSWERS.items())
    while saves < 200:
        patient = PatientFactory(program=program, date_of_birth=datetime.date(1980, 1, 1))
        client.post(
            reverse("portal:assessment_create", args=[patient.pk]),
            {"kind": "initial", "assessment_date": datetime.date.today().isoformat()},
        )
        assessment = patient.assessments.get()
        version = assessment.version
        for step, answers in steps:
            data = step_post(step, answers, version=version, rating=MODERATE_SUGGESTED.get(step))
            url = reverse("intake:assessment_step", args=[assessment.pk, step])
            started = time.perf_counter()
            response = client.post(url, data)
            timings.append(time.perf_counter() - started)
            assert response.status_code == 302, response.status_code
            version += 1
            saves += 1
            if saves == 200:
                break
    p50, p95 = summary_ms(timings)
    return {
        "wizard.step_save_p50_ms": p50,
        "wizard.step_save_p95_ms": p95,
        **required_inputs(),
    }
