from .admin_records import *  # noqa: F403
from .admin_rules import RuleAdmin, RuleSetAdmin  # noqa: F401 (registers the admin classes)
