"""Plain data to the engine's model: every value checked (type, length, range, known codes),
every problem collected with where it is, and a RuleSetError listing them."""

from __future__ import annotations

import re
from typing import Any

from ..errors import RuleSetError
from ..model import (
    AnswerIs,
    AnyOf,
    AtLeast,
    CarryOver,
    Condition,
    DeterminationRule,
    Dimension,
    Flag,
    FlagIs,
    FlagRule,
    Group,
    Level,
    Modifier,
    ModifierRule,
    NeedIs,
    NeedRule,
    PlacementRule,
    Question,
    RatingIn,
    RatingRule,
    ResultIs,
    RuleSet,
    Substitution,
)
from .shape import FORMAT, RULE_KINDS, VERIFY_KEYS

# -- data -> model -------------------------------------------------------------------------------


# Caps on every value read from a file: they match the database columns the rows are stored
# in, so an import never fails at the database with a server error, and a hostile file cannot
# store megabytes in a field. Strings are also refused with NUL or other control characters.
MAX_TEXT = {"notes": 20_000, "long": 2_000, "text": 300, "name": 160, "code": 60}
MAX_SMALL_INT = 32_767  # ranks, orders, review days, counts (PositiveSmallIntegerField)
MAX_INT = 2_147_483_647  # question bounds (IntegerField)
MAX_ITEMS = 5_000  # rows in any one list
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class _Reader:
    """Pulls typed values out of nested dicts, collecting problems instead of failing fast.
    Every string is length-capped and free of control characters; every integer is bounded."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def _bad(self, where: str, key: str, message: str) -> None:
        self.problems.append(f"{where}: '{key}' {message}.")

    def check_value(
        self, value: Any, where: str, key: str, *, max_len: int, lo: int, hi: int
    ) -> Any:
        """``value`` if acceptable, else None (with the problem recorded)."""
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            if len(value) > max_len:
                self._bad(where, key, f"is longer than {max_len:,} characters")
                return None
            if _CONTROL.search(value):
                self._bad(where, key, "contains control characters (such as NUL)")
                return None
            if _SURROGATE.search(value):
                self._bad(where, key, "contains a broken character (an unpaired surrogate)")
                return None
            return value
        if isinstance(value, int):
            if not lo <= value <= hi:
                self._bad(where, key, f"must be between {lo:,} and {hi:,}")
                return None
            return value
        if isinstance(value, float):
            if value != value or value in (float("inf"), float("-inf")) or abs(value) > hi:
                self._bad(where, key, "is not a usable number")
                return None
            return value
        return value

    def get(
        self,
        obj: dict[str, Any],
        key: str,
        where: str,
        types: Any,
        default: Any = ...,
        *,
        max_len: int = MAX_TEXT["code"],
        lo: int = -MAX_INT,
        hi: int = MAX_INT,
    ) -> Any:
        if not isinstance(obj, dict):
            self.problems.append(f"{where}: expected a mapping.")
            return None if default is ... else default
        if key not in obj:
            if default is ...:
                self.problems.append(f"{where}: missing '{key}'.")
                return None
            return default
        value = obj[key]
        if types is not None and not isinstance(value, types):
            self.problems.append(f"{where}: '{key}' has the wrong type.")
            return None if default is ... else default
        if isinstance(value, list):
            if len(value) > MAX_ITEMS:
                self._bad(where, key, f"lists more than {MAX_ITEMS:,} items")
                return None if default is ... else default
            checked = [
                self.check_value(v, where, key, max_len=max_len, lo=lo, hi=hi) for v in value
            ]
            if any(c is None and v is not None for c, v in zip(checked, value, strict=True)):
                return None if default is ... else default
            return value
        checked = self.check_value(value, where, key, max_len=max_len, lo=lo, hi=hi)
        if checked is None and value is not None:
            return None if default is ... else default
        return checked

    def text(self, obj: Any, key: str, where: str, size: str = "text", default: Any = "") -> Any:
        return self.get(obj, key, where, str, default, max_len=MAX_TEXT[size])

    def small_int(
        self, obj: Any, key: str, where: str, default: Any = ..., types: Any = int
    ) -> Any:
        return self.get(obj, key, where, types, default, lo=0, hi=MAX_SMALL_INT)


def _value_ok(value: Any, where: str, r: _Reader, depth: int = 0) -> bool:
    """An answer comparison's value: a number, text, true/false, or a short list of those."""
    if isinstance(value, list):
        if depth > 0 or len(value) > 100:
            r.problems.append(f"{where}: 'value' must be a short, flat list.")
            return False
        return all(_value_ok(v, where, r, depth + 1) for v in value)
    if value is None or isinstance(value, bool | str | int | float):
        return (
            r.check_value(value, where, "value", max_len=200, lo=-MAX_INT, hi=MAX_INT) is not None
            or value is None
        )
    r.problems.append(f"{where}: 'value' has the wrong type.")
    return False


