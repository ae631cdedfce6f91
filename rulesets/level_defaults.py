"""Care intensity and the crosswalk for the levels of the shipped editions: one scale for the
review queue and for reviews that cross editions. Levels with the same care share a number
(4 and 4 Psychiatric; 3.7, 3.7 COE and 3.7 BIO ...). Used to fill levels of rule-set files
written before levels carried them; a rule set's own numbers always win. Our own reading of the
level definitions in the project's clinical reference for both editions, not ASAM's."""

INTENSITY = {
    # 3rd edition, treatment
    "0.5": 1,
    "1": 2,
    "2.1": 4,
    "2.5": 5,
    "3.1": 7,
    "3.3": 8,
    "3.5": 9,
    "3.7": 10,
    "4": 11,
    # 3rd edition, withdrawal management (the setting's intensity)
    "none": 0,
    "1-WM": 2,
    "2-WM": 4,
    "3.2-WM": 7,
    "3.7-WM": 10,
    "4-WM": 11,
    # 4th edition
    "1.0": 1,
    "1.5": 2,
    "1.5 COE": 2,
    "1.7": 3,
    "1.7 COE": 3,
    "2.5 COE": 5,
    "2.7": 6,
    "2.7 COE": 6,
    "3.5 COE": 9,
    "3.7 COE": 10,
    "3.7 BIO": 10,
    "4 Psychiatric": 11,
    "RR": 0,  # a recovery residence beside an outpatient level: housing, not care
}

# 4th edition: the nearest 3rd-edition level of each level.
CROSSWALK_3RD = {
    "1.0": "1",
    "1.5": "1",
    "1.5 COE": "1",
    "1.7": "1",
    "1.7 COE": "1",
    "2.1": "2.1",
    "2.5": "2.5",
    "2.5 COE": "2.5",
    "2.7": "2.5",
    "2.7 COE": "2.5",
    "3.1": "3.1",
    "3.5": "3.5",
    "3.5 COE": "3.5",
    "3.7": "3.7",
    "3.7 COE": "3.7",
    "3.7 BIO": "3.7",
    "4": "4",
    "4 Psychiatric": "4",
}


def fill_levels(data: dict) -> dict:
    """``data`` (the file format) with every level given an intensity, and 4th-edition levels
    their crosswalk, when the file has none: the shipped numbers for known codes, else the
    level's order on its track plus one."""
    fourth = str(data.get("edition") or "") == "4"
    for level in data.get("levels") or []:
        if not isinstance(level, dict):
            continue
        code = str(level.get("code"))
        if level.get("intensity") is None:
            rank = level.get("rank")
            fallback = rank + 1 if isinstance(rank, int) and not isinstance(rank, bool) else 0
            level["intensity"] = INTENSITY.get(code, fallback)
        if fourth and not level.get("crosswalk_3rd") and code in CROSSWALK_3RD:
            level["crosswalk_3rd"] = CROSSWALK_3RD[code]
    return data
