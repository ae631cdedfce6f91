"""Load test (optional): `pip install -r requirements/load.txt`, start the app, then
`locust -f benchmarks/locustfile.py --host http://127.0.0.1:8000`. Uses the demo users."""

import re

from locust import HttpUser, between, task

PASSWORD = "stepwise-demo-2026"  # noqa: S105 - the demo password from seed_demo


class SignedIn(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    username = ""

    def on_start(self):
        page = self.client.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        self.client.post(
            "/accounts/login/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": self.host + "/accounts/login/"},
        )


class Supervisor(SignedIn):
    username = "supervisor"

    @task(3)
    def queue(self):
        self.client.get("/review/")

    @task
    def overdue(self):
        self.client.get("/review/?overdue=1", name="/review/?overdue")


class Clinician(SignedIn):
    username = "clinician"

    @task(3)
    def home(self):
        self.client.get("/")

    @task
    def search(self):
        self.client.get("/patients/?q=Example", name="/patients/?q")
