"""A rule administrator works a draft in the rule editor, in real Chromium: clone the
published set, change a level through a dropdown, add a condition, add a test case that fails,
see Verify name the rule at fault, fix it, compare with the published version, publish. Every
editor page passes axe-core with no critical or serious violation."""

import re

import pytest
from playwright.sync_api import expect

from rulesets.models import RuleSet
from tests.browser.axe import assert_accessible
from tests.browser.helpers import seed, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clone_edit_test_verify_fix_compare_publish(page, live_server):
    seed()
    # The default is used by every 3rd-edition program: its network rule administrator.
    sign_in(page, live_server, "netrules")
    page.get_by_role("link", name="Rule sets").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rule sets")
    assert_accessible(page, "rule sets")
    page.get_by_role("button", name="Clone into a draft (asam3-default version 3)").click()
    expect(page.get_by_text("Created draft asam3-default@4 from asam3-default@3.")).to_be_visible()
    assert_accessible(page, "version page")

    # Break monotonicity through the dropdown, inline: D2 = 4 asks for less than D2 = 3.
    page.locator("#rule-T-D2-4").get_by_role("link", name="Edit T-D2-4").click()
    form = page.get_by_role("form", name="Edit T-D2-4")
    form.get_by_label("At least this level").select_option("2.1")
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="Saved T-D2-4")).to_contain_text(
        "When D2 is 4: treatment at least 2.1"
    )
    # Add a condition with the builder: co-occurring capable only without imminent danger.
    page.locator("#rule-M-COC").get_by_role("link", name="Edit M-COC").click()
    form = page.get_by_role("form", name="Edit M-COC")
    form.get_by_role("button", name="Add a condition").click()
    form = page.get_by_role("form", name="Edit M-COC")
    fieldset = form.get_by_role("group", name="Condition 2")
    fieldset.get_by_role("combobox", name=re.compile("^Kind of condition")).select_option("flag")
    expect(fieldset.get_by_label("Dimension", exact=True)).to_be_hidden()
    fieldset.get_by_label("Flag", exact=True).select_option("imminent_danger")
    fieldset.get_by_label("is", exact=True).select_option("off")
    assert_accessible(page, "inline rule form")
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="Saved M-COC")).to_contain_text(
        "When D3 is 1 and not imminent danger: adds COC"
    )

    # A test case that fails with the change.
    page.get_by_role("link", name="Test cases").first.click()
    assert_accessible(page, "test cases")
    page.get_by_label("What the case checks").fill("Life-threatening medical condition: hospital")
    for d, r in {"D1": "0", "D2": "4", "D3": "0", "D4": "0", "D5": "0", "D6": "0"}.items():
        page.get_by_label(f"{d} rating").select_option(r)
    page.get_by_label("Expected treatment level").select_option("4")
    page.get_by_role("button", name="Add the test case").click()
    expect(page.get_by_text(re.compile("it fails"))).to_be_visible()
    own = page.get_by_role("row").filter(has_text="Life-threatening medical condition: hospital")
    expect(own).to_contain_text("treatment level is 2.1, expected 4")

    # Verify names the rules at fault and links to them.
    page.get_by_role("link", name="Verify").first.click()
    page.get_by_role("button", name="Verify now").click()
    expect(page.get_by_role("heading", name="Verification failed")).to_be_visible()
    expect(page.get_by_text(re.compile("Raising D2 from 3 to 4 lowers")).first).to_be_visible()
    expect(page.get_by_role("link", name="T-D2-4").first).to_be_visible()
    assert_accessible(page, "verify")

    # Fix it from the link, on the rule's own page.
    page.get_by_role("link", name="T-D2-4").first.click()
    page.get_by_label("At least this level").select_option("4")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(re.compile("Saved T-D2-4"))).to_be_visible()
    expect(page.locator("#test-results")).to_contain_text("all pass")

    # Compare with the published version.
    page.get_by_role("link", name="Compare").first.click()
    expect(page.get_by_role("heading", level=2).first).to_contain_text("1 changed")
    expect(page.get_by_text("When D3 is 1 and not imminent danger: adds COC")).to_be_visible()
    assert_accessible(page, "compare")

    # Verify and publish.
    page.get_by_role("link", name="Rule sets").first.click()
    page.get_by_role("link", name="Version 4").click()
    page.get_by_role("button", name="Verify").click()
    expect(
        page.get_by_role(
            "heading",
            name="Verified: every profile gets a level, and a worse rating never lowers it",
        )
    ).to_be_visible()
    page.get_by_role("link", name="Go to publish").click()
    assert_accessible(page, "publish")
    expect(
        page.get_by_text(re.compile("Publishing changes the rules for: Hillcrest"))
    ).to_be_visible()
    page.get_by_role("button", name="Publish asam3-default@4").click()
    expect(
        page.get_by_text("Published asam3-default@4; the previous version is retired.")
    ).to_be_visible()
    assert dict(RuleSet.objects.filter(name="asam3-default").values_list("version", "status")) == {
        1: "retired",
        2: "retired",
        3: "retired",
        4: "published",
    }


def test_catalog_pages_are_accessible_and_save_in_words(page, live_server):
    seed()
    sign_in(page, live_server, "ruleadmin", next_path="/rules/")
    page.get_by_role("button", name="Clone into a draft (asam3-default version 3)").click()
    page.get_by_role("link", name="Levels, dimensions, questions").click()
    assert_accessible(page, "catalogs")
    page.get_by_role("link", name="Edit level 2.1").click()
    assert_accessible(page, "level form")
    page.get_by_label("Review after (days)").fill("21")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved level 2.1 (Intensive Outpatient).")).to_be_visible()
    page.get_by_role("link", name="Edit Housing").click()
    assert_accessible(page, "question form")
    page.get_by_role("link", name="Rule sets").first.click()
    page.get_by_role("link", name="Import a file").click()
    assert_accessible(page, "import")


def test_a_new_rule_offers_only_the_levels_of_its_track(page, live_server):
    seed()
    sign_in(page, live_server, "ruleadmin", next_path="/rules/")
    page.get_by_role("button", name="Clone into a draft (asam3-default version 3)").click()
    page.get_by_role("link", name="Add a rule to Treatment").first.click()
    level = page.get_by_label("At least this level")
    treatment = level.locator("optgroup[label='Treatment']")
    withdrawal = level.locator("optgroup[label='Withdrawal']")
    expect(treatment).not_to_have_attribute("disabled", "")
    expect(withdrawal).to_have_attribute("disabled", "")
    page.get_by_label("Track").select_option("withdrawal")
    expect(treatment).to_have_attribute("disabled", "")
    expect(withdrawal).not_to_have_attribute("disabled", "")
    assert level.input_value().endswith("-WM") or level.input_value() == "none"
    assert_accessible(page, "new rule")
