"""Pages fit a 1280 px screen and a tablet, and the wizard works from the keyboard alone."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import seed, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = ["/", "/patients/", "/patients/new/"]


@pytest.mark.parametrize("width", [1280, 768])
def test_pages_fit_without_sideways_scrolling(page, live_server, width):
    seed()
    page.set_viewport_size({"width": width, "height": 1000})
    sign_in(page, live_server, "clinician")
    for path in PAGES:
        page.goto(live_server.url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (path, width, overflow)
    page.goto(live_server.url + "/patients/")
    page.get_by_role("link", name="Example, Jordan").click()
    page.get_by_role("button", name="Start").click()
    page.get_by_role("link", name="2. D1").click()
    # Measure the step it went to, once it is there (never the page it is leaving).
    expect(page.get_by_role("heading", level=1)).to_contain_text("D1")
    page.wait_for_load_state()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, ("D1 step", width, overflow)


def test_a_step_is_completed_with_the_keyboard_alone(page, live_server):
    seed()
    sign_in(page, live_server, "clinician")
    page.get_by_role("link", name="Patients").click()
    page.get_by_role("link", name="Example, Jordan").click()
    page.get_by_role("button", name="Start").click()
    field = page.get_by_label("Number of DSM-5 substance use disorder criteria")
    field.focus()
    page.keyboard.type("6")
    page.keyboard.press("Enter")  # submits the step form: "Save and continue" is its default
    expect(page.get_by_role("heading", level=1)).to_contain_text("D1")
    page.get_by_label("CIWA-Ar score").focus()
    page.keyboard.type("20")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Save and continue":
            break
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("D2")


@pytest.mark.parametrize("width", [1280, 768])
def test_recommendation_and_review_pages_fit(page, live_server, width):
    from django.contrib.auth import get_user_model

    from intake.models import Patient
    from tests.factories import make_submitted

    seed()
    clinician = get_user_model().objects.get(username="clinician")
    placement = make_submitted(clinician, Patient.objects.get(mrn="R-1002"))
    page.set_viewport_size({"width": width, "height": 1000})
    sign_in(page, live_server, "clinician")
    for path in (f"/assessments/{placement.assessment_id}/recommendation/",
                 f"/assessments/{placement.assessment_id}/"):  # fmt: skip
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, path
    sign_out(page)
    sign_in(page, live_server, "supervisor")
    for path in ("/review/", f"/review/{placement.pk}/"):
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, path
