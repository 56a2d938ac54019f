"""Korean particles follow the sound a value ends with: "20대 여성을", "여자아이를",
"₩2,000,000을", never "을(를)" in a sentence a donor reads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from safepassage.base import korean, money
from safepassage.fundraising.models import NewsKind

FIRST, LAST = 0xAC00, 0xD7A3
RIEUL = 8

syllables = st.integers(FIRST, LAST).map(chr)
open_syllables = st.integers(0, (LAST - FIRST) // 28).map(lambda n: chr(FIRST + 28 * n))
closed_syllables = st.tuples(
    st.integers(0, (LAST - FIRST) // 28), st.integers(1, 27).filter(lambda f: f != RIEUL)
).map(lambda nf: chr(FIRST + 28 * nf[0] + nf[1]))
rieul_syllables = st.integers(0, (LAST - FIRST) // 28).map(lambda n: chr(FIRST + 28 * n + RIEUL))
prefixes = st.text(alphabet=st.characters(codec="utf-8"), max_size=12)
PARTICLES = ["을", "이", "은", "과", "으로"]


def forms(word: str) -> list[str]:
    return [korean.particle(word, p) for p in PARTICLES]


@given(prefixes, open_syllables)
def test_after_a_vowel_the_vowel_forms(prefix, last):
    assert forms(prefix + last) == ["를", "가", "는", "와", "로"]


@given(prefixes, closed_syllables)
def test_after_a_final_consonant_the_consonant_forms(prefix, last):
    assert forms(prefix + last) == ["을", "이", "은", "과", "으로"]


@given(prefixes, rieul_syllables)
def test_after_rieul_euro_becomes_ro(prefix, last):
    assert forms(prefix + last) == ["을", "이", "은", "과", "로"]


@given(prefixes, syllables, st.sampled_from(['"', "\u201d", "\u2019", "」", "』", " "]))
def test_a_closing_quote_is_skipped(prefix, last, closer):
    assert forms(f"{prefix}{last}{closer}") == forms(prefix + last)


@given(syllables, st.sampled_from(PARTICLES))
def test_any_spelling_of_the_particle_gives_the_same_form(last, particle):
    after_consonant, after_vowel = korean.PAIRS[particle]
    spellings = [after_consonant, after_vowel, f"{after_consonant}({after_vowel})"]
    assert {korean.particle(last, s) for s in spellings} == {korean.particle(last, particle)}


def read_aloud(n: int) -> str:
    """An independent full Sino-Korean reading: 2000000 → 이백만, 10100 → 만백."""
    if n == 0:
        return "영"
    digits = "영일이삼사오육칠팔구"
    small = ["", "십", "백", "천"]
    big = ["", "만", "억", "조", "경"]
    words = []
    group_index = 0
    while n:
        n, group = divmod(n, 10_000)
        if group:
            text = ""
            for place in range(3, -1, -1):
                digit = group // 10**place % 10
                if digit:
                    text += ("" if digit == 1 and place else digits[digit]) + small[place]
            words.insert(0, text + big[group_index])
        group_index += 1
    return "".join(words)


@given(st.integers(0, 10**19 - 1))
def test_a_number_takes_the_particle_of_its_korean_reading(n):
    assert forms(f"{n:,}") == forms(read_aloud(n))
    assert forms(str(n)) == forms(read_aloud(n))


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("20대 여성", "20대 여성을"),
        ("여자아이", "여자아이를"),
        ("₩2,000,000", "₩2,000,000을"),  # 이백만 원
        ("800,000 KRW", "800,000 KRW을"),  # 팔십만 원
        ("US$5.00", "US$5.00를"),  # 5 달러
        ("€12.50", "€12.50를"),  # 유로
        ("JP¥1,000", "JP¥1,000을"),  # 엔
        ("1.5", "1.5를"),  # 일점오
        ("50%", "50%를"),  # 퍼센트
        ("HS-2026-0001", "HS-2026-0001을"),  # ... 일
        ("UN", "UN을"),  # 유엔
        ("KRW", "KRW를"),  # ... 더블유
        ("Kim", "Kim을"),  # 킴
        ("Lee", "Lee를"),  # 리
        ("Hope Sharing", "Hope Sharing을"),  # ... 링
        ("서울(Seoul)", "서울(Seoul)을"),  # the aside is skipped
        ("(여자아이)", "(여자아이)를"),
        ("“희망”", "“희망”을"),
        ("★", "★을(를)"),  # cannot be read: both forms, as before
    ],
)
def test_values_a_donor_reads(word, expected):
    assert korean.with_particle(word, "을") == expected


def test_euro_follows_the_rieul_rule_for_numbers_and_letters():
    assert korean.with_particle("1", "으로") == "1로"  # 일
    assert korean.with_particle("3", "으로") == "3으로"  # 삼
    assert korean.with_particle("10", "으로") == "10으로"  # 십
    assert korean.with_particle("L", "으로") == "L로"  # 엘
    assert korean.with_particle("★", "으로") == "★(으)로"


@given(st.integers(0, 10**14), st.sampled_from(["ko", "en"]))
def test_every_won_amount_reads_won(minor, locale):
    assert korean.with_particle(money.display(minor, "KRW", locale), "이").endswith("이")


def test_an_unknown_particle_is_refused():
    with pytest.raises(ValueError, match="particle"):
        korean.particle("사람", "의")


def test_other_languages_read_the_bare_value():
    with translation.override("en"):
        assert korean.for_reader("20대 여성", "을") == "20대 여성"
    with translation.override("ko"):
        assert korean.for_reader("20대 여성", "을") == "20대 여성을"


def reminder(language: str) -> str:
    with translation.override(language):
        return render_to_string(
            "fundraising/email/reminder.txt",
            {
                "number": 2,
                "count": 3,
                "due_on": dt.date(2026, 12, 2),
                "amount": "₩1,000,000",
                "total": "₩3,000,000",
                "paid": "₩2,000,000",
                "overdue": False,
                "organisation": "Safe Passage",
            },
        )


def test_the_pledge_reminder_joins_the_amount_and_its_particle():
    body = reminder("ko")
    assert "₩2,000,000을" in body, body
    assert "(를)" not in body, body
    assert "You have given ₩2,000,000 of the ₩3,000,000 you promised." in reminder("en")


@pytest.mark.parametrize(
    ("kind", "who", "joined"),
    [
        (NewsKind.ASSIGNED, "20대 여성", "20대 여성을"),
        (NewsKind.REASSIGNED, "여자아이", "여자아이를"),
        (NewsKind.THIRD_COUNTRY, "어린 자녀와 함께 있는 30대 여성", "30대 여성이"),
        (NewsKind.ARRIVED, "남자아이", "남자아이가"),
    ],
)
def test_the_sponsors_news_joins_the_person_and_its_particle(kind, who, joined):
    context = {"kind": kind, "kinds": NewsKind, "who": who, "has_profile": True}
    with translation.override("ko"):
        body = render_to_string("fundraising/email/news.txt", context)
    assert joined in body, body
    assert "(를)" not in body, body
    assert "(가)" not in body, body
    with translation.override("en"):
        assert joined not in render_to_string("fundraising/email/news.txt", context)


@pytest.mark.django_db
def test_a_recorded_pledge_says_its_code_with_the_particle_that_fits(director):
    from django.conf import settings

    from safepassage.fundraising.models import Pledge
    from safepassage.testing.hope import donor, today
    from safepassage.testing.members import signed_in_client

    giver = donor()
    client = signed_in_client(director)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"
    response = client.post(
        "/hope/pledges/new/",
        {
            "donor": giver.code,
            "total": "1000000",
            "currency": "KRW",
            "instalments": "4",
            "frequency": "monthly",
            "starts_on": today().isoformat(),
        },
        follow=True,
    )
    code = Pledge.objects.get(donor=giver).code
    page = response.content.decode()
    assert korean.with_particle(code, "을") in page, page
    assert f"{code}을(를)" not in page
