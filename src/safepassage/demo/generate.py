"""Generated values for the demo and the benchmarks: realistic in shape, never real people.

Names are assembled at random from common Korean surnames and syllables (and, for aliases
and children born in China, from Chinese ones); phone numbers use the prefix ``000``,
which no Chinese number has; places are invented and vague ("a flat above a shop in a
border town"). Nothing here touches the database.
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
# For the names a woman is given where she is hiding, and for children born in China.
CHINESE_SURNAMES = ["Wang", "Zhang", "Liu", "Chen", "Zhao", "Sun", "Zhou", "Wu"]
CHINESE_SYLLABLES = ["Mei", "Hua", "Ling", "Xiao", "Yan", "Hong", "Jun", "Lan", "Fang", "Ming"]

# Where someone is hiding now: invented and vague, never a real address.
PLACES = [
    "a farm outside a border town",
    "a flat above a shop in a border town",
    "a relative's house in a mountain village",
    "a church member's spare room in a provincial city",
    "a factory dormitory in an industrial district",
    "a farmhouse two hours from the river",
    "a rented room behind a restaurant",
    "the back room of a small clinic",
]
# Clear-text regions of a case: vague enough to be safe in a list.
REGIONS = [
    "north-east border area",
    "a provincial city inland",
    "a rural county",
    "a port city",
    "the southern border",
    "a large city in the north",
]
RELAYERS = [
    "her cousin, resettled three years ago",
    "a church contact in a provincial city",
    "field partner Magpie",
    "field partner Pine",
    "a woman we rescued last year",
    "her own call, from a borrowed phone",
    "a neighbour who sells vegetables at the market",
]
PARTNERS = ["Magpie", "Pine", "Heron", "Willow", "Lantern", "River"]
PROVIDERS = {
    "education": ["a partner alternative school", "weekend study group", "a volunteer tutor"],
    "adjustment": ["adjustment programme (partner centre)", "peer mentoring group"],
    "legal": ["volunteer lawyer", "legal aid clinic"],
    "medical": ["partner clinic", "a volunteer doctor"],
    "other": ["job training course"],
}
# Messages to the rescue workers, as given (Korean) and as edited for publication.
TESTIMONIES = [
    (
        "선생님들 덕분에 딸과 함께 무사히 도착했습니다. 전화가 끊길 때마다 무서웠지만 끝까지"
        " 기다려 주셔서 고맙습니다.",
        "Thanks to you I arrived safely with my daughter. Every time the phone went silent I"
        " was afraid, but you waited for us until the end. Thank you.",
    ),
    (
        "십 년 만에 처음으로 제 이름으로 불렸습니다. 도와주신 모든 분들께 감사드립니다.",
        "For the first time in ten years I was called by my own name. Thank you to everyone"
        " who helped.",
    ),
    (
        "아이가 학교에 다니기 시작했습니다. 이제는 숨지 않아도 됩니다.",
        "My child has started school. We no longer have to hide.",
    ),
    (
        "강을 건널 때 손을 잡아 준 분을 잊지 못할 것입니다.",
        "I will never forget the person who held my hand when we crossed the river.",
    ),
    (
        "후원해 주신 분들께: 여러분의 도움으로 새 삶을 시작합니다.",
        "To the donors: with your help I am starting a new life.",
    ),
    (
        "아직 중국에 남아 있는 언니를 꼭 구해 주세요.",
        "Please rescue my sister, who is still in China.",
    ),
]


def korean_name(rng: random.Random, surname: int | None = None) -> str:
    """A generated Korean name, in Hangul or romanised; ``surname`` keeps a family's."""
    index = rng.randrange(len(SURNAMES)) if surname is None else surname
    if rng.random() < 0.5:
        return SURNAMES_KO[index] + rng.choice(SYLLABLES_KO) + rng.choice(SYLLABLES_KO)
    return f"{SURNAMES[index]} {rng.choice(SYLLABLES)}-{rng.choice(SYLLABLES).lower()}"


def chinese_name(rng: random.Random) -> str:
    return (
        f"{rng.choice(CHINESE_SURNAMES)} "
        f"{rng.choice(CHINESE_SYLLABLES)}-{rng.choice(CHINESE_SYLLABLES).lower()}"
    )


def fake_phone(rng: random.Random) -> str:
    """A Chinese-looking number in the 000 range, which no real number uses."""
    return f"+86 000 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"


def person_fields(rng: random.Random) -> dict:
    """One adult or child, as ``cases.services.person_add`` takes them (without a case)."""
    draw = rng.random()
    # About 3% from lists that gave no sex: a category of its own, never guessed.
    sex = Sex.FEMALE if draw < 0.8 else Sex.MALE if draw < 0.97 else Sex.NOT_RECORDED
    return {
        "real_name": korean_name(rng),
        "sex": sex,
        "birth_year": rng.randint(1965, 2022),
        "province": rng.choice(Province.values),
        "country": rng.choice(["CN", "CN", "CN", "LA", "TH", "VN"]),
        "phone": fake_phone(rng),
        "whereabouts": rng.choice(PLACES),
    }
