"""The default rule sets shipped with Stepwise, as versioned data files in ``rulesets/data/``:
asam3-default versions 1 and 2 (retired) and 3 (published); asam4-default version 1 (retired)
and 2 (published). The data migrations read them through their own frozen loader
(``placement/migrations/_frozen.py``); tests and benchmarks read the same files."""

from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"
DEFAULT_RULE_SET_FILE = DATA_DIR / "asam3-default-v1.yaml"
DEFAULT_RULE_SET_V2_FILE = DATA_DIR / "asam3-default-v2.yaml"
DEFAULT_RULE_SET_V3_FILE = DATA_DIR / "asam3-default-v3.yaml"
FOURTH_EDITION_FILE = DATA_DIR / "asam4-default-v1.yaml"
FOURTH_EDITION_V2_FILE = DATA_DIR / "asam4-default-v2.yaml"
FOURTH_EDITION_V3_FILE = DATA_DIR / "asam4-default-v3.yaml"
DEFAULT_RULE_SET_NAME = "asam3-default"
