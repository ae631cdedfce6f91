"""The default rule sets shipped with Stepwise: asam3-default version 1 (migration 0002) and
version 2 (migration 0007), both retired, and version 3 (migration 0019, published). Tests and
benchmarks read the same files."""

from pathlib import Path

DEFAULT_RULE_SET_FILE = Path(__file__).parent / "migrations" / "data" / "asam3-default-v1.yaml"
DEFAULT_RULE_SET_V2_FILE = DEFAULT_RULE_SET_FILE.with_name("asam3-default-v2.yaml")
DEFAULT_RULE_SET_V3_FILE = DEFAULT_RULE_SET_FILE.with_name("asam3-default-v3.yaml")
DEFAULT_RULE_SET_NAME = "asam3-default"
