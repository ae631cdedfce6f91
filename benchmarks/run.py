"""`make bench`: run every benchmark, print each figure as `key: value`, and write them all to
benchmarks/results.json (a flat JSON object).

Database benchmarks run on a throwaway database created next to the one DATABASE_URL names
(PostgreSQL: a new database; default: a SQLite file in benchmarks/), migrated from scratch and
dropped afterwards, so your data is never touched."""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'benchmarks' / 'bench.sqlite3'}")
os.environ["DJANGO_DEBUG"] = "False"
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")


def database_url(settings_dict) -> str:
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    from urllib.parse import quote

    auth = quote(settings_dict["USER"] or "")
    if settings_dict.get("PASSWORD"):
        auth += ":" + quote(settings_dict["PASSWORD"])
    host = settings_dict["HOST"] or "127.0.0.1"
    return f"postgres://{auth}@{host}:{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"


def main() -> None:
    import django

    django.setup()
    import datetime
    import platform

    from django.db import connection

    from benchmarks import engine, recommend

    results: dict = {
        "run.date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine.cpus": os.cpu_count(),
        "machine.python": platform.python_version(),
    }

    def report(figures: dict) -> None:
        for key, value in figures.items():
            print(f"{key}: {value}", flush=True)
        results.update(figures)

    report(engine.run())

    settings_dict = connection.settings_dict
    original_name = settings_dict["NAME"]
    if settings_dict["ENGINE"].endswith("sqlite3"):
        settings_dict["TEST"]["NAME"] = str(ROOT / "benchmarks" / "bench-test.sqlite3")
    print(f"database: {connection.vendor} (throwaway copy)", flush=True)
    results["database.vendor"] = connection.vendor
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT 1")
        if connection.vendor == "postgresql":
            results["database.version"] = cursor.fetchone()[0].split(" on ")[0]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        url = database_url(connection.settings_dict)
        report(recommend.run(url))
        for module in _database_benchmarks():
            report(module.run())
    finally:
        connection.creation.destroy_test_db(original_name, verbosity=0)

    path = ROOT / "benchmarks" / "results.json"
    path.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"written: {path.relative_to(ROOT)}")


def _database_benchmarks() -> list:
    from benchmarks import rule_editor, scale, wizard

    return [wizard, rule_editor, scale]


if __name__ == "__main__":
    main()
