"""Engine throughput on inputs it has never seen, beside a dict lookup of the same inputs, the
suggester on full answer sets, the one-time cost of building the tables, and verification. No
database.

Every timed input is new to the rule-set object evaluating it: each run loads the rule set in
force (the 3rd-edition default, version 3) afresh, builds its tables (timed separately), and
evaluates inputs drawn without repetition from its 15,625 profiles x 65,536 flag sets. A figure
is the median of RUNS runs."""

import datetime
import random
import statistics
import time

from engine import evaluate, serialize, suggest_ratings, tabulate, verify
from engine.compiled import CompiledRuleSet
from rulesets.defaults import DEFAULT_RULE_SET_V3_FILE

RUNS = 5
INPUTS = 100_000
ANSWER_SETS = 20_000


def load():
    text = DEFAULT_RULE_SET_V3_FILE.read_text(encoding="utf-8")
    return serialize.from_data(serialize.loads(text), version=3)


def fresh_inputs(rs, n: int, rnd: random.Random, seen: set) -> list[tuple[dict, dict]]:
    dims = [d.code for d in rs.dimensions]
    flags = [f.code for f in rs.flags]
    out = []
    while len(out) < n:
        r = tuple(rnd.randrange(5) for _ in dims)
        f = tuple(rnd.random() < 0.25 for _ in flags)
        if (r, f) in seen:
            continue
        seen.add((r, f))
        out.append((dict(zip(dims, r, strict=True)), dict(zip(flags, f, strict=True))))
    return out


def answer_sets(rs, n: int, rnd: random.Random) -> list[dict]:
    """Full answer sets: every question answered, as the wizard sends them."""

    def answer(q):
        if q.type == "int":
            lo = q.min_value if q.min_value is not None else 0
            hi = q.max_value if q.max_value is not None else 50
            return rnd.randint(lo, hi)
        if q.type == "bool":
            return rnd.random() < 0.5
        if q.type == "choice":
            return rnd.choice(q.choices)[0]
        if q.type == "multichoice":
            return rnd.sample([c for c, _ in q.choices], k=min(2, len(q.choices)))
        if q.type == "date":
            if q.code == "date_of_birth":
                born = datetime.date(1950, 1, 1) + datetime.timedelta(days=rnd.randint(0, 25000))
                return born.isoformat()
            return "2026-11-27"
        return "notes"

    return [{q.code: answer(q) for q in rs.questions} for _ in range(n)]


def run() -> dict:
    rnd = random.Random(20261127)
    seen: set = set()
    fresh, lookup, keypath, tabulate_s, suggest = [], [], [], [], []
    for _ in range(RUNS):
        rs = load()
        inputs = fresh_inputs(rs, INPUTS, rnd, seen)
        started = time.perf_counter()
        assert tabulate(rs)
        tabulate_s.append(time.perf_counter() - started)

        started = time.perf_counter()
        for ratings, flags in inputs:
            evaluate(rs, ratings, flags)
        fresh.append(INPUTS / (time.perf_counter() - started))

        # The practical limit: the same loop, the engine replaced by a dict lookup of the
        # same inputs' decisions (built beforehand, not timed).
        table = {(tuple(r.values()), tuple(f.values())): evaluate(rs, r, f) for r, f in inputs}
        started = time.perf_counter()
        for ratings, flags in inputs:
            table[(tuple(ratings.values()), tuple(flags.values()))]
        lookup.append(INPUTS / (time.perf_counter() - started))

        # Drafts: the key path, without tables, on inputs new to it too.
        draft = CompiledRuleSet(load())
        started = time.perf_counter()
        for ratings, flags in inputs:
            draft.evaluate(ratings, flags)
        keypath.append(INPUTS / (time.perf_counter() - started))

        answers = answer_sets(rs, ANSWER_SETS, rnd)
        started = time.perf_counter()
        for a in answers:
            suggest_ratings(rs, a)
        suggest.append(ANSWER_SETS / (time.perf_counter() - started))

    started = time.perf_counter()
    report = verify(load())
    verify_s = time.perf_counter() - started
    assert report.ok
    fresh_per_s, lookup_per_s = statistics.median(fresh), statistics.median(lookup)
    return {
        "engine.rule_set": "asam3-default@3",
        "engine.fresh_decisions_per_s": round(fresh_per_s),
        "engine.dict_lookup_per_s": round(lookup_per_s),
        "engine.fresh_ratio_to_dict_lookup": round(fresh_per_s / lookup_per_s, 3),
        "engine.draft_fresh_decisions_per_s": round(statistics.median(keypath)),
        "engine.tabulate_s": round(statistics.median(tabulate_s), 3),
        "engine.suggest_per_s": round(statistics.median(suggest)),
        "engine.verify_s": round(verify_s, 3),
    }
