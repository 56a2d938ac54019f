"""One root secret, one derived key per purpose: no keyed hash stands for another."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import unicodedata

import pytest

from safepassage.fundraising import tokens as sponsor_tokens
from safepassage.rescue import tokens as checkin_tokens
from safepassage.vault import derived


def test_each_purpose_has_its_own_key_and_none_is_the_root(settings):
    keys = {purpose: derived.key(purpose) for purpose in derived.PURPOSES}
    keys["blind-index"] = derived.blind_index_key("cases_person.real_name")
    assert len(set(keys.values())) == len(keys)
    assert all(len(key) == 32 for key in keys.values())
    assert settings.BLIND_INDEX_KEY.encode() not in keys.values()


def test_the_keys_follow_the_root(settings):
    before = derived.key("checkin-token")
    settings.BLIND_INDEX_KEY = "another-root-" + "0123456789" * 3
    assert derived.key("checkin-token") != before


def test_an_unknown_purpose_is_refused():
    with pytest.raises(ValueError, match="no derived key"):
        derived.key("blind-index")


def test_a_token_hash_under_one_label_never_matches_another():
    token = checkin_tokens.new_token()
    hashes = {
        "checkin-token": checkin_tokens.token_digest(token),
        "sponsor-token": sponsor_tokens.digest(token),
        **{purpose: derived.digest(purpose, token.encode()) for purpose in derived.PURPOSES},
    }
    assert hashes["checkin-token"] == derived.digest("checkin-token", token.encode())
    assert hashes["sponsor-token"] == derived.digest("sponsor-token", token.encode())
    for (a, ha), (b, hb) in itertools.combinations(hashes.items(), 2):
        if {a, b} not in ({"checkin-token"}, {"sponsor-token"}):
            assert ha != hb, (a, b)
    blind = hmac.new(
        derived.blind_index_key("fundraising_sponsor.page"), token.encode(), hashlib.sha256
    ).hexdigest()
    assert blind not in hashes.values()


def test_blind_indexes_keep_their_derivation_so_existing_indexes_stay_valid(settings):
    context = "cases_person.real_name"
    expected = hmac.new(settings.BLIND_INDEX_KEY.encode(), context.encode(), hashlib.sha256)
    assert derived.blind_index_key(context) == expected.digest()


def test_a_pin_hash_is_slow_peppered_and_salted_by_the_link(settings):
    pin = "482913"
    first = checkin_tokens.pin_digest("link-a", pin)
    assert first == checkin_tokens.pin_digest("link-a", f" {pin} ")
    assert first != checkin_tokens.pin_digest("link-b", pin)
    # Neither a plain hash nor an HMAC under any derived key gives the stored value.
    plain = {hashlib.sha256(pin.encode()).hexdigest()} | {
        derived.digest(purpose, f"link-a:{pin}".encode()) for purpose in derived.PURPOSES
    }
    assert first not in plain
    settings.BLIND_INDEX_KEY = "another-root-" + "0123456789" * 3
    assert checkin_tokens.pin_digest("link-a", pin) != first


def test_import_source_keys_of_cases_and_funds_differ():
    assert derived.key("import-source:cases") != derived.key("import-source:funds")
    name = unicodedata.normalize("NFC", "김영희")
    assert derived.digest("import-source:cases", name.encode()) != derived.digest(
        "import-source:funds", name.encode()
    )
