"""A rule administrator clones the published rule set, breaks and fixes a rule, verifies and
publishes, in real Chromium."""

import re

import pytest
from playwright.sync_api import expect

from placement.models import RuleSet
from tests.browser.helpers import seed, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clone_edit_verify_publish(page, live_server):
    seed()
    sign_in(page, live_server, "ruleadmin")
    page.get_by_role("link", name="Rule sets").first.click()
    page.get_by_role("link", name="asam3-default").first.click()
    expect(page.get_by_text("The default rule set is a starting configuration")).to_be_visible()
    page.get_by_role("button", name="Clone into a new draft").click()
    expect(page.get_by_text("Created draft asam3-default@3")).to_be_visible()

    # Break monotonicity: D2 = 4 asks for less than D2 = 3.
    row = page.locator("tr", has=page.locator("input[value='T-D2-4']"))
    row.locator("input[name$='-level']").fill("2.1")
    page.get_by_role("button", name="Save and continue editing").click()
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Verification failed")).to_be_visible()
    expect(page.get_by_text(re.compile("Raising D2 from 3 to 4 lowers")).first).to_be_visible()

    # Fix it, verify, publish.
    page.get_by_role("link", name="Back to asam3-default@3").click()
    row = page.locator("tr", has=page.locator("input[value='T-D2-4']"))
    row.locator("input[name$='-level']").fill("4")
    page.get_by_role("button", name="Save and continue editing").click()
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Verified: total and monotone")).to_be_visible()
    page.get_by_role("link", name="Go to publish").click()
    page.get_by_role("button", name="Publish asam3-default@3").click()
    expect(
        page.get_by_text("Published asam3-default@3; the previous version is retired.")
    ).to_be_visible()
    assert dict(RuleSet.objects.values_list("version", "status")) == {
        1: "retired",
        2: "retired",
        3: "published",
    }
