import pytest

from tests.urlconf import project_routes

pytestmark = pytest.mark.django_db

PUBLIC = {"login", "healthz"}


@pytest.mark.parametrize("route", project_routes(), ids=lambda r: r.name)
def test_every_url_but_the_public_ones_sends_anonymous_visitors_to_sign_in(client, route):
    path = route.path()
    get = client.get(path)
    post = client.post(path, {})
    if route.name in PUBLIC:
        assert get.status_code in (200, 405)
        return
    for response in (get, post):
        assert response.status_code == 302, f"{route.name} answered {response.status_code}"
        assert response["Location"].startswith("/accounts/login/?next=")


def test_admin_sends_anonymous_visitors_to_the_stepwise_sign_in(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
