"""Build a small organisation through the services and use it, then seize a copy of it.

Run by ``test_seizure.py`` in a child process, as a site runs: its own settings
(``SAFEPASSAGE_MODE=demo``, a fresh ``SAFEPASSAGE_VAR_DIR``, optionally a PostgreSQL
``SAFEPASSAGE_DATABASE_URL``), its own file-based database, logs on stderr and e-mail in
files. ``python tests/attack/population.py OUT`` writes to OUT:

- ``truth.json``: every protected value it handed to the services (what must not leak),
  and each person's given name (what the pseudonym must not show);
- ``seized/``: on SQLite, the database file and its ``-wal`` copied while the site is
  still running (an attacker who takes the machine does not wait for a checkpoint).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import random
import shutil
import sqlite3
import sys
import unicodedata
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

# Romanised syllables long enough that a given name (two of them) cannot turn up by chance.
LATIN_FIRST = ["Young", "Sun", "Myong", "Gyong", "Chun", "Hyang", "Ryon", "Song", "Kwang"]
LATIN_SECOND = ["hee", "ok", "sil", "hwa", "nam", "ran", "ja", "mi", "suk", "ae"]
LATIN_SURNAMES = ["Kim", "Lee", "Pak", "Choi", "Ryu", "Jong", "Han", "Ri"]
HANGUL_SURNAMES = "김이박최류정한리"
HANGUL_GIVEN = "영선명경춘향련송광희옥실화남란자미숙애혜순덕"
HAN_SURNAMES = "王李张刘陈金朴崔"
HAN_GIVEN = "美华秀英玉兰春梅丽娟淑珍凤霞桂芳"


class Truth:
    def __init__(self) -> None:
        self.values: list[dict] = []
        self.given_names: list[dict] = []

    def add(self, kind: str, value: str, *, owner: str = "") -> str:
        if value.strip():
            self.values.append({"kind": kind, "value": value, "owner": owner})
        return value

    def name(self, full: str, given: str, style: str) -> str:
        self.add("person name", full)
        self.given_names.append({"style": style, "name": full, "given": given})
        return full


def person_names(rng: random.Random):
    """(full name, given name, style): every script and order the world writes."""

    def latin_given():
        return rng.choice(LATIN_FIRST) + rng.choice(LATIN_SECOND)

    def hangul_given():
        return "".join(rng.sample(HANGUL_GIVEN, 2))

    def han_given():
        return "".join(rng.sample(HAN_GIVEN, 2))

    while True:
        surname, given = rng.choice(HANGUL_SURNAMES), hangul_given()
        yield surname + given, given, "Hangul, Korean order, no space"
        surname, given = rng.choice(HANGUL_SURNAMES), hangul_given()
        full = unicodedata.normalize("NFD", surname + given)
        yield full, unicodedata.normalize("NFD", given), "Hangul in NFD"
        surname, given = rng.choice(HANGUL_SURNAMES), hangul_given()
        yield f"{surname} {given}", given, "Hangul with a space"
        surname, given = rng.choice(HAN_SURNAMES), han_given()
        yield surname + given, given, "Chinese characters"
        surname, given = rng.choice(LATIN_SURNAMES), latin_given()
        yield f"{surname} {given}", given, "Latin, Korean order"
        surname, given = rng.choice(LATIN_SURNAMES), latin_given()
        yield f"{given} {surname}", given, "Latin, Western order"
        given = latin_given()
        yield given, given, "Latin, one word"
        surname, given = rng.choice(LATIN_SURNAMES), latin_given()
        yield f"{surname}{given}", given, "Latin, no space"


def phone(rng: random.Random) -> str:
    return f"+86 1{rng.randint(30, 89)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"


def place(rng: random.Random) -> str:
    building = rng.choice(["창고", "농가", "아파트"])
    return f"{building} {rng.randint(10, 99)}호 뒤 Xiaocun-{rng.randint(100, 999)}"


def build(truth: Truth, rng: random.Random) -> dict:
    from django.utils import timezone
    from schwifty import IBAN

    from safepassage.accounts.models import Role
    from safepassage.cases import services as cases
    from safepassage.cases.models import Status
    from safepassage.fundraising.services import sponsors
    from safepassage.funds.services import donations, donors, receipts
    from safepassage.rescue.models import AlertKind
    from safepassage.rescue.services import alerts, checkins, missions, places
    from safepassage.testing.members import make_member, signed_in_client

    director = make_member(Role.Code.DIRECTOR)
    worker = make_member(Role.Code.CASE_WORKER)
    coordinator = make_member(Role.Code.RESCUE_COORDINATOR)
    finance = make_member(Role.Code.FINANCE)
    team = cases.team_create(actor=director.user, name="Team North", members=[worker.user])
    names = person_names(rng)
    people = []
    for n in range(6):
        case = cases.case_open(
            actor=worker.user,
            team=team,
            country="CN",
            relayed_by=truth.add("case relayed by", f"Pastor {next(names)[0]} via WeChat {n}"),
            exact_place=truth.add("case place", place(rng)),
            situation=truth.add("case situation", f"숨어 지냄, 브로커 빚 {n} — sold to a farmer"),
        )
        for _member in range(4):
            full, given, style = next(names)
            person = cases.person_add(
                actor=worker.user,
                case=case,
                real_name=truth.name(full, given, style),
                sex=rng.choice(["female", "male"]),
                birth_year=rng.randint(1960, 2015),
                phone=truth.add("person phone", phone(rng)),
                aliases=truth.add("person alias", f"Auntie {next(names)[0]}"),
                whereabouts=truth.add("person whereabouts", place(rng)),
            )
            people.append(person)
        cases.record_testimony(
            actor=worker.user,
            person=people[-1],
            raw_text=truth.add("testimony", f"강을 건넜다 {n}: {place(rng)}"),
        )
    # Staff reveal through the pages, each reason free text.
    client = signed_in_client(worker)
    for person in people[:8]:
        for field in ("real_name", "phone", "whereabouts", "aliases"):
            reason = truth.add("reveal reason", f"Call with Pastor {rng.randint(1000, 9999)}")
            request(client, "post", f"/people/{person.code}/reveal/", field=field, reason=reason)
        request(client, "get", f"/people/{person.code}/")
    # Donors, gifts, a receipt e-mailed, a sponsor's page.
    donor_list = []
    for n in range(6):
        full, _given, _style = next(names)
        email = f"giver{n}.{rng.randint(10000, 99999)}@mail.example.net"
        iban = str(
            IBAN.generate(
                "DE", bank_code="37040044", account_code=str(rng.randint(10**9, 10**10 - 1))
            )
        )
        donor = donors.donor_create(
            actor=finance.user,
            name=truth.add("donor name", full, owner=email),
            email=truth.add("donor e-mail", email, owner=email),
            phone=truth.add("donor phone", phone(rng), owner=email),
            iban=truth.add("donor IBAN", iban, owner=email),
            address=truth.add(
                "donor address", f"{rng.randint(1, 99)} Hidden Lane, Busan", owner=email
            ),
        )
        truth.add("donor IBAN", iban.replace(" ", ""), owner=email)
        donor_list.append(donor)
        donations.donation_record(
            actor=finance.user,
            donor=donor,
            gross_minor=rng.randint(10, 500) * 1000,
            currency="KRW",
            received_on=timezone.localdate() - dt.timedelta(days=n),
            channel="bank",
        )
    money = signed_in_client(finance)
    gift = donor_list[0].donations.first()
    receipt = receipts.receipt_issue(actor=finance.user, donation=gift)
    request(money, "post", f"/funds/receipts/{receipt.number}/send/")
    request(
        money,
        "post",
        f"/funds/donors/{donor_list[1].code}/reveal/",
        field="email",
        reason=truth.add("reveal reason", f"Thank-you call {rng.randint(1000, 9999)}"),
    )
    sponsor = sponsors.sponsor_enrol(actor=director.user, donor=donor_list[2])
    sponsor_token = truth.add("sponsor token", sponsors.page_link(sponsor=sponsor))
    request(signed_out(), "get", f"/s/{sponsor_token}/")
    # A mission with a field partner who checks in, once under duress.
    points = []
    for n, country in enumerate(["CN", "LA", "TH"]):
        points.append(
            places.Stop(
                safe_point=places.safe_point_create(
                    actor=coordinator.user,
                    code_name=f"HERON-{n}",
                    country=country,
                    real_place=truth.add("safe point place", place(rng)),
                    directions=truth.add(
                        "safe point directions",
                        f"Left at the {rng.randint(2, 9)}th pylon, 두번째 문",
                    ),
                    contact=truth.add("safe point contact", phone(rng)),
                ),
                hours=0 if n == 0 else 12,
                means="bus",
            )
        )
    route = places.route_create(actor=coordinator.user, name="Route East", stops=points)
    travellers = people[:2]
    for person in travellers:
        cases.person_set_status(actor=worker.user, person=person, to_status=Status.AWAITING_RESCUE)
    cases.group_create(
        actor=worker.user, case=travellers[0].case, label="Family K", people=travellers
    )
    for person in travellers:
        person.refresh_from_db()
    partner_name, _given, _style = next(names)
    partner = places.partner_create(
        actor=coordinator.user,
        pseudonym="Heron",
        real_name=truth.add("partner name", partner_name),
        phone=truth.add("partner phone", phone(rng)),
        notes=truth.add("partner notes", f"Runs a noodle shop near {place(rng)}"),
    )
    mission = missions.mission_plan(
        actor=coordinator.user,
        route=route,
        people=travellers,
        coordinator=coordinator.user,
        planned_start=timezone.now(),
        partners=[partner],
    )
    missions.mission_start(actor=coordinator.user, mission=mission)
    issued = checkins.link_issue(actor=coordinator.user, mission=mission, partner=partner)
    token = truth.add("check-in token", issued.token)
    phone_client = signed_out()
    request(phone_client, "get", f"/c/{token}/")
    for pin, kind in ((issued.pin, "delayed"), (issued.duress_pin, "need_help")):
        request(
            phone_client,
            "post",
            f"/c/{token}/",
            key=os.urandom(8).hex(),
            kind=kind,
            delay_hours="2",
            pin=pin,
            reason=truth.add("check-in reason", f"Police at {place(rng)}"),
        )
    alerts.raise_now(mission=mission, kind=AlertKind.NEED_HELP, actor="population")
    # An invitation: mailed, used, then replayed.
    from safepassage.accounts import services as accounts

    accounts.staff_invite(
        actor=director.user,
        email=INVITEE,
        display_name="New colleague",
        role_codes=[Role.Code.CASE_WORKER],
        language="en",
    )
    return {"director": director}


INVITEE = "new.colleague@example.org"


def signed_out():
    from django.test import Client

    return Client()


@functools.cache
def access_log():
    """Gunicorn's access logger exactly as ``safepassage serve`` configures it."""
    from django.utils.module_loading import import_string
    from gunicorn.config import Config

    from safepassage.web.management.commands import serve

    argv: list[str] = []
    with mock.patch.object(serve.os, "execv", lambda _exe, args: argv.extend(args)):
        serve.Command().handle(bind="127.0.0.1:0", workers=1)
    config = Config()
    config.set("accesslog", "-")
    config.set("access_log_format", argv[argv.index("--access-logformat") + 1])
    return import_string(argv[argv.index("--logger-class") + 1])(config)


