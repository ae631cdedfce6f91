"""Level codes in plain words: ``{{ code|level_label:rule_set }}`` gives "2.1 Intensive
Outpatient" (``Level.label``, the one formatter of a level); an unknown or empty code comes
back as it is."""

from django import template

from rulesets.loader import engine_rule_set

register = template.Library()


@register.filter
def level_label(code, rule_set) -> str:
    if not code or rule_set is None:
        return code or ""
    try:
        return engine_rule_set(rule_set).level(code).label()
    except (KeyError, Exception):  # a broken draft or an unknown code: the code alone
        return code
