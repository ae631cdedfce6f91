"""Engine throughput, the dict-lookup limit, and verification time (no database)."""

import itertools
import time

from placement.defaults import DEFAULT_RULE_SET_FILE, DEFAULT_RULE_SET_V2_FILE
from placement.rules import evaluate, serialize
from placement.rules.verify import verify


def load():
    text = DEFAULT_RULE_SET_FILE.read_text(encoding="utf-8")
    return serialize.from_data(serialize.loads(text), version=1)


def run() -> dict:
    rs = load()
    dims = [d.code for d in rs.dimensions]
    flag_codes = [f.code for f in rs.flags]
    profiles = [dict(zip(dims, p, strict=True)) for p in itertools.product(range(5), repeat=6)]
    flag_sets = [
        dict(zip(flag_codes, p, strict=True))
        for p in itertools.product((False, True), repeat=len(flag_codes))
    ]
    n = len(profiles) * len(flag_sets)

    # First pass: every decision is new (the per-key cache fills as it goes).
    started = time.perf_counter()
    for flags in flag_sets:
        for ratings in profiles:
            evaluate(rs, ratings, flags)
    first_pass = time.perf_counter() - started

    # Steady state: the same loop again; each call is a full Decision (both tracks,
    # modifiers, reasons), and inputs are validated.
    started = time.perf_counter()
    for flags in flag_sets:
        for ratings in profiles:
            evaluate(rs, ratings, flags)
    engine_s = time.perf_counter() - started

    # The practical limit: the same loop with the engine call replaced by a lookup of the
    # precomputed Decision in a dict keyed by the tuple of ratings and flags.
    table = {}
    for flags in flag_sets:
        fkey = tuple(flags.values())
        for ratings in profiles:
            table[(tuple(ratings.values()), fkey)] = evaluate(rs, ratings, flags)
    started = time.perf_counter()
    for flags in flag_sets:
        for ratings in profiles:
            table[(tuple(ratings.values()), tuple(flags.values()))]
    lookup_s = time.perf_counter() - started

    # Verification of the default rule set in force (version 2: 15,625 profiles x 4,096 flag
    # combinations) from a cold compile, as `verify_rules` does.
    text = DEFAULT_RULE_SET_V2_FILE.read_text(encoding="utf-8")
    fresh = serialize.from_data(serialize.loads(text), version=2)
    started = time.perf_counter()
    report = verify(fresh)
    verify_s = time.perf_counter() - started
    assert report.ok

    return {
        "engine.decisions_per_s": round(n / engine_s),
        "engine.first_pass_decisions_per_s": round(n / first_pass),
        "engine.dict_lookup_per_s": round(n / lookup_s),
        "engine.ratio_to_dict_lookup": round(lookup_s / engine_s, 3),
        "engine.verify_s": round(verify_s, 3),
    }
