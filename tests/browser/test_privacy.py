"""Privacy in a real browser: automatic sign-out saves the step first; no patient name, record
number or birth date reaches the application logs during a full run."""

import datetime
import io
import logging
import re

import pytest
from playwright.sync_api import expect

from intake.models import Assessment
from tests.browser.helpers import seed, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def captured_logs():
    """What the configured log handlers actually write, at every level."""
    stream = io.StringIO()
    handlers = {h for name in (None, *logging.root.manager.loggerDict) for h in
                getattr(logging.getLogger(name), "handlers", [])
                if isinstance(h, logging.StreamHandler)}  # fmt: skip
    saved = [(h, h.setStream(stream), h.level) for h in handlers]
    levels = {}
    for name in (None, "django", "django.request", "django.server", "placement", "axes"):
        logger = logging.getLogger(name)
        levels[name] = logger.level
        logger.setLevel(logging.DEBUG)
    for h in handlers:
        h.setLevel(logging.DEBUG)
    lines = []
    yield lines
    lines.extend(stream.getvalue().splitlines())
    for h, old_stream, level in saved:
        h.setStream(old_stream)
        h.setLevel(level)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def test_idle_sign_out_warns_then_saves_the_step(page, live_server, settings):
    settings.STEPWISE_IDLE_TIMEOUT_S = 12
    seed()
    sign_in(page, live_server, "clinician")
    page.get_by_role("link", name="Patients").click()
    page.get_by_role("link", name="Example, Jordan").click()
    page.get_by_role("button", name="Start").click()
    page.get_by_label("Number of DSM-5 substance use disorder criteria").fill("3")
    expect(page.get_by_role("dialog", name="Still there?")).to_be_visible(timeout=12000)
    expect(page.get_by_text("You will be signed out in about a minute")).to_be_visible()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=10000)
    expect(page.get_by_text("Your work was saved before you were signed out.")).to_be_visible()
    assessment = Assessment.objects.get(patient__mrn="R-1001")
    assert assessment.answers["dsm5_criteria_count"] == 3


def test_no_patient_identifiers_in_logs_during_a_full_run(page, live_server, captured_logs):
    seed()
    sign_in(page, live_server, "clinician")
    page.get_by_role("link", name="New patient").click()
    page.get_by_label("Given name").fill("Zebulon")
    page.get_by_label("Family name").fill("Quintessa")
    page.get_by_label("Date of birth").fill("1979-08-14")
    page.get_by_label("Sex").select_option("male")
    page.get_by_label("Medical record number").fill("ZQ-4417")
    page.get_by_role("button", name="Register").click()
    # Search by name, MRN and birth date (all land in query strings)...
    for q in ("Quintessa", "ZQ-4417", "1979-08-14", "Zebulon Quintessa"):
        page.goto(f"{live_server.url}/patients/?q={q}")
    # ...a form error echoing the name back...
    page.goto(live_server.url + "/patients/new/")
    page.get_by_label("Given name").fill("Zebulon")
    page.get_by_label("Family name").fill("Quintessa")
    page.get_by_label("Date of birth").fill("2999-01-01")
    page.get_by_role("button", name="Register").click()
    # ...pages that do not exist...
    page.goto(live_server.url + "/patients/999999/?name=Zebulon+Quintessa")
    page.goto(live_server.url + "/nowhere/Quintessa/")
    # ...and a whole assessment, submitted.
    page.goto(live_server.url + "/patients/?q=ZQ-4417")
    page.get_by_role("link", name="Quintessa, Zebulon").click()
    page.get_by_role("button", name="Start").click()
    page.get_by_label("Number of DSM-5 substance use disorder criteria").fill("4")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("CIWA-Ar score").fill("12")
    page.get_by_label("Clinical notes").fill("Zebulon says the shakes started Tuesday.")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("radio", name="Present and stable").check()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("group", name="Thoughts of suicide").get_by_role(
        "radio", name="None", exact=True
    ).check()
    page.get_by_role("radio", name="Mild", exact=True).check()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("radio", name=re.compile("^Action")).check()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Craving today").fill("3")
    page.get_by_role("radio", name="Good", exact=True).check()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("radio", name="Stable", exact=True).check()
    page.get_by_role("group", name=re.compile("Has someone at home")).get_by_role(
        "radio", name="Yes", exact=True
    ).check()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("I have reviewed the ratings above and confirm them together.").check()
    page.get_by_role("button", name="See the recommendation").click()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("status").first).to_contain_text("Submitted")
    sign_out(page)

    # The fixture collects at teardown; read the shared stream now.
    stream = next(h.stream for h in logging.getLogger().handlers)
    text = stream.getvalue()
    assert "Not Found" in text, "the run logged nothing: the capture is broken"
    for secret in ("Zebulon", "Quintessa", "ZQ-4417", "1979-08-14", "2999-01-01"):
        assert secret not in text, secret
    assert datetime.date.today()  # the run above used today's date as the assessment date
