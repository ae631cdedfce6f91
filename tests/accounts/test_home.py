"""Each role lands on a home page showing what it works with, and navigation shows each role
only what it may use."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def home(client, user):
    client.force_login(user)
    return client.get(reverse("home")).content.decode()


def test_clinician_home(client, clinician_a):
    page = home(client, clinician_a)
    assert "Your caseload" in page and "Unfinished assessments" in page and "Reviews due" in page
    assert 'href="/patients/"' in page
    assert 'href="/review/"' not in page and "Rule sets" not in page and "Audit log" not in page


def test_supervisor_home(client, supervisor_a):
    page = home(client, supervisor_a)
    assert "0 waiting for review" in page and 'href="/review/"' in page
    assert "Your caseload" not in page and "Audit log" not in page


def test_rule_admin_home(client, rule_admin):
    page = home(client, rule_admin)
    assert "asam3-default@3" in page and "starting configuration" in page
    assert 'href="/patients/"' not in page and 'href="/review/"' not in page


def test_superuser_home(client, superuser):
    page = home(client, superuser)
    assert "Administration" in page and 'href="/audit/"' in page
    assert 'href="/patients/"' not in page


def test_user_without_a_role(client, outsider):
    page = home(client, outsider)
    assert "has no role in any program yet" in page
    assert 'href="/patients/"' not in page


def test_pages_have_landmarks_and_a_skip_link(client, clinician_a):
    page = home(client, clinician_a)
    assert page.index('href="#main"') < page.index("<header>")
    assert '<main id="main"' in page and 'aria-label="Main"' in page and "<footer" in page
