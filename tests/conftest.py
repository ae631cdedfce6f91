"""Shared fixtures: the cast of users (two clinicians in different programs, a supervisor, a
rule admin, a superuser, an outsider), the browser, and a real Celery worker."""

import os

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils.crypto import get_random_string

from accounts.roles import Role
from tests.celery_worker import celery_worker_process, worker_env  # noqa: F401 (fixtures)
from tests.factories import ProgramFactory, UserFactory, member
from tests.smtp_sink import smtp_sink  # noqa: F401 (fixture)

# Browser tests drive Playwright's sync API, which keeps an event loop in the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_report_header(config):
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    broker = "in-process (eager)" if settings.CELERY_TASK_ALWAYS_EAGER else "real broker"
    return [f"stepwise: database vendor {engine}; celery {broker}"]


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    terminalreporter.write_line(
        f"stepwise: tests used database vendor '{connection.vendor}' "
        f"({settings.DATABASES['default']['ENGINE']})"
    )


# The rule-set tables as the migrations seeded them, copied once per session into tables Django
# does not know (so a flush leaves them alone): putting them back is one INSERT per table, where
# running the seeding migrations again (with their verification) takes seconds per test.
_SEEDED: list[tuple[str, str]] = []


def _rule_set_tables() -> list[str]:
    from django.apps import apps

    app = apps.get_app_config("rulesets")
    return [m._meta.db_table for m in app.get_models(include_auto_created=True)]


def _copy_seeded_tables() -> None:
    with connection.cursor() as cursor:
        for table in _rule_set_tables():
            # Names from Django's model registry, quoted by the backend: no outside input.
            copy = connection.ops.quote_name(f"zz_seeded_{table}")
            cursor.execute(f"DROP TABLE IF EXISTS {copy}")
            source = connection.ops.quote_name(table)
            cursor.execute(f"CREATE TABLE {copy} AS SELECT * FROM {source}")  # noqa: S608
            _SEEDED.append((source, copy))


def _restore_seeded_tables() -> None:
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cursor:
        for table, copy in _SEEDED:
            cursor.execute(f"INSERT INTO {table} SELECT * FROM {copy}")  # noqa: S608


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database as the migrations made it, with the seeded rule-set tables copied
    aside at once: tests never run a migration by name."""
    with django_db_blocker.unblock():
        _copy_seeded_tables()


@pytest.fixture(autouse=True)
def _default_rule_set_after_flush(request):
    """Transactional tests flush every table afterwards, including the rows the data
    migrations seeded. Put the default rule sets (3rd edition: versions 1 and 2 retired, 3
    published; 4th edition: version 1 retired, 2 published) back."""
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")):
        return
    request.getfixturevalue("transactional_db")
    from rulesets.loader import clear_cache
    from rulesets.models import RuleSet

    if not RuleSet.objects.filter(name="asam3-default", version=1).exists():
        _restore_seeded_tables()
        clear_cache()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a cached result keyed by row ids (an impact
    count, say) must not leak into a later test whose rows got the same ids."""
    from django.core.cache import cache

    from config import health

    cache.clear()
    health._probe.update(at=0.0, result=None)  # the broker probe's reused answer, likewise


@pytest.fixture
def program_a(db):
    return ProgramFactory(code="program-a", name="Program A")


@pytest.fixture
def program_b(db):
    return ProgramFactory(code="program-b", name="Program B")


@pytest.fixture
def clinician_a(program_a):
    return member(Role.CLINICIAN, program_a, username="clinician_a")


@pytest.fixture
def clinician_b(program_b):
    return member(Role.CLINICIAN, program_b, username="clinician_b")


@pytest.fixture
def supervisor_a(program_a):
    return member(Role.SUPERVISOR, program_a, username="supervisor_a")


@pytest.fixture
def supervisor_b(program_b):
    return member(Role.SUPERVISOR, program_b, username="supervisor_b")


@pytest.fixture
def rule_admin(program_a):
    return member(Role.RULE_ADMIN, program_a, username="rule_admin")


@pytest.fixture
def network_admin(program_a):
    """A rule administrator of program A who is also a network rule administrator: the one
    who publishes the network default."""
    from django.contrib.auth.models import Group

    from accounts.groups import NETWORK_GROUP

    user = member(Role.RULE_ADMIN, program_a, username="network_admin")
    user.groups.add(Group.objects.get(name=NETWORK_GROUP))
    return user


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider")


class CSRFClient(Client):
    """A test client that enforces CSRF like a browser: every POST carries the token from the
    csrftoken cookie unless the test passes ``csrf=False`` to prove the check is on."""

    def __init__(self, **kwargs):
        super().__init__(enforce_csrf_checks=True, **kwargs)
        self.cookies[settings.CSRF_COOKIE_NAME] = get_random_string(32)

    def post(self, path, data=None, *args, csrf=True, **kwargs):
        if csrf:
            token = self.cookies[settings.CSRF_COOKIE_NAME].value
            if data is None:
                data = {}
            if isinstance(data, dict):
                data = {"csrfmiddlewaretoken": token, **data}
            kwargs.setdefault("HTTP_X_CSRFTOKEN", token)
        return super().post(path, data, *args, **kwargs)


@pytest.fixture
def client():
    return CSRFClient()


@pytest.fixture
def patient_a(program_a):
    import datetime

    from tests.factories import PatientFactory

    return PatientFactory(program=program_a, date_of_birth=datetime.date(1982, 7, 9))


@pytest.fixture
def in_process_tasks(monkeypatch):
    """Run Celery tasks in-process even when CELERY_BROKER_URL names a real broker (CI), for
    tests that check what the tasks did rather than how they travelled."""
    from config.celery import app as celery_app

    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
