"""Django rows -> the engine's RuleSet. Published and retired versions never change, so their
engine objects are cached per process and compiled into per-track tables once (about 0.8 s
for the 3rd-edition default version 2; then any decision is a few lookups); drafts are
rebuilt on each call and evaluated on the key path, which needs no such start-up."""

from __future__ import annotations

import hashlib
import json
import threading

from engine import RuleSet as EngineRuleSet
from engine import serialize, tabulate

from .models import RuleSet, RuleSetStatus
from .rows import rule_set_to_data

_cache: dict[int, EngineRuleSet] = {}
_lock = threading.Lock()


def engine_rule_set(rule_set: RuleSet) -> EngineRuleSet:
    """The engine object for ``rule_set``. Raises RuleSetError for a draft with bad rows."""
    if rule_set.status != RuleSetStatus.DRAFT:
        cached = _cache.get(rule_set.pk)
        if cached is not None:
            return cached
    engine = serialize.from_data(rule_set_to_data(rule_set), version=rule_set.version)
    if rule_set.status != RuleSetStatus.DRAFT:
        tabulate(engine)
        with _lock:
            _cache[rule_set.pk] = engine
    return engine


def content_digest(rule_set: RuleSet) -> str:
    """A fingerprint of everything the rule set decides with: verification is stamped with it,
    so editing a draft after verifying it makes the stamp stale."""
    data = rule_set_to_data(rule_set)
    data.pop("notes", None)
    data.pop("release_notes", None)
    data.pop("tests", None)  # cases check the rules; they do not decide anything
    text = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def clear_cache() -> None:
    with _lock:
        _cache.clear()
