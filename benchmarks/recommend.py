"""`manage.py recommend` on a 10,000-case JSON array, process start included."""

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(database_url: str) -> dict:
    rng = random.Random(20261127)
    dims = [f"D{i}" for i in range(1, 7)]
    flags = ["sud_diagnosis", "opioid_use_disorder", "pregnant", "imminent_danger"]
    cases = [
        {
            "ratings": {d: rng.randint(0, 4) for d in dims},
            "flags": {f: rng.random() < 0.3 for f in flags},
        }
        for _ in range(10_000)
    ]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(cases, fh)
        path = fh.name
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
    }
    env["DJANGO_DEBUG"] = "False"
    try:
        timings = []
        for _ in range(3):
            started = time.perf_counter()
            out = subprocess.run(
                [sys.executable, "manage.py", "recommend", path],
                cwd=ROOT,
                env=env,
                capture_output=True,
                check=True,
            ).stdout
            timings.append(time.perf_counter() - started)
        assert len(json.loads(out)) == 10_000
    finally:
        os.unlink(path)
    return {"recommend.cases_10000_s": round(min(timings), 3)}
