"""The rule editor: the default set's table page, and one inline row save (200 samples each,
server time through the test client; every save posts a different level, so nothing is
answered from a cache)."""

import time

from django.test import Client
from django.urls import reverse

from benchmarks.common import summary_ms

SAMPLES = 200


def run() -> dict:
    from accounts.models import Program
    from accounts.roles import Role
    from rulesets.models import RuleSet
    from rulesets.services import rule_set_clone
    from tests.factories import member

    program = Program.objects.create(code="bench-rules", name="Bench rules")
    admin = member(Role.RULE_ADMIN, program, username="bench-ruleadmin")
    client = Client()
    client.force_login(admin)
    published = RuleSet.objects.get(name="asam3-default", status="published")
    draft = rule_set_clone(rule_set=published, user=admin)
    table_url = reverse("rules:version", args=[draft.name, draft.version])
    client.get(table_url)  # templates compiled once, as in a running server
    table = []
    for _ in range(SAMPLES):
        started = time.perf_counter()
        response = client.get(table_url)
        table.append(time.perf_counter() - started)
        assert response.status_code == 200
    edit_url = reverse("rules:rule_edit", args=[draft.name, draft.version, "T-D5-3"])
    levels = ["2.1", "2.5", "3.1", "3.5"]
    saves = []
    for i in range(SAMPLES):
        data = {
            "rule_id": "T-D5-3", "track": "treatment", "level": levels[i % len(levels)],
            "text": f"High relapse risk needs structure ({i}).", "note": "",
            "cond-TOTAL_FORMS": "1", "cond-INITIAL_FORMS": "1", "cond-MIN_NUM_FORMS": "0",
            "cond-MAX_NUM_FORMS": "30", "cond-0-kind": "rating", "cond-0-dimension": "D5",
            "cond-0-low": "3", "cond-0-high": "3",
        }  # fmt: skip
        started = time.perf_counter()
        response = client.post(edit_url, data, HTTP_HX_REQUEST="true")
        saves.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    t50, t95 = summary_ms(table)
    s50, s95 = summary_ms(saves)
    return {
        "rules.table_ms": t50,
        "rules.table_p95_ms": t95,
        "rules.row_save_p50_ms": s50,
        "rules.row_save_p95_ms": s95,
    }
