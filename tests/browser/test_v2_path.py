"""In real Chromium: an emergency answer shows the banner on the step before the clinician
leaves it, and the handout names the level actually provided."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import seed, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_intent_or_a_plan_on_d3_shows_the_emergency_banner_at_once(page, live_server):
    seed()
    sign_in(page, live_server, "clinician")
    page.get_by_role("link", name="Patients").click()
    page.get_by_role("link", name="Example, Jordan").click()
    page.get_by_role("button", name="Start").click()
    page.get_by_role("link", name=re.compile(r"^4\. D3")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("D3")
    banner = page.locator("#emergency-banner")
    expect(banner).to_be_empty()
    page.get_by_role("group", name="Thoughts of suicide or self-harm").get_by_role(
        "radio", name="Intent or a plan to act"
    ).check()
    # Still on D3: the live update brought the banner, naming the answer.
    expect(banner.get_by_role("alert")).to_contain_text("arrange an emergency evaluation now")
    expect(banner).to_contain_text("Intent or a plan to end their life.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("D3")
    expect(page.locator(".emergency-banner")).to_have_count(1)
    expect(page.locator("input[name=rating][value='4']")).to_be_checked()
    page.get_by_role("button", name="Save this step and go to the recommendation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recommendation")
    expect(page.get_by_role("alert")).to_contain_text("Intent or a plan to end their life.")


def test_the_handout_names_the_level_provided_after_choosing_another(page, live_server):
    from accounts.models import Program
    from intake.models import Patient
    from tests.factories import make_assessment

    seed()
    Program.objects.filter(code="riverside").update(phone="555-0142")
    from django.contrib.auth import get_user_model

    clinician = get_user_model().objects.get(username="clinician")
    assessment = make_assessment(clinician, Patient.objects.get(mrn="R-1002"))
    sign_in(
        page, live_server, "clinician", next_path=f"/assessments/{assessment.pk}/recommendation/"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Recommendation")
    page.get_by_label("Level provided").select_option("1")
    page.get_by_label("Reason the provided level differs").select_option("patient_preference")
    page.get_by_role("button", name="Save decision as draft").click()
    expect(page.get_by_text("Decision saved as a draft.")).to_be_visible()
    page.get_by_role("link", name="Patient handout").click()
    expect(page.get_by_role("heading", level=2).first).to_contain_text(
        "You will receive: Outpatient Services (level 1)"
    )
    expect(page.get_by_text("This is not the level the assessment pointed to.")).to_be_visible()
    expect(page.get_by_text(re.compile("The reason: patient preference"))).to_be_visible()
    expect(page.get_by_text("Phone: 555-0142")).to_be_visible()
