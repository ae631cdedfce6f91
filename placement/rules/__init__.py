"""The placement engine: pure Python, no Django. Data in, decision with reasons out.

    from placement.rules import evaluate, suggest_ratings

The engine never reads a database or the clock; the same inputs and rule set always give the
same decision, which is what makes a placement replayable."""

from .engine import evaluate, suggest_ratings
from .errors import InputError, RuleSetError
from .model import Decision, Reason, RuleSet

__all__ = [
    "Decision",
    "InputError",
    "Reason",
    "RuleSet",
    "RuleSetError",
    "evaluate",
    "suggest_ratings",
]
