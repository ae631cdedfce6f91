import pytest

from engine import InputError, evaluate

OK = {"D1": 0, "D2": 1, "D3": 2, "D4": 3, "D5": 4, "D6": 0}


@pytest.mark.parametrize(
    ("ratings", "flags", "field"),
    [
        ({**OK, "D2": 5}, {}, "ratings.D2"),
        ({**OK, "D2": -1}, {}, "ratings.D2"),
        ({**OK, "D7": 1}, {}, "ratings.D7"),
        ({k: v for k, v in OK.items() if k != "D4"}, {}, "ratings.D4"),
        ({**OK, "D3": "two"}, {}, "ratings.D3"),
        ({**OK, "D3": None}, {}, "ratings.D3"),
        (OK, {"homeless": True}, "flags.homeless"),
        (OK, {"pregnant": "yes"}, "flags.pregnant"),
        ([0, 1, 2, 3, 4, 0], {}, "ratings"),
    ],
)
def test_bad_input_is_refused_naming_the_field(default_rs, ratings, flags, field):
    with pytest.raises(InputError) as exc:
        evaluate(default_rs, ratings, flags)
    assert exc.value.field == field


def test_a_refused_flag_value_is_refused_again_after_good_ones(default_rs):
    evaluate(default_rs, OK, {"pregnant": True})
    with pytest.raises(InputError):
        evaluate(default_rs, OK, {"pregnant": True, "made_up": True})
