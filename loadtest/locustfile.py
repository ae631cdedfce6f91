"""The whole flow under load, as people do it in a browser (forms read from the pages, CSRF
tokens and all): clinicians sign in, register a patient, complete the wizard and submit;
supervisors work the queue, claim and approve with their signature.

Run by ``loadtest/run.py`` (``make loadtest``), which starts the servers and sets:
STEPWISE_LOAD_HOSTS (comma-separated base URLs; users are split across them),
STEPWISE_LOAD_USERS (a JSON file of the clinician and supervisor usernames), and
STEPWISE_LOAD_COUNTS (where the users write what they completed, for the checks after)."""

from __future__ import annotations

import itertools
import json
import os
import re
import threading
import uuid
from html.parser import HTMLParser

from locust import HttpUser, between, events, task

PASSWORD = "stepwise-demo-2026"  # noqa: S105 - the demo password
HOSTS = [h for h in os.environ.get("STEPWISE_LOAD_HOSTS", "").split(",") if h]
with open(os.environ["STEPWISE_LOAD_USERS"]) as _fh:
    USERS = json.load(_fh)
_next_host = itertools.count()
_next_user = {"clinician": itertools.count(), "supervisor": itertools.count()}
_lock = threading.Lock()
COUNTS = {"intakes_submitted": 0, "approvals": 0, "claims_lost": 0, "exceptions": 0}

# The moderate case of the default rules: answers per wizard step.
ANSWERS = {
    "substances": {"q_dsm5_criteria_count": "5"},
    "D1": {"q_ciwa_ar_score": "12"},
    "D2": {"q_medical_condition_status": "stable"},
    "D3": {"q_suicide_risk": "none", "q_psychiatric_symptoms": "moderate"},
    "D4": {"q_stage_of_change": "contemplation"},
    "D5": {"q_craving_0_10": "7", "q_coping_skills": "fair"},
    "D6": {"q_housing": "stable", "q_supportive_person": "yes"},
}


class Forms(HTMLParser):
    """Every form on a page: its action, method, fields (with the values a browser would
    send as the page stands) and its submit buttons."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None
        self._button = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action", ""), "method": a.get("method", "get"),
                          "id": a.get("id", ""), "fields": [], "buttons": [],
                          "names": set()}  # fmt: skip
            self.forms.append(self._form)
        if self._form is None:
            return
        fields = self._form["fields"]
        if tag in ("input", "select", "textarea") and a.get("name"):
            self._form["names"].add(a["name"])
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    fields.append((a["name"], a.get("value", "on")))
            elif kind == "submit":
                self._form["buttons"].append((a["name"], a.get("value", ""), a.get("value", "")))
            else:
                fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = {"name": a.get("name"), "value": None, "first": None}
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["value"] = value
        elif tag == "textarea":
            self._textarea = [a.get("name"), ""]
        elif tag == "button" and a.get("type", "submit") == "submit":
            self._button = [a.get("name"), a.get("value", ""), ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data
        if self._button is not None:
            self._button[2] += data

    def handle_endtag(self, tag):
        if self._form is None:
            return
        if tag == "select" and self._select is not None:
            if self._select["name"]:
                value = self._select["value"]
                self._form["fields"].append(
                    (self._select["name"], value if value is not None else self._select["first"])
                )
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            if self._textarea[0]:
                self._form["fields"].append(tuple(self._textarea))
            self._textarea = None
        elif tag == "button" and self._button is not None:
            self._form["buttons"].append(tuple(self._button))
            self._button = None
        elif tag == "form":
            self._form = None

    def find(self, *, action: str = "", form_id: str = "", field: str = "") -> dict:
        for form in self.forms:
            if form_id and form["id"] != form_id:
                continue
            if action and not re.search(action, form["action"]):
                continue
            if field and field not in form["names"]:
                continue
            return form
        raise LookupError(f"no form {action or form_id or field}")


def submit(form: dict, values: dict, button: str | None, url: str) -> dict:
    """The data a browser sends: the form's fields, ``values`` on top, and the button."""
    data: dict[str, list] = {}
    overridden = set(values)
    for name, value in form["fields"]:
        if name in overridden:
            continue
        data.setdefault(name, []).append(value)
    for name, value in values.items():
        data[name] = [value]
    if button:
        for name, value, text in form["buttons"]:
            if button in text.strip() and name:
                data[name] = [value]
    return {"url": form["action"] or url, "data": data}


class Person(HttpUser):
    abstract = True
    wait_time = between(0.5, 1.5)
    role = ""
    host = HOSTS[0] if HOSTS else None  # each user moves to its own instance in on_start

    def on_start(self):
        with _lock:
            if HOSTS:
                self.host = HOSTS[next(_next_host) % len(HOSTS)]
                self.client.base_url = self.host
            names = USERS[self.role + "s"]
            self.username = names[next(_next_user[self.role]) % len(names)]
        page = self.client.get("/accounts/login/", name="sign in (page)")
        form = Forms(page.text).find(field="username")
        sent = submit(form, {"username": self.username, "password": PASSWORD}, None, page.url)
        response = self.client.post(page.url, data=sent["data"], name="sign in",
                                    headers={"Referer": page.url})  # fmt: skip
        if "Sign out" not in response.text:
            response.failure = True
            raise RuntimeError(f"{self.username} could not sign in")

    def post_form(self, page, name: str, *, values=None, button=None, **find):
        form = Forms(page.text).find(**find)
        sent = submit(form, values or {}, button, page.url)
        url = sent["url"]
        if url.startswith("/"):
            url = self.host + url
        return self.client.post(url, data=sent["data"], name=name,
                                headers={"Referer": page.url})  # fmt: skip


class Clinician(Person):
    role = "clinician"
    fixed_count = 40

    @task
    def intake(self):
        mark = uuid.uuid4().hex[:8]
        page = self.client.get("/patients/new/", name="register (page)")
        page = self.post_form(
            page, "register", field="mrn", button="Register",
            values={"mrn": f"L-{mark}", "given_name": "Load", "family_name": f"Test{mark}",
                    "date_of_birth": "1985-03-04", "sex": "female", "phone": ""},
        )  # fmt: skip
        page = self.post_form(page, "start assessment", action=r"/assessments/$", button="Start")
        for _ in range(12):  # the steps, then the summary
            if "/steps/summary/" in page.url:
                break
            step = re.search(r"/steps/([^/]+)/", page.url).group(1)
            page = self.post_form(
                page, "save step", form_id="step-form", values=ANSWERS.get(step, {}),
                button="Save and continue",
            )  # fmt: skip
        page = self.post_form(
            page, "summary", field="confirm_ratings", values={"confirm_ratings": "on"},
            button="See the recommendation",
        )  # fmt: skip
        page = self.post_form(
            page, "submit for review", field="provided_level", button="Submit for review"
        )
        if "Submitted for supervisor review" in page.text:
            with _lock:
                COUNTS["intakes_submitted"] += 1
        else:
            events.request.fire(
                request_type="FLOW", name="intake not submitted", response_time=0,
                response_length=0, exception=RuntimeError(page.url), context={},
            )  # fmt: skip


class Supervisor(Person):
    role = "supervisor"
    fixed_count = 10

    @task
    def review(self):
        queue = self.client.get("/review/?status=submitted", name="queue")
        found = re.findall(r'hx-post="(/review/(\d+)/claim/)"', queue.text)
        if not found:
            return
        url, pk = found[0]
        token = self.client.cookies.get("csrftoken", "")
        claimed = self.client.post(
            self.host + url, name="claim",
            headers={"HX-Request": "true", "X-CSRFToken": token, "Referer": queue.url},
        )  # fmt: skip
        if "In review by" not in claimed.text or "claimed this placement" in claimed.text:
            with _lock:
                COUNTS["claims_lost"] += 1  # another supervisor was first: the queue moves on
            return
        page = self.client.get(f"/review/{pk}/", name="review (page)")
        done = self.post_form(
            page, "approve and sign", action=r"/approve/$", values={"approve-password": PASSWORD},
            button="Approve and sign",
        )  # fmt: skip
        if "Approved and signed." in done.text:
            with _lock:
                COUNTS["approvals"] += 1
        else:
            events.request.fire(
                request_type="FLOW", name="approval not signed", response_time=0,
                response_length=0, exception=RuntimeError(done.url), context={},
            )  # fmt: skip


@events.quitting.add_listener
def _write_counts(environment, **kwargs):
    path = os.environ.get("STEPWISE_LOAD_COUNTS")
    # A task that raised (a page without the form it needed) is an error of the run too.
    COUNTS["exceptions"] = sum(e["count"] for e in environment.runner.exceptions.values())
    if path:
        with open(path, "w") as fh:
            json.dump(COUNTS, fh)


class Baseline(HttpUser):
    """The trivial-page baseline (run alone: ``locust ... Baseline``)."""

    wait_time = between(0, 0)
    host = HOSTS[0] if HOSTS else None

    def on_start(self):
        with _lock:
            if HOSTS:
                self.host = HOSTS[next(_next_host) % len(HOSTS)]
                self.client.base_url = self.host

    @task
    def sign_in_page(self):
        self.client.get("/accounts/login/", name="sign-in page (baseline)")