def request(client, method: str, path: str, **data):
    """One request through the site, written to gunicorn's access log as it would be."""
    response = getattr(client, method)(path, data)
    environ = dict(response.wsgi_request.environ)
    environ.setdefault("RAW_URI", environ["PATH_INFO"])
    served = SimpleNamespace(
        status=f"{response.status_code} X", sent=len(response.content), headers=[]
    )
    access_log().access(served, SimpleNamespace(headers=[]), environ, dt.timedelta(milliseconds=3))
    return response


def invitation_token(mail_dir: Path) -> str:
    import re

    from tests.attack.leaks import mail_messages

    for _to, text in mail_messages(mail_dir):
        found = re.search(r"/accounts/invitation/([^/\s]+)/", text.decode("utf-8", "replace"))
        if found:
            return found.group(1)
    raise SystemExit("no invitation e-mail was written")


def main(out: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safepassage.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    keep_open = None
    if connection.vendor == "sqlite":
        # A second connection held open, as a running site's other workers hold theirs, so
        # closing Django's does not checkpoint the WAL away.
        keep_open = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        keep_open.execute("SELECT count(*) FROM django_migrations").fetchall()
    truth = Truth()
    build(truth, random.Random(12))
    call_command("worker", batch=True, no_startup_delay=True, no_schedule=True, verbosity=0)
    mail_dir = Path(settings.MAILERS["default"]["OPTIONS"]["file_path"])
    # The invitation's own e-mail carries its token to the invitee, and may.
    token = truth.add("invitation token", invitation_token(mail_dir), owner=INVITEE)
    newcomer = signed_out()
    for _replay in range(2):
        request(newcomer, "get", f"/accounts/invitation/{token}/")
    seized = out / "seized"
    seized.mkdir()
    if keep_open is not None:
        database = Path(settings.DATABASES["default"]["NAME"])
        for suffix in ("", "-wal"):
            source = Path(str(database) + suffix)
            if source.exists():
                shutil.copyfile(source, seized / source.name)
    (out / "truth.json").write_text(
        json.dumps({"values": truth.values, "given_names": truth.given_names}, ensure_ascii=False),
        encoding="utf-8",
    )
    if keep_open is not None:
        keep_open.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
