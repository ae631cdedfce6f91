import pytest

from placement.defaults import DEFAULT_RULE_SET_FILE
from placement.rules import serialize


def load_default():
    return serialize.from_data(
        serialize.loads(DEFAULT_RULE_SET_FILE.read_text(encoding="utf-8")), version=1
    )


@pytest.fixture(scope="session")
def default_rs():
    return load_default()
