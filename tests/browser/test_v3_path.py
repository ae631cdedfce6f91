"""Rule set version 3 in real Chromium: a pulse entered beside the CIWA-Ar score changes the
suggested withdrawal rating on the step itself, before the clinician leaves it."""

import re

import pytest
from playwright.sync_api import expect

from intake.models import Assessment
from tests.browser.axe import assert_accessible
from tests.browser.helpers import seed, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_pulse_of_118_with_ciwa_14_raises_the_suggested_d1_rating_live(page, live_server):
    seed()
    sign_in(page, live_server, "clinician")
    page.get_by_role("link", name="Patients").first.click()
    page.get_by_role("link", name=re.compile("Example, Jordan")).click()
    page.get_by_role("button", name="Start").click()
    page.get_by_label("Number of DSM-5 substance use disorder criteria").fill("6")
    page.get_by_role("checkbox", name="Alcohol").check()
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("D1")
    suggestion = page.locator("#suggestion")
    page.get_by_label("CIWA-Ar score").fill("14")
    page.get_by_label("CIWA-Ar score").press("Tab")
    expect(suggestion).to_contain_text("CIWA-Ar 10-18 suggests moderate withdrawal")
    expect(page.get_by_label("2 - Moderate signs")).to_be_checked()

    page.get_by_label("Pulse (beats per minute)").fill("118")
    page.get_by_label("Pulse (beats per minute)").press("Tab")
    expect(suggestion).to_contain_text("unstable circulation, treated as severe")
    expect(page.get_by_label("3 - Severe signs")).to_be_checked()
    assert_accessible(page, "D1 with vital signs")

    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("D2")
    assessment = Assessment.objects.latest("pk")
    assert assessment.answers["pulse_bpm"] == 118
    assert assessment.confirmed_ratings["D1"] == 3
    assert assessment.answers["withdrawal_substances"] == ["alcohol"]
