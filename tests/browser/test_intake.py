"""A clinician completes an initial assessment in real Chromium, and resumes a draft."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from intake.models import Assessment
from placement.models import Placement
from tests.browser.helpers import seed, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def choose(page, label, question=None):
    scope = page.get_by_role("group", name=question) if question else page
    scope.get_by_role("radio", name=label, exact=True).check()


def test_initial_assessment_for_a_moderate_case_end_to_end(page, live_server):
    seed()
    sign_in(page, live_server, "clinician")
    page.get_by_role("link", name="New patient").click()
    page.get_by_label("Given name").fill("Robin")
    page.get_by_label("Family name").fill("Moderate")
    page.get_by_label("Date of birth").fill("1984-02-29")
    page.get_by_label("Sex").select_option("female")
    page.get_by_label("Medical record number").fill("R-9001")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Robin Moderate")

    page.get_by_role("button", name="Start").click()
    # 1. Substances and diagnosis
    page.get_by_label("Number of DSM-5 substance use disorder criteria").fill("5")
    page.get_by_label("Substance*").select_option("alcohol")
    page.get_by_label("Last use").fill(
        (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    )
    page.get_by_label("Route").select_option("oral")
    page.get_by_label("Frequency, past 30 days").select_option("daily")
    page.get_by_role("button", name="Save and continue").click()
    # 2. D1: the suggestion follows the CIWA-Ar score live
    page.get_by_label("CIWA-Ar score").fill("12")
    page.get_by_label("CIWA-Ar score").press("Tab")
    suggestion = page.locator("#suggestion")
    expect(suggestion).to_contain_text("CIWA-Ar 10-18 suggests moderate withdrawal")
    expect(page.get_by_label("2 - Moderate signs")).to_be_checked()
    page.get_by_role("button", name="Save and continue").click()
    # 3. D2
    choose(page, "Present and stable")
    page.get_by_role("button", name="Save and continue").click()
    # 4. D3
    choose(page, "None", question="Thoughts of suicide or self-harm")
    choose(page, "Moderate")
    page.get_by_role("button", name="Save and continue").click()
    # 5. D4
    choose(page, "Contemplation - thinking about it, ambivalent")
    page.get_by_role("button", name="Save and continue").click()
    # 6. D5
    page.get_by_label("Craving today").fill("7")
    choose(page, "Fair")
    page.get_by_role("button", name="Save and continue").click()
    # 7. D6
    choose(page, "Stable")
    choose(page, "Yes", question="Has someone at home who supports recovery")
    page.get_by_role("button", name="Save and continue").click()
    # 8. Summary
    expect(page.get_by_role("heading", level=1)).to_contain_text("Summary")
    page.get_by_label("I have reviewed the ratings above and confirm them together.").check()
    page.get_by_role("button", name="See the recommendation").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Recommendation")
    expect(page.locator("#track-treatment")).to_be_visible()
    expect(page.get_by_text("2.1 Intensive Outpatient").first).to_be_visible()
    expect(page.get_by_text("Moderate withdrawal with support at home.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Rule set asam3-default@3"))).to_be_hidden()
    page.get_by_role("switch", name="Show rule IDs").check()  # for auditors, one click away
    expect(page.get_by_text(re.compile(r"Rule set asam3-default@3"))).to_be_visible()
    page.get_by_role("button", name=re.compile("D1 Acute Intoxication")).click()
    expect(page.get_by_text("CIWA-Ar 10-18 suggests moderate withdrawal.").last).to_be_visible()

    page.get_by_label("Level provided").select_option("2.1")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("status").first).to_contain_text("Submitted for supervisor review")

    assessment = Assessment.objects.get(patient__mrn="R-9001")
    assert assessment.status == "submitted"
    placement = Placement.objects.get(assessment=assessment)
    assert (placement.indicated_level, placement.provided_level) == ("2.1", "2.1")


def test_a_draft_resumes_after_signing_out_and_back_in(page, live_server):
    seed()
    sign_in(page, live_server, "clinician")
    page.get_by_role("link", name="Patients").click()
    page.get_by_role("link", name="Example, Jordan").click()
    page.get_by_role("button", name="Start").click()
    page.get_by_label("Number of DSM-5 substance use disorder criteria").fill("4")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("CIWA-Ar score").fill("15")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("D2")
    sign_out(page)

    sign_in(page, live_server, "clinician")
    page.get_by_role("link", name="Resume").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Step 3 of 8: D2")
    page.get_by_role("link", name=re.compile(r"2\. D1")).click()
    expect(page.get_by_label("CIWA-Ar score")).to_have_value("15")
