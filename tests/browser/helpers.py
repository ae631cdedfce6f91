import os

from django.core.management import call_command

PASSWORD = "stepwise-demo-2026"


def seed():
    with open(os.devnull, "w") as devnull:
        call_command("seed_demo", stdout=devnull)


def sign_in(page, live_server, username, password=PASSWORD, next_path="/"):
    page.goto(live_server.url + next_path)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page):
    toggler = page.get_by_role("button", name="Show navigation")
    if toggler.is_visible():  # narrow screens fold the navigation away
        toggler.click()
    page.get_by_role("button", name="Sign out").click()
