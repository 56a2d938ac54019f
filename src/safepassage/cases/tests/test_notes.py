"""A case's notes and contact log: sealed by the vault, written through audited services,
listed to whoever may see the case, read only through an audited reveal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from safepassage.accounts.models import Role
from safepassage.audit.models import AuditEntry
from safepassage.audit.sealing import opened
from safepassage.cases import selectors, services
from safepassage.cases.models import Case, CaseNote, ContactEntry, Status
from safepassage.cases.services import CaseError
from safepassage.testing.members import make_member, make_outsider
from safepassage.testing.people import make_person
from safepassage.vault import records
from safepassage.vault.errors import Shredded

pytestmark = pytest.mark.django_db

HANGUL = "어머니와 통화했습니다. 아이는 열이 납니다."
CHINESE = "她说孩子发烧了。需要药品。"
LATIN = "Called the pastor back; the family moves on Friday."


@pytest.fixture
def person():
    return make_person(real_name="Kim Young-hee", sex="female", birth_year=1990)


def raw_column(model, pk, column: str) -> bytes:
    """What the database itself holds, read past the ORM."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table} WHERE id = %s", [pk.hex])
        return bytes(cursor.fetchone()[0])


# --- services -------------------------------------------------------------------------


def test_a_note_is_sealed_dated_signed_and_audited_in_hangul(case_worker, person):
    note = services.case_note_add(
        actor=case_worker.user, case=person.case, person=person, text=f"  {HANGUL}\n"
    )
    stored = CaseNote.objects.get(pk=note.pk)
    assert records.read(stored, "text") == HANGUL
    assert HANGUL.encode() not in raw_column(CaseNote, note.pk, "text")
    assert "열이".encode() not in raw_column(CaseNote, note.pk, "text")
    assert stored.author == case_worker.user
    assert stored.created_at.date() == timezone.now().date()
    entry = AuditEntry.objects.get(action="cases.note_added")
    assert entry.actor_id == case_worker.user.pk
    assert entry.target_id == str(note.pk)
    assert entry.data == {"case": person.case.code, "person": person.code}
    assert HANGUL not in str(entry.data)


def test_a_contact_is_sealed_and_audited_with_its_channel_and_direction_in_chinese(
    case_worker, person
):
    when = timezone.now() - dt.timedelta(hours=3)
    entry = services.contact_log_add(
        actor=case_worker.user,
        case=person.case,
        person=person,
        channel="partner",
        direction="inbound",
        summary=CHINESE,
        contacted_at=when,
    )
    stored = ContactEntry.objects.get(pk=entry.pk)
    assert records.read(stored, "summary") == CHINESE
    assert CHINESE.encode() not in raw_column(ContactEntry, entry.pk, "summary")
    assert (stored.channel, stored.direction, stored.contacted_at) == ("partner", "inbound", when)
    assert stored.author == case_worker.user
    audit = AuditEntry.objects.get(action="cases.contact_logged")
    assert audit.data["channel"] == "partner"
    assert audit.data["direction"] == "inbound"
    assert CHINESE not in str(audit.data)


def test_a_write_and_its_audit_entry_commit_together(case_worker, person, monkeypatch):
    from safepassage.cases.services import notes

    def broken(**kwargs):
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(notes, "record", broken)
    with pytest.raises(RuntimeError):
        services.case_note_add(actor=case_worker.user, case=person.case, text=LATIN)
    with pytest.raises(RuntimeError):
        services.contact_log_add(
            actor=case_worker.user,
            case=person.case,
            channel="phone",
            direction="outbound",
            summary=LATIN,
        )
    assert not CaseNote.objects.exists()
    assert not ContactEntry.objects.exists()


def test_empty_text_a_person_of_another_case_and_a_future_contact_are_refused(person):
    stranger = make_person(real_name="Lee Stranger")
    with pytest.raises(CaseError) as empty:
        services.case_note_add(actor=None, case=person.case, text="   \n ")
    assert "text" in empty.value.error_dict
    with pytest.raises(CaseError) as elsewhere:
        services.case_note_add(actor=None, case=person.case, person=stranger, text=LATIN)
    assert "person" in elsewhere.value.error_dict
    with pytest.raises(CaseError) as future:
        services.contact_log_add(
            actor=None,
            case=person.case,
            channel="phone",
            direction="outbound",
            summary=LATIN,
            contacted_at=timezone.now() + dt.timedelta(hours=2),
        )
    assert "contacted_at" in future.value.error_dict
    with pytest.raises(CaseError):
        services.contact_log_add(
            actor=None, case=person.case, channel="pigeon", direction="outbound", summary=LATIN
        )
    assert not CaseNote.objects.exists()
    assert not ContactEntry.objects.exists()


