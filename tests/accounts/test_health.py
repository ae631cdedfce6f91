import pytest
from django.urls import reverse

from config.celery import app as celery_app

TOKEN = "monitor-token-for-tests"


@pytest.fixture(autouse=True)
def health_token(settings):
    settings.STEPWISE_HEALTH_TOKEN = TOKEN


pytestmark = pytest.mark.django_db


def test_healthz_is_public_and_reports_database_and_broker(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"]["ok"] is True


def test_healthz_deep_round_trips_a_ping_in_process(client, monkeypatch):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    response = client.get(reverse("healthz") + "?deep=1", HTTP_X_HEALTH_TOKEN=TOKEN)
    assert response.status_code == 200
    assert response.json()["checks"]["worker"]["ok"] is True


@pytest.fixture
def broker_down(monkeypatch):
    dead = "redis://127.0.0.1:9/0"  # nothing listens on port 9
    # Celery reads the CELERY_BROKER_URL environment variable before its own setting.
    monkeypatch.setenv("CELERY_BROKER_URL", dead)
    monkeypatch.setitem(celery_app.conf, "broker_url", dead)
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)


def test_healthz_is_503_when_the_broker_is_unreachable(client, broker_down):
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_healthz_is_503_when_the_database_is_unreachable(client, monkeypatch):
    from django.db.backends.base.base import BaseDatabaseWrapper

    def broken_cursor(self, *args, **kwargs):
        raise ConnectionError("database down")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", broken_cursor)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"ok": False, "error": "ConnectionError"}


def test_healthz_carries_no_patient_data(client, program_a):
    from tests.factories import PatientFactory

    patient = PatientFactory(program=program_a, family_name="Zyxwvut")
    body = client.get(reverse("healthz")).content.decode()
    assert "Zyxwvut" not in body and patient.mrn not in body


def test_deep_checks_are_refused_to_anonymous_callers_at_once(client, monkeypatch):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    response = client.get(reverse("healthz") + "?deep=1")
    assert response.status_code == 403
    assert "X-Health-Token" in response.json()["detail"]
    assert "checks" not in response.json()
    wrong = client.get(reverse("healthz") + "?deep=1", HTTP_X_HEALTH_TOKEN="guess")
    assert wrong.status_code == 403


def test_a_signed_in_superuser_may_run_deep_checks(client, superuser, monkeypatch, settings):
    settings.STEPWISE_HEALTH_TOKEN = ""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    client.force_login(superuser)
    response = client.get(reverse("healthz") + "?deep=1")
    assert response.status_code == 200 and response.json()["checks"]["worker"]["ok"] is True
