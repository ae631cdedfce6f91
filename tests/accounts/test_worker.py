import pytest
from django.urls import reverse

TOKEN = "monitor-token-for-tests"


@pytest.fixture(autouse=True)
def health_token(settings):
    settings.STEPWISE_HEALTH_TOKEN = TOKEN


pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_deep_health_check_round_trips_through_a_real_worker(client, celery_worker_process):
    response = client.get(reverse("healthz") + "?deep=1", HTTP_X_HEALTH_TOKEN=TOKEN)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["checks"]["broker"]["mode"] == "broker"
    assert body["checks"]["worker"]["ok"] is True


def test_deep_health_check_is_503_when_no_worker_answers(client, celery_worker_process):
    from tests.celery_worker import stop_worker

    stop_worker(celery_worker_process)
    response = client.get(reverse("healthz") + "?deep=1", HTTP_X_HEALTH_TOKEN=TOKEN)
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["ok"] is False
