"""A deliberately naive interpreter of the rule-set semantics, written straight from the
specification (collect, take the most intensive; substitutions in order; modifiers). The
compiled engine must agree with it on every input."""

from placement.rules.model import AnyOf, AtLeast, FlagIs, RatingIn


def holds(cond, ratings, flags, rs):
    if isinstance(cond, AnyOf):
        return any(holds(c, ratings, flags, rs) for c in cond.conditions)
    if isinstance(cond, RatingIn):
        scale = rs.dimension(cond.dimension).scale
        return (
            scale.index(cond.low) <= scale.index(ratings[cond.dimension]) <= scale.index(cond.high)
        )
    if isinstance(cond, FlagIs):
        return bool(flags.get(cond.flag, False)) == cond.value
    if isinstance(cond, AtLeast):
        n = 0
        for code in cond.dimensions:
            scale = rs.dimension(code).scale
            if scale.index(ratings[code]) >= scale.index(cond.minimum):
                n += 1
        return n >= cond.count
    raise AssertionError(cond)


def reference(rs, ratings, flags):
    result = {}
    for track in rs.tracks:
        fired = [
            r
            for r in rs.placement_rules
            if r.track == track and all(holds(c, ratings, flags, rs) for c in r.when)
        ]
        if fired:
            result[track] = max((rs.level(r.level) for r in fired), key=lambda lv: lv.rank).code
    for s in rs.substitutions:
        if s.from_level in (result.get(s.track), "*") and all(
            holds(c, ratings, flags, rs) for c in s.when
        ):
            result[s.track] = s.to_level
    mods = {
        m.modifier for m in rs.modifier_rules if all(holds(c, ratings, flags, rs) for c in m.when)
    }
    fired_ids = {
        r.id
        for r in (*rs.placement_rules, *rs.modifier_rules)
        if all(holds(c, ratings, flags, rs) for c in r.when)
    }
    return result, mods, fired_ids