def test_retention_shreds_the_notes_and_contacts_of_a_closed_case(settings, person):
    note = services.case_note_add(actor=None, case=person.case, text=HANGUL)
    contact = services.contact_log_add(
        actor=None, case=person.case, channel="phone", direction="outbound", summary=CHINESE
    )
    for status in (Status.DECLINED, Status.CLOSED):
        services.person_set_status(actor=None, person=person, to_status=status)
    settings.RETENTION_DAYS = 30
    Case.objects.filter(pk=person.case_id).update(closed_at=timezone.now() - dt.timedelta(days=31))
    services.retention_shred(actor=None, case=Case.objects.get(pk=person.case_id))
    with pytest.raises(Shredded):
        records.read(CaseNote.objects.get(pk=note.pk), "text")
    with pytest.raises(Shredded):
        records.read(ContactEntry.objects.get(pk=contact.pk), "summary")
    assert ContactEntry.objects.filter(channel="phone").count() == 1  # the count survives


# --- selectors ------------------------------------------------------------------------


def test_the_lists_follow_who_may_see_the_case(case_worker, director, person):
    sibling = make_person(case=person.case, real_name="Kim Sibling", sex="male")
    about_her = services.case_note_add(actor=None, case=person.case, person=person, text=HANGUL)
    whole = services.case_note_add(actor=None, case=person.case, text=LATIN)
    about_him = services.case_note_add(actor=None, case=person.case, person=sibling, text=CHINESE)
    assert set(selectors.case_notes(case_worker.user, person.case)) == {
        about_her,
        whole,
        about_him,
    }
    assert set(selectors.case_notes(director.user, person.case, person=person)) == {
        about_her,
        whole,
    }
    for stranger in (make_outsider(), make_member(Role.Code.FINANCE)):
        assert list(selectors.case_notes(stranger.user, person.case)) == []
        assert list(selectors.case_contacts(stranger.user, person.case)) == []


# --- pages ----------------------------------------------------------------------------


def test_a_case_worker_writes_a_note_on_the_person_page_and_reads_it_after_a_reveal(
    sign_in, case_worker, person
):
    client = sign_in(case_worker)
    response = client.post(f"/people/{person.code}/notes/", {"note-text": HANGUL})
    assert response.status_code == 302
    assert response["Location"] == f"/people/{person.code}/#notes"
    note = CaseNote.objects.get()
    assert (note.case, note.person, note.author) == (person.case, person, case_worker.user)

    page = client.get(f"/people/{person.code}/").content.decode()
    assert f"/case-notes/{note.code}/reveal/" in page
    assert HANGUL not in page

    response = client.post(
        f"/case-notes/{note.code}/reveal/",
        {"field": "text", "reason": "preparing the call back", "on": person.code},
    )
    assert response["Location"] == f"/people/{person.code}/#notes"
    assert HANGUL in client.get(f"/people/{person.code}/").content.decode()
    reveal = AuditEntry.objects.get(action="vault.revealed")
    assert reveal.actor_id == case_worker.user.pk
    assert reveal.target_id == str(note.pk)
    assert opened(reveal) == {"field": "text", "reason": "preparing the call back"}


def test_a_contact_is_logged_from_the_case_page_about_one_of_its_people(
    sign_in, case_worker, person
):
    client = sign_in(case_worker)
    response = client.post(
        f"/cases/{person.case.code}/contacts/",
        {
            "contact-contacted_at": "2026-01-05T09:30",
            "contact-channel": "messenger",
            "contact-direction": "outbound",
            "contact-summary": CHINESE,
            "contact-person": person.code,
        },
    )
    assert response["Location"] == f"/cases/{person.case.code}/#notes"
    entry = ContactEntry.objects.get()
    assert entry.person == person
    assert entry.contacted_at == dt.datetime(
        2026, 1, 5, 9, 30, tzinfo=timezone.get_current_timezone()
    )
    case_page = client.get(f"/cases/{person.case.code}/").content.decode()
    assert "Messenger" in case_page
    assert "We contacted them" in case_page
    assert CHINESE not in case_page
    client.post(f"/contact-log/{entry.code}/reveal/", {"field": "summary", "reason": "follow-up"})
    assert CHINESE in client.get(f"/cases/{person.case.code}/").content.decode()
    # On the person's page too: the contact is about her.
    assert "Messenger" in client.get(f"/people/{person.code}/").content.decode()


