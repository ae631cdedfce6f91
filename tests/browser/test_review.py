"""Review in real Chromium: a clinician submits, a supervisor claims and signs, the clinician
sees the approval and the next review date; a second supervisor sees the claim conflict."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Program
from accounts.roles import Role
from intake.models import Patient
from tests.browser.helpers import PASSWORD, seed, sign_in, sign_out
from tests.factories import make_submitted, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_submit_claim_approve_and_see_the_result(page, live_server, browser):
    from django.contrib.auth import get_user_model

    seed()
    riverside = Program.objects.get(code="riverside")
    member(
        Role.SUPERVISOR,
        riverside,
        username="supervisor.two",
        first_name="Sky",
        last_name="Second",
        password=PASSWORD,
    )
    clinician = get_user_model().objects.get(username="clinician")
    placement = make_submitted(clinician, Patient.objects.get(mrn="R-1002"))

    # The supervisor claims from the queue (in place, no reload) and signs.
    sign_in(page, live_server, "supervisor")
    page.get_by_role("link", name="Review queue", exact=True).click()
    row = page.locator(f"#queue-row-{placement.pk}")
    expect(row).to_contain_text("Sample, Avery")
    row.get_by_role("button", name=re.compile("Claim")).click()
    expect(row).to_contain_text("In review by Sam Supervisor")

    # Meanwhile a second supervisor, in another browser, finds it taken.
    other_context = browser.new_context(viewport={"width": 1280, "height": 900})
    other = other_context.new_page()
    sign_in(other, live_server, "supervisor.two")
    other.goto(live_server.url + f"/review/{placement.pk}/")
    expect(other.get_by_role("status")).to_contain_text("Sam Supervisor claimed this")
    expect(other.get_by_role("button", name="Approve and sign")).to_have_count(0)
    other_context.close()

    row.get_by_role("link", name="Review").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Placement {placement.pk}")
    approve = page.get_by_role("form", name="Approve and sign")
    approve.get_by_label("Your password (electronic signature)").fill("wrong password")
    approve.get_by_role("button", name="Approve and sign").click()
    expect(page.get_by_text("Your signature was not applied")).to_be_visible()
    approve.get_by_label("Your password (electronic signature)").fill(PASSWORD)
    approve.get_by_role("button", name="Approve and sign").click()
    expect(page.get_by_text("Signed by Sam Supervisor (")).to_be_visible()
    sign_out(page)

    # The clinician sees the approval and when the next review is due.
    sign_in(page, live_server, "clinician")
    expect(page.get_by_role("heading", name="Recently signed")).to_be_visible()
    placement.refresh_from_db()
    due = placement.next_review_date.isoformat()
    expect(page.get_by_text(re.compile(f"next review {due}"))).to_be_visible()
    expect(page.get_by_text(re.compile(f"review due {due}"))).to_be_visible()  # reviews due
    page.get_by_role("link", name="Avery Sample").first.click()
    expect(page.get_by_role("cell", name=due)).to_be_visible()
    page.get_by_role("link", name=re.compile("^Open")).first.click()
    expect(page.get_by_text(f"Next review by {due}.")).to_be_visible()
    expect(page.get_by_role("link", name="Download PDF")).to_be_visible()


def test_each_label_on_the_review_page_leads_into_its_own_form(page, live_server):
    """Approve, Return and Override each have their own fields: clicking a label focuses the
    field of that label's form, and a Return comment is sent with the Return."""
    from django.contrib.auth import get_user_model

    from placement.services.reviews import review_claim

    seed()
    clinician = get_user_model().objects.get(username="clinician")
    placement = make_submitted(clinician, Patient.objects.get(mrn="R-1002"))
    review_claim(
        placement_id=placement.pk, user=get_user_model().objects.get(username="supervisor")
    )
    sign_in(page, live_server, "supervisor", next_path=f"/review/{placement.pk}/")
    page.get_by_text("Override the level").click()  # open the folded form
    labels = page.locator("form label[for]")
    assert labels.count() >= 6
    for i in range(labels.count()):
        label = labels.nth(i)
        if not label.is_visible():
            continue
        label.click()
        same_form = label.evaluate(
            "l => document.activeElement !== document.body"
            " && document.activeElement.form === l.closest('form')"
            " && document.activeElement.id === l.htmlFor"
        )
        assert same_form, label.inner_text()

    page.get_by_text("What the clinician should revise").click()
    page.keyboard.type("Please re-check D5.")
    page.get_by_role("button", name="Return for revision").click()
    expect(page.get_by_text("Returned to the clinician with your comment.")).to_be_visible()
    placement.refresh_from_db()
    assert placement.status == "returned"
    assert placement.review_comment == "Please re-check D5."
