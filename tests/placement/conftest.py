import datetime

import pytest

from tests.factories import PatientFactory, make_submitted


@pytest.fixture
def patient_a(program_a):
    return PatientFactory(program=program_a, date_of_birth=datetime.date(1980, 1, 1))


@pytest.fixture
def submitted(clinician_a, supervisor_a, patient_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return make_submitted(clinician_a, patient_a)


@pytest.fixture
def supervisor_client(client, supervisor_a):
    client.force_login(supervisor_a)
    return client