def condition_from_data(
    data: Any, where: str, r: _Reader, nested: bool = False
) -> Condition | None:
    if not isinstance(data, dict):
        r.problems.append(f"{where}: a condition must be a mapping.")
        return None
    if "any_of" in data:
        if nested:
            r.problems.append(
                f"{where}: an 'any of' group inside another 'any of' group is not supported; "
                "list the alternatives in one group."
            )
            return None
        subs = r.get(data, "any_of", where, list)
        if subs is None:
            return None
        conds = [
            condition_from_data(s, f"{where} any_of[{i}]", r, nested=True)
            for i, s in enumerate(subs)
        ]
        return AnyOf(tuple(c for c in conds if c is not None))
    if "rating" in data:
        return RatingIn(
            str(r.get(data, "rating", where, (str, int))),
            r.get(data, "from", where, (int, str), lo=0, hi=MAX_SMALL_INT, max_len=10),
            r.get(data, "to", where, (int, str), lo=0, hi=MAX_SMALL_INT, max_len=10),
        )
    if "flag" in data:
        return FlagIs(str(r.get(data, "flag", where, str)), r.get(data, "is", where, bool, True))
    if "at_least" in data:
        of = r.get(data, "of", where, list, max_len=10) or []
        return AtLeast(
            r.small_int(data, "at_least", where),
            tuple(str(x) for x in of),
            r.get(data, "rated", where, (int, str), lo=0, hi=MAX_SMALL_INT, max_len=10),
        )
    if "need" in data or "result" in data:
        key = "need" if "need" in data else "result"
        spec = r.get(data, key, where, dict)
        if spec is None:
            return None
        lists = {}
        for field in ("levels", "bases", "variants") if key == "need" else ("levels", "bases"):
            values = r.get(spec, field, f"{where} {key}", list, [], max_len=20) or []
            lists[field] = tuple(str(v) for v in values)
        return NeedIs(**lists) if key == "need" else ResultIs(**lists)
    if "answer" in data:
        value = data.get("value")
        if not _value_ok(value, where, r):
            return None
        if isinstance(value, list):
            value = tuple(value)
        return AnswerIs(
            str(r.get(data, "answer", where, str)), r.get(data, "op", where, str), value
        )
    r.problems.append(f"{where}: unknown kind of condition ({', '.join(map(str, data))[:200]}).")
    return None


