import os
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username, password="stepwise-demo-2026"):
    page.goto(live_server.url + "/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_demo_clinician_signs_in_and_sees_the_home_page(page, live_server):
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    sign_in(page, live_server, "clinician")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome, Casey Clinician")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    # The skip link is the first thing the keyboard reaches.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()


def test_wrong_password_keeps_the_person_on_the_sign_in_page(page, live_server):
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    sign_in(page, live_server, "clinician", password="not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("do not match")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