def test_a_note_on_the_whole_case_is_written_from_the_case_page(sign_in, director, person):
    client = sign_in(director)
    client.post(f"/cases/{person.case.code}/notes/", {"note-text": LATIN, "note-person": ""})
    note = CaseNote.objects.get()
    assert note.person is None
    assert records.read(note, "text") == LATIN
    # It concerns everyone in the case, so it is listed on their pages.
    page = client.get(f"/people/{person.code}/").content.decode()
    assert f"/case-notes/{note.code}/reveal/" in page


def test_an_empty_note_says_why_and_saves_nothing(sign_in, case_worker, person):
    client = sign_in(case_worker)
    response = client.post(f"/people/{person.code}/notes/", {"note-text": ""}, follow=True)
    assert not CaseNote.objects.exists()
    assert "This field is required." in response.content.decode()


def test_a_person_of_another_case_cannot_be_named_in_a_case_note(sign_in, case_worker, person):
    stranger = make_person(real_name="Lee Stranger")
    sign_in(case_worker).post(
        f"/cases/{person.case.code}/notes/", {"note-text": LATIN, "note-person": stranger.code}
    )
    assert not CaseNote.objects.exists()


def test_who_may_not_see_the_case_gets_404_on_every_notes_url(sign_in, person):
    note = services.case_note_add(actor=None, case=person.case, text=HANGUL)
    contact = services.contact_log_add(
        actor=None, case=person.case, channel="phone", direction="outbound", summary=LATIN
    )
    posts = {
        f"/people/{person.code}/notes/": {"note-text": LATIN},
        f"/people/{person.code}/contacts/": {
            "contact-channel": "phone",
            "contact-direction": "outbound",
            "contact-summary": LATIN,
            "contact-contacted_at": "2026-01-05T09:30",
        },
        f"/cases/{person.case.code}/notes/": {"note-text": LATIN},
        f"/cases/{person.case.code}/contacts/": {
            "contact-channel": "phone",
            "contact-direction": "outbound",
            "contact-summary": LATIN,
            "contact-contacted_at": "2026-01-05T09:30",
        },
        f"/case-notes/{note.code}/reveal/": {"field": "text", "reason": "curious"},
        f"/contact-log/{contact.code}/reveal/": {"field": "summary", "reason": "curious"},
    }
    strangers = [
        make_outsider(),
        make_member(Role.Code.FINANCE),
        make_member(Role.Code.RESCUE_COORDINATOR),
    ]
    for stranger in strangers:
        client = sign_in(stranger)
        for url, data in posts.items():
            assert client.post(url, data).status_code == 404, (stranger, url)
    assert CaseNote.objects.count() == 1
    assert ContactEntry.objects.count() == 1
    assert not AuditEntry.objects.filter(action="vault.revealed").exists()


def test_the_person_page_is_a_summary_then_sections_with_a_table_of_contents(sign_in, case_worker):
    from safepassage.testing.rescue import make_mission, waiting_family

    person = waiting_family(1)[0]
    mission = make_mission(people=[person])
    page = sign_in(case_worker).get(f"/people/{person.code}/").content.decode()
    toc_start = page.index('<nav class="tabs sections"')
    toc = page[toc_start : page.index("</nav>", toc_start)]
    for anchor in ("#identity", "#notes", "#status", "#journey", "#relief", "#testimonies"):
        assert f'href="{anchor}"' in toc, anchor
        assert f'<section id="{anchor[1:]}"' in page, anchor
    # The read-only summary comes before the table of contents and every form.
    assert page.index('<dl class="facts">') < toc_start < page.index("<form method")
    # Rescue's contribution (through cases.person_page) is in a section of its own.
    journey = page[page.index('<section id="journey">') :]
    journey = journey[: journey.index("</section>")]
    assert mission.code in journey


def test_the_pages_ask_the_database_as_often_for_many_entries_as_for_one(
    sign_in, case_worker, person
):
    from django.test.utils import CaptureQueriesContext

    client = sign_in(case_worker)

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    def add_entries() -> None:
        services.case_note_add(actor=case_worker.user, case=person.case, person=person, text=LATIN)
        services.contact_log_add(
            actor=case_worker.user,
            case=person.case,
            person=person,
            channel="phone",
            direction="outbound",
            summary=HANGUL,
        )

    add_entries()
    urls = (f"/people/{person.code}/", f"/cases/{person.case.code}/")
    with_one = [queries(url) for url in urls]
    for _ in range(5):
        add_entries()
    assert [queries(url) for url in urls] == with_one
