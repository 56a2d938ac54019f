"""A generated demo organisation: realistic in shape, never real people.

Names are assembled at random from common Korean surnames and syllables; phone numbers use
a reserved-looking range; places are invented.
"""

from __future__ import annotations

import random

from safepassage.cases.models import Province, Sex

SURNAMES = ["Kim", "Lee", "Pak", "Choi", "Jong", "Kang", "Cho", "Yun", "Jang", "Rim", "Han", "Ryu"]
SURNAMES_KO = ["김", "리", "박", "최", "정", "강", "조", "윤", "장", "림", "한", "류"]
SYLLABLES = [
    "Yong",
    "Hui",
    "Sun",
    "Ok",
    "Myong",
    "Chol",
    "Hyang",
    "Mi",
    "Song",
    "Ju",
    "Gum",
    "Ryon",
    "Hwa",
    "Jin",
    "Su",
    "Il",
]
SYLLABLES_KO = [
    "영",
    "희",
    "순",
    "옥",
    "명",
    "철",
    "향",
    "미",
    "송",
    "주",
    "금",
    "련",
    "화",
    "진",
    "수",
    "일",
]
# Where people are hiding now: invented places.
PLACES = [
    "a farm outside a border town",
    "a flat above a shop",
    "a relative's house",
    "a church member's home",
    "a factory dormitory",
]


def person_fields(rng: random.Random) -> dict:
    index = rng.randrange(len(SURNAMES))
    korean = rng.random() < 0.5
    if korean:
        name = SURNAMES_KO[index] + rng.choice(SYLLABLES_KO) + rng.choice(SYLLABLES_KO)
    else:
        name = f"{SURNAMES[index]} {rng.choice(SYLLABLES)}-{rng.choice(SYLLABLES).lower()}"
    sex = Sex.FEMALE if rng.random() < 0.8 else Sex.MALE
    return {
        "real_name": name,
        "sex": sex,
        "birth_year": rng.randint(1965, 2022),
        "province": rng.choice(Province.values),
        "country": rng.choice(["CN", "CN", "CN", "LA", "TH", "VN"]),
        "phone": f"+86 1{rng.randint(30, 89)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
        "whereabouts": rng.choice(PLACES),
    }
