"""The default rule set shipped with Stepwise (asam3-default version 1). The data migration
0002 seeds it from this file; tests and benchmarks read the same file."""

from pathlib import Path

DEFAULT_RULE_SET_FILE = Path(__file__).parent / "migrations" / "data" / "asam3-default-v1.yaml"
DEFAULT_RULE_SET_NAME = "asam3-default"
