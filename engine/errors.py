class InputError(ValueError):
    """Bad input to the engine. ``field`` names the offending input, e.g. ``ratings.D7``."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class RuleSetError(ValueError):
    """A rule set that cannot be compiled (unknown codes, empty ranges, duplicate ids...).
    ``problems`` lists every problem found, each a plain sentence."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems
