"""In real Chromium: a clinician of a 4th-edition program completes an assessment end to end
(each subdimension with its suggested code, Dimension 6 recorded), sees the dimensional
drivers, submits; a supervisor claims and signs."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.helpers import PASSWORD, seed, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHOSEN = {
    "1B": re.compile(r"^2: Withdrawal that needs medically managed intensive"),
    "3A": re.compile(r"^2A: Symptoms that need co-occurring enhanced high-intensity"),
    "4A": re.compile(r"^B: Moderate likelihood"),
}


def test_a_fourth_edition_assessment_end_to_end_and_signed(page, live_server):
    from placement.models import Placement

    seed()
    sign_in(page, live_server, "clinician4")
    page.get_by_role("link", name="Patients").click()
    page.get_by_role("link", name="Sample, Quinn").click()
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Substances")
    page.get_by_role("button", name="Save and continue").click()
    for number in range(1, 6):  # one page per dimension, its subdimensions rated together
        expect(page.get_by_role("heading", level=1)).to_contain_text(f"Dimension {number}:")
        for code, label in CHOSEN.items():
            if code.startswith(str(number)):
                part = page.locator(f"#rate-{code}")
                part.get_by_role("radio", name=label).check()
                expect(page.locator(f"#suggestion-{code}")).to_contain_text(
                    code if code != "4A" else "B"
                )
        if number == 1:
            expect(page.get_by_role("heading", name=re.compile("^1B: Withdrawal"))).to_be_visible()
            assert_accessible(page, "a dimension page with its subdimensions")
        page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Person-Centered")
    page.get_by_label("What the person wants from treatment").fill("Keeps her job; evenings.")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Summary")
    page.get_by_label("I have reviewed the ratings above and confirm them together.").check()
    page.get_by_role("button", name="See the recommendation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recommendation")
    expect(page.get_by_text("2.7 COE").first).to_be_visible()
    expect(page.get_by_text("Dimensional drivers").first).to_be_visible()
    expect(page.get_by_text("Keeps her job; evenings.")).to_be_visible()
    expect(page.get_by_text(re.compile("ASAM Criteria, 4th edition")).first).to_be_visible()
    assert_accessible(page, "4th-edition recommendation")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("status").first).to_contain_text("Submitted for supervisor review")
    sign_out(page)

    sign_in(page, live_server, "supervisor4", next_path="/review/")
    row = page.locator("tr", has_text="Sample, Quinn")
    row.get_by_role("button", name=re.compile("^Claim")).click()
    expect(row).to_contain_text("In review by")
    row.get_by_role("link", name=re.compile("^Review")).click()
    approve = page.get_by_role("form", name="Approve and sign")
    approve.get_by_label("Your password (electronic signature)").fill(PASSWORD)
    approve.get_by_role("button", name="Approve and sign").click()
    expect(page.get_by_text("Approved and signed.")).to_be_visible()
    placement = Placement.objects.get(assessment__patient__mrn="L-3001")
    assert (placement.status, placement.final_level) == ("signed", "2.7 COE")
    assert placement.recommendation.rule_set.name == "asam4-default"
