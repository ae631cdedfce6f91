from .admin_records import PlacementAdmin  # noqa: F401
from .admin_rules import RuleAdmin, RuleSetAdmin  # noqa: F401 (registers the admin classes)
