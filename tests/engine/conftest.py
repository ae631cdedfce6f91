import pytest

from engine import serialize
from rulesets.defaults import (
    DEFAULT_RULE_SET_FILE,
    DEFAULT_RULE_SET_V2_FILE,
    DEFAULT_RULE_SET_V3_FILE,
)


def load_default():
    """Version 1 (sections 1-7 of the specification)."""
    return serialize.from_data(
        serialize.loads(DEFAULT_RULE_SET_FILE.read_text(encoding="utf-8")), version=1
    )


def load_v2():
    """Version 2 (section 8)."""
    return serialize.from_data(
        serialize.loads(DEFAULT_RULE_SET_V2_FILE.read_text(encoding="utf-8")), version=2
    )


def load_v3():
    """Version 3 (section 9)."""
    return serialize.from_data(
        serialize.loads(DEFAULT_RULE_SET_V3_FILE.read_text(encoding="utf-8")), version=3
    )


@pytest.fixture(scope="session")
def v3_rs():
    return load_v3()


@pytest.fixture(scope="session")
def default_rs():
    return load_default()


@pytest.fixture(scope="session")
def v2_rs():
    return load_v2()