def from_data(data: Any, version: int = 0) -> RuleSet:
    """Build an engine RuleSet from plain data. Raises RuleSetError listing every problem with
    the data's shape; semantic checks (unknown codes, ranges) are ``validate.problems``."""
    r = _Reader()
    if not isinstance(data, dict):
        raise RuleSetError(
            ["The file does not contain a rule set (expected a mapping at the top)."]
        )
    fmt = data.get("format")
    if fmt != FORMAT:
        shown = repr(fmt)[:80]
        raise RuleSetError([f"Unknown format {shown}; expected {FORMAT!r}."])

    def items(key: str) -> list[Any]:
        value = r.get(data, key, "rule set", list, [])
        return value if isinstance(value, list) else []

    top = "rule set"
    r.get(data, "name", top, (str, type(None)), None, max_len=60)
    r.get(data, "edition", top, (str, int, type(None)), None, max_len=20)
    r.get(data, "notes", top, (str, type(None)), None, max_len=MAX_TEXT["notes"])
    r.get(data, "release_notes", top, (str, type(None)), None, max_len=MAX_TEXT["notes"])
    for key in ("primary_track", "withdrawal_track", "adolescent_flag", *VERIFY_KEYS):
        r.get(data, key, top, (str, type(None)), None, max_len=40)

    dimensions = []
    for i, d in enumerate(items("dimensions")):
        where = f"dimensions[{i}]"
        if isinstance(d, dict):
            for key, types, what in (
                ("scale", (int, str), "a rating code (a whole number or a short text)"),
                ("anchors", (str,), "text"),
            ):
                values = d.get(key)
                if isinstance(values, list) and any(
                    isinstance(v, bool) or not isinstance(v, types) for v in values
                ):
                    r.problems.append(f"{where}: each item of '{key}' must be {what}.")
                    d = {**d, key: []}
        dimensions.append(
            Dimension(
                code=str(r.get(d, "code", where, str, max_len=10)),
                name=r.text(d, "name", where, "text"),
                scale=tuple(
                    r.get(d, "scale", where, list, [], max_len=10, lo=0, hi=MAX_SMALL_INT) or ()
                ),
                anchors=tuple(r.get(d, "anchors", where, list, [], max_len=MAX_TEXT["text"]) or ()),
                short_name=r.text(d, "short_name", where, "code"),
                group=str(r.get(d, "group", where, (str, int), "", max_len=10)),
            )
        )
    groups_ = [
        Group(
            code=str(r.get(g, "code", f"groups[{i}]", (str, int), max_len=10)),
            name=r.text(g, "name", f"groups[{i}]", "text"),
            rated=r.get(g, "rated", f"groups[{i}]", bool, True),
        )
        for i, g in enumerate(items("groups"))
    ]
    levels = []
    for i, lv in enumerate(items("levels")):
        where = f"levels[{i}]"
        levels.append(
            Level(
                code=str(r.get(lv, "code", where, (str, int, float), max_len=20)),
                track=r.get(lv, "track", where, str, max_len=30),
                rank=r.small_int(lv, "rank", where),
                name=r.text(lv, "name", where, "name"),
                adolescent_name=r.text(lv, "adolescent_name", where, "name"),
                population=r.get(lv, "population", where, str, "all", max_len=12),
                setting=r.text(lv, "setting", where, "long"),
                hours_adult=r.text(lv, "hours_adult", where, "text"),
                hours_adolescent=r.text(lv, "hours_adolescent", where, "text"),
                suits=r.text(lv, "suits", where, "long"),
                review_days=r.small_int(lv, "review_days", where, None, (int, type(None))),
                intensity=r.small_int(lv, "intensity", where, None, (int, type(None))),
                crosswalk_3rd=str(r.get(lv, "crosswalk_3rd", where, (str, int), "", max_len=20)),
            )
        )
    flags = [
        Flag(
            str(r.get(f, "code", f"flags[{i}]", str, max_len=40)),
            r.text(f, "description", f"flags[{i}]", "text"),
        )
        for i, f in enumerate(items("flags"))
    ]
    modifiers = [
        Modifier(
            code=str(r.get(m, "code", f"modifiers[{i}]", str, max_len=20)),
            name=r.text(m, "name", f"modifiers[{i}]", "name"),
            description=r.text(m, "description", f"modifiers[{i}]", "long"),
            emergency=r.get(m, "emergency", f"modifiers[{i}]", bool, False),
            handout=r.text(m, "handout", f"modifiers[{i}]", "long"),
            track=r.get(m, "track", f"modifiers[{i}]", str, "", max_len=30),
        )
        for i, m in enumerate(items("modifiers"))
    ]
    carry = []
    for i, c in enumerate(items("carry_over")):
        where = f"carry_over[{i}]"
        value = c.get("value") if isinstance(c, dict) else None
        given = r.get(c, "answers", where, dict, {}) or {}
        if not _value_ok(value, where, r) or not all(
            isinstance(k, str) and _value_ok(v, where, r) for k, v in given.items()
        ):
            continue
        carry.append(
            CarryOver(
                question=str(r.get(c, "question", where, str)),
                value=value,
                answers=tuple(
                    (k, tuple(v) if isinstance(v, list) else v) for k, v in given.items()
                ),
                ask=r.get(c, "ask", where, str, "", max_len=60),
                text=r.text(c, "text", where, "long"),
            )
        )
    questions = []
    for i, q in enumerate(items("questions")):
        where = f"questions[{i}]"
        choices = r.get(q, "choices", where, list, [], max_len=MAX_TEXT["text"]) or []
        pairs = []
        for c in choices:
            if isinstance(c, list) and len(c) == 2 and all(isinstance(x, str | int) for x in c):
                value, label = (str(x) for x in c)
                if len(value) > MAX_TEXT["code"] or len(label) > MAX_TEXT["text"]:
                    r.problems.append(f"{where}: a choice is too long.")
                elif _CONTROL.search(value + label):
                    r.problems.append(f"{where}: a choice contains control characters.")
                else:
                    pairs.append((value, label))
            else:
                r.problems.append(f"{where}: each choice must be [value, label].")
        questions.append(
            Question(
                code=str(r.get(q, "code", where, str)),
                label=r.text(q, "label", where, "text"),
                type=r.get(q, "type", where, str, max_len=12),
                step=r.get(q, "step", where, str, "", max_len=20),
                order=r.small_int(q, "order", where, 0),
                choices=tuple(pairs),
                min_value=r.get(q, "min_value", where, (int, type(None)), None),
                max_value=r.get(q, "max_value", where, (int, type(None)), None),
                required=r.get(q, "required", where, bool, False),
                help_text=r.text(q, "help_text", where, "long"),
                source=r.get(q, "source", where, str, "clinician", max_len=12),
            )
        )
    groups: dict[str, list[Any]] = {k: [] for k in RULE_KINDS}
    for i, rule in enumerate(items("rules")):
        rid = rule.get("id") if isinstance(rule, dict) else None
        shown = str(rid)[:60] if isinstance(rid, str) else ""
        where = f"rules[{i}]" + (f" ({shown})" if shown else "")
        kind = r.get(rule, "kind", where, str, max_len=14)
        if kind not in RULE_KINDS:
            if kind is not None:
                r.problems.append(f"{where}: unknown rule kind {kind!r}.")
            continue
        when_data = r.get(rule, "when", where, list, []) or []
        when = tuple(
            c
            for c in (
                condition_from_data(c, f"{where} when[{j}]", r) for j, c in enumerate(when_data)
            )
            if c is not None
        )
        common = {
            "id": str(r.get(rule, "id", where, str)),
            "when": when,
            "text": r.text(rule, "text", where, "text"),
            "note": r.text(rule, "note", where, "text"),
        }
        obj: Any
        if kind == "placement":
            obj = PlacementRule(
                track=r.get(rule, "track", where, str, max_len=30),
                level=str(r.get(rule, "level", where, (str, int, float), max_len=20)),
                **common,
            )
        elif kind == "substitution":
            obj = Substitution(
                track=r.get(rule, "track", where, str, max_len=30),
                from_level=str(r.get(rule, "from_level", where, (str, int, float), max_len=20)),
                to_level=str(r.get(rule, "to_level", where, (str, int, float), max_len=20)),
                **common,
            )
        elif kind == "modifier":
            obj = ModifierRule(
                modifier=str(r.get(rule, "modifier", where, str, max_len=20)), **common
            )
        elif kind == "need":
            obj = NeedRule(
                level=str(r.get(rule, "level", where, (str, int, float), "", max_len=20)),
                modifier=str(r.get(rule, "modifier", where, str, "", max_len=20)),
                **common,
            )
        elif kind == "determination":
            obj = DeterminationRule(
                level=str(r.get(rule, "level", where, (str, int, float), max_len=20)), **common
            )
        elif kind == "rating":
            obj = RatingRule(
                dimension=str(r.get(rule, "dimension", where, str, max_len=10)),
                rating=r.get(rule, "rating", where, (int, str), lo=0, hi=MAX_SMALL_INT, max_len=10),
                **common,
            )
        else:
            obj = FlagRule(flag=str(r.get(rule, "flag", where, str, max_len=40)), **common)
        groups[kind].append(obj)
    if r.problems:
        raise RuleSetError(r.problems[:200])
    return RuleSet(
        name=str(data.get("name") or ""),
        version=version,
        edition=str(data.get("edition") or ""),
        dimensions=tuple(dimensions),
        levels=tuple(levels),
        flags=tuple(flags),
        modifiers=tuple(modifiers),
        questions=tuple(questions),
        placement_rules=tuple(groups["placement"]),
        substitutions=tuple(groups["substitution"]),
        modifier_rules=tuple(groups["modifier"]),
        rating_rules=tuple(groups["rating"]),
        flag_rules=tuple(groups["flag"]),
        need_rules=tuple(groups["need"]),
        determination_rules=tuple(groups["determination"]),
        groups=tuple(groups_),
        carry_over=tuple(carry),
        adolescent_flag=str(data.get("adolescent_flag") or "adolescent"),
        primary_track=str(data.get("primary_track") or "treatment"),
        withdrawal_track=str(data.get("withdrawal_track") or "withdrawal"),
        **{key: str(data.get(key) or "") for key in VERIFY_KEYS},
    )
