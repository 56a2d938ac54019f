"""Safe point, route and field partner pages: code names and pseudonyms by default; real
places and identities only after an audited reveal, for safe points only by people named."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safepassage.accounts.models import Role
from safepassage.audit.models import AuditEntry
from safepassage.audit.sealing import opened
from safepassage.rescue.models import FieldPartner, Route, SafePoint
from safepassage.rescue.services import places
from safepassage.rescue.services.errors import RescueError
from safepassage.testing.members import make_member
from safepassage.testing.rescue import coordinator, make_mission, make_partner
from safepassage.vault import services as vault_services

pytestmark = pytest.mark.django_db

PLACE = "Behind the noodle shop at 12 Riverside Lane"
DIRECTIONS = "Blue door, knock twice"
CONTACT = "Auntie Lim +856 20 5555 1234"


@pytest.fixture
def lead():
    return coordinator()


@pytest.fixture
def point():
    return places.safe_point_create(
        actor=None,
        code_name="LOTUS",
        country="LA",
        real_place=PLACE,
        directions=DIRECTIONS,
        contact=CONTACT,
    )


def _point_url(point, name="rescue:safe_point"):
    return reverse(name, args=[point.code])


def _reveal(client, point, field="real_place", reason="planning the crossing"):
    return client.post(
        _point_url(point, "rescue:safe_point_reveal"), {"field": field, "reason": reason}
    )


def _row_holds(model, pk, text: str) -> bool:
    """Whether any stored column of the row contains ``text``, as a dump would show it."""
    needle = text.encode()
    for value in model.objects.filter(pk=pk).values().get().values():
        stored = bytes(value) if isinstance(value, (bytes, memoryview)) else str(value).encode()
        if needle in stored:
            return True
    return False


# Safe points


def test_a_safe_point_made_on_its_page_is_stored_and_shown_sealed(sign_in, lead):
    client = sign_in(lead)
    assert client.get(reverse("rescue:safe_point_new")).status_code == 200
    response = client.post(
        reverse("rescue:safe_point_new"),
        {
            "code_name": "lotus",
            "country": "la",
            "real_place": PLACE,
            "directions": DIRECTIONS,
            "contact": CONTACT,
        },
    )
    created = SafePoint.objects.get(code_name="LOTUS")
    assert response.status_code == 302
    assert response.url == created.get_absolute_url()
    assert created.country == "LA"
    assert b"noodle shop" not in bytes(created.real_place_sealed)
    for text in (PLACE, DIRECTIONS, CONTACT):
        assert not _row_holds(SafePoint, created.pk, text)
    entry = AuditEntry.objects.get(action="rescue.safe_point_created")
    assert entry.actor_id == lead.user.pk
    for page in (client.get(response.url), client.get(reverse("rescue:safe_points"))):
        assert b"LOTUS" in page.content
        assert b"noodle shop" not in page.content
        assert b"Blue door" not in page.content
        assert b"Auntie Lim" not in page.content


def test_a_refused_safe_point_does_not_echo_its_sealed_values(sign_in, lead, point):
    client = sign_in(lead)
    response = client.post(
        reverse("rescue:safe_point_new"),
        {"code_name": "Lotus", "country": "LA", "real_place": "A secret barn", "contact": "Mr Ko"},
    )
    assert response.status_code == 400
    assert b"already in use" in response.content
    assert b"secret barn" not in response.content
    assert b"Mr Ko" not in response.content
    assert SafePoint.objects.count() == 1


def test_a_named_coordinator_reveals_one_field_and_the_reveal_is_audited(sign_in, lead, point):
    places.safe_point_name_people(actor=None, safe_point=point, people=[lead.user])
    client = sign_in(lead)
    page = client.get(_point_url(point))
    assert _point_url(point, "rescue:safe_point_reveal").encode() in page.content
    assert b"noodle shop" not in page.content

    response = _reveal(client, point)

    assert response.status_code == 302
    assert response.url == point.get_absolute_url()
    page = client.get(_point_url(point))
    assert PLACE.encode() in page.content
    assert b"Blue door" not in page.content  # only the field asked for
    entry = AuditEntry.objects.get(action="vault.revealed")
    assert entry.actor_id == lead.user.pk
    assert entry.target_id == str(point.pk)
    assert opened(entry) == {"field": "real_place", "reason": "planning the crossing"}


def test_a_reveal_without_a_reason_is_refused(sign_in, lead, point):
    places.safe_point_name_people(actor=None, safe_point=point, people=[lead.user])
    client = sign_in(lead)
    assert _reveal(client, point, reason="  ").status_code == 302
    assert b"noodle shop" not in client.get(_point_url(point)).content
    assert not AuditEntry.objects.filter(action="vault.revealed").exists()


@pytest.mark.parametrize("who", ["other coordinator", "director"])
def test_people_not_named_cannot_reveal_a_safe_point(sign_in, lead, point, director, who):
    places.safe_point_name_people(actor=None, safe_point=point, people=[lead.user])
    member = director if who == "director" else coordinator()
    client = sign_in(member)
    page = client.get(_point_url(point))
    assert page.status_code == 200
    assert _point_url(point, "rescue:safe_point_reveal").encode() not in page.content
    assert _reveal(client, point).status_code == 404
    assert b"noodle shop" not in client.get(_point_url(point)).content
    assert not AuditEntry.objects.filter(action="vault.revealed").exists()


def test_un_naming_hides_a_revealed_place_at_once(sign_in, lead, point, director):
    places.safe_point_name_people(actor=None, safe_point=point, people=[lead.user])
    client = sign_in(lead)
    _reveal(client, point)
    assert b"noodle shop" in client.get(_point_url(point)).content
    places.safe_point_name_people(actor=director.user, safe_point=point, people=[])
    assert b"noodle shop" not in client.get(_point_url(point)).content


def test_the_list_counts_named_people_and_says_whether_you_are_one(sign_in, lead, point):
    other = places.safe_point_create(actor=None, code_name="PINE", country="CN")
    places.safe_point_name_people(
        actor=None, safe_point=point, people=[lead.user, coordinator().user]
    )
    response = sign_in(lead).get(reverse("rescue:safe_points"))
    rows = {p.code_name: p for p in response.context["points"]}
    assert (rows["LOTUS"].named, rows["LOTUS"].mine) == (2, True)
    assert (rows["PINE"].named, rows["PINE"].mine) == (0, False)
    assert b"2 people named" in response.content
    assert response.content.count(b"you are named") == 1
    assert other.get_absolute_url().encode() in response.content


def test_the_director_names_people_from_the_staff_who_follow_missions(
    sign_in, lead, point, director, case_worker
):
    client = sign_in(director)
    page = client.get(_point_url(point))
    choices = {str(user.pk) for user in page.context["people_form"].fields["people"].queryset}
    assert str(lead.user.pk) in choices
    assert str(director.user.pk) in choices
    assert str(case_worker.user.pk) not in choices

    response = client.post(
        _point_url(point, "rescue:safe_point_people"), {"people": [str(lead.user.pk)]}
    )

    assert response.status_code == 302
    assert list(point.named_people.all()) == [lead.user]
    entry = AuditEntry.objects.get(action="rescue.safe_point_named")
    assert entry.actor_id == director.user.pk
    assert entry.data == {"people": [str(lead.user.pk)]}
    assert lead.user.display_name.encode() in client.get(_point_url(point)).content


def test_naming_someone_who_does_not_follow_missions_changes_nothing(
    sign_in, lead, point, director, case_worker
):
    places.safe_point_name_people(actor=None, safe_point=point, people=[lead.user])
    client = sign_in(director)
    response = client.post(
        _point_url(point, "rescue:safe_point_people"),
        {"people": [str(lead.user.pk), str(case_worker.user.pk)]},
    )
    assert response.status_code == 302
    assert b"Choose people from the list." in client.get(response.url).content
    assert list(point.named_people.all()) == [lead.user]
    assert AuditEntry.objects.filter(action="rescue.safe_point_named").count() == 1


def test_a_coordinator_cannot_name_people(sign_in, lead, point):
    client = sign_in(lead)
    assert client.get(_point_url(point)).context["people_form"] is None
    response = client.post(
        _point_url(point, "rescue:safe_point_people"), {"people": [str(lead.user.pk)]}
    )
    assert response.status_code == 404
    assert not point.named_people.exists()


def test_an_unknown_code_is_404(sign_in, lead):
    client = sign_in(lead)
    assert client.get(reverse("rescue:safe_point", args=["NOSUCH22"])).status_code == 404
    assert client.get(reverse("rescue:partner", args=["NOSUCH22"])).status_code == 404


@pytest.mark.parametrize("role", [Role.Code.CASE_WORKER, Role.Code.FINANCE])
def test_other_roles_get_404_on_every_place_page(sign_in, point, role):
    partner = make_partner()
    client = sign_in(make_member(role))
    for name in ("safe_points", "safe_point_new", "routes", "route_new", "partners"):
        assert client.get(reverse(f"rescue:{name}")).status_code == 404, name
    assert client.get(_point_url(point)).status_code == 404
    assert client.get(reverse("rescue:partner", args=[partner.code])).status_code == 404
    posts = [
        (reverse("rescue:safe_point_new"), {"code_name": "PINE", "country": "CN"}),
        (_point_url(point, "rescue:safe_point_reveal"), {"field": "real_place", "reason": "x"}),
        (_point_url(point, "rescue:safe_point_people"), {"people": []}),
        (reverse("rescue:route_new"), {"name": "R", "stops": "LOTUS"}),
        (reverse("rescue:partner_new"), {"pseudonym": "Crane", "language": "en"}),
        (reverse("rescue:partner_reveal", args=[partner.code]), {"field": "phone", "reason": "x"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    assert not AuditEntry.objects.filter(action="vault.revealed").exists()
    assert SafePoint.objects.count() == 1
    assert FieldPartner.objects.count() == 1


# Routes


@pytest.fixture
def points():
    return [
        places.safe_point_create(actor=None, code_name=code, country=country)
        for code, country in (("MAGNOLIA", "CN"), ("PINE", "CN"), ("LOTUS", "LA"))
    ]


def test_a_route_is_typed_one_stop_per_line(sign_in, lead, points):
    client = sign_in(lead)
    assert client.get(reverse("rescue:route_new")).status_code == 200
    response = client.post(
        reverse("rescue:route_new"),
        {"name": "Southern  route A", "stops": "magnolia\n\nPine 9 Bus\r\nLOTUS 20h river\n"},
    )
    assert response.status_code == 302
    route = Route.objects.get()
    assert route.name == "Southern route A"
    stops = [
        (s.safe_point.code_name, s.hours, s.means, s.slack_hours)
        for s in route.stops.order_by("position")
    ]
    assert stops == [("MAGNOLIA", 0, "", 0), ("PINE", 9, "bus", 2), ("LOTUS", 20, "river", 5)]
    assert AuditEntry.objects.filter(action="rescue.route_created").count() == 1

    page = client.get(reverse("rescue:routes")).content.decode()
    assert "29 hours in all" in page
    assert page.index("MAGNOLIA") < page.index("PINE") < page.index("LOTUS")
    assert "9 hours · Bus" in page
    assert "20 hours · River crossing" in page


@pytest.mark.parametrize(
    ("stops", "error"),
    [
        ("MAGNOLIA\nPINE 9\nNOWHERE 5", "Line 3: there is no safe point called NOWHERE."),
        ("MAGNOLIA\nPINE bus", "Line 2: write the hours from the previous stop"),
        ("MAGNOLIA\nPINE", "Line 2: write the hours from the previous stop"),
        ("MAGNOLIA\nPINE 9\nmagnolia 4", "Line 3: MAGNOLIA is already on this route (line 1)."),
        ("MAGNOLIA", "at least two safe points: the starting point and one stop."),
        ("MAGNOLIA 3\nPINE 9", "Line 1: the starting point takes no hours or means"),
        ("MAGNOLIA\nPINE 0", "Line 2: a leg takes between 1 and 720 hours."),
        ("MAGNOLIA\nPINE 9 rocket", "Line 2: unknown means rocket"),
        ("MAGNOLIA\nPINE 9 bus fast", "Line 2: too many words"),
        ("   \n  ", "This field is required."),
    ],
)
def test_a_bad_stop_list_says_which_line_and_makes_no_route(sign_in, lead, points, stops, error):
    response = sign_in(lead).post(reverse("rescue:route_new"), {"name": "Route B", "stops": stops})
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Route.objects.exists()
    assert not AuditEntry.objects.filter(action="rescue.route_created").exists()


def test_every_bad_line_is_reported_at_once(sign_in, lead, points):
    response = sign_in(lead).post(
        reverse("rescue:route_new"), {"name": "Route C", "stops": "MAGNOLIA\nOAK 3\nPINE\n"}
    )
    errors = response.context["form"].errors["stops"]
    assert [e.split(":")[0] for e in errors] == ["Line 2", "Line 3"]


def test_a_route_name_in_use_is_refused_by_the_service(sign_in, lead, points):
    client = sign_in(lead)
    data = {"name": "Route D", "stops": "MAGNOLIA\nPINE 9"}
    assert client.post(reverse("rescue:route_new"), data).status_code == 302
    response = client.post(reverse("rescue:route_new"), data)
    assert response.status_code == 400
    assert b"A route with that name already exists." in response.content
    assert Route.objects.count() == 1


# Field partners


def test_a_field_partner_made_on_its_page_is_sealed_and_revealed_on_request(sign_in, lead):
    client = sign_in(lead)
    assert client.get(reverse("rescue:partner_new")).status_code == 200
    response = client.post(
        reverse("rescue:partner_new"),
        {
            "pseudonym": "Crane",
            "language": "en",
            "real_name": "Zhang Wei",
            "phone": "+86 138 1111 2222",
            "notes": "Drives a grey van",
        },
    )
    partner = FieldPartner.objects.get(pseudonym="Crane")
    assert response.status_code == 302
    assert response.url == reverse("rescue:partner", args=[partner.code])
    for text in ("Zhang Wei", "1111 2222", "grey van"):
        assert not _row_holds(FieldPartner, partner.pk, text)
    for page in (client.get(response.url), client.get(reverse("rescue:partners"))):
        assert b"Crane" in page.content
        assert b"Zhang Wei" not in page.content
        assert b"1111 2222" not in page.content

    reveal = client.post(
        reverse("rescue:partner_reveal", args=[partner.code]),
        {"field": "phone", "reason": "calling about the crossing"},
    )

    assert reveal.status_code == 302
    page = client.get(response.url)
    assert b"+86 138 1111 2222" in page.content
    assert b"Zhang Wei" not in page.content
    entry = AuditEntry.objects.get(action="vault.revealed")
    assert (entry.actor_id, entry.target_id) == (lead.user.pk, str(partner.pk))
    assert opened(entry) == {"field": "phone", "reason": "calling about the crossing"}


def test_a_refused_partner_does_not_echo_its_identity(sign_in, lead):
    make_partner("Crane")
    response = sign_in(lead).post(
        reverse("rescue:partner_new"),
        {"pseudonym": "crane", "language": "en", "real_name": "Zhang Wei", "phone": "+86 1"},
    )
    assert response.status_code == 400
    assert b"That pseudonym is already in use." in response.content
    assert b"Zhang Wei" not in response.content
    assert FieldPartner.objects.count() == 1


def test_the_partner_list_counts_missions(sign_in, lead):
    busy = make_partner("Heron")
    make_partner("Egret")
    make_mission(partners=[busy])
    response = sign_in(lead).get(reverse("rescue:partners"))
    counts = {p.pseudonym: p.missions_count for p in response.context["partners"]}
    assert counts == {"Egret": 0, "Heron": 1}
    assert b"1 mission<" in response.content
    assert b"Partner Real Name" not in response.content


def test_a_shredded_safe_point_says_so_and_reveals_nothing(sign_in, lead, point, director):
    places.safe_point_name_people(actor=None, safe_point=point, people=[lead.user])
    vault_services.shred(record_obj=point, actor=director.user, reason="place burned")
    client = sign_in(lead)
    page = client.get(_point_url(point))
    assert b"sealed details were shredded" in page.content
    assert _point_url(point, "rescue:safe_point_reveal").encode() not in page.content
    response = _reveal(client, point)
    assert response.status_code == 302
    page = client.get(response.url)
    assert b"sealed details were shredded" in page.content
    assert b"noodle shop" not in page.content


@pytest.mark.parametrize("country", ["ZZ", "XX", "K1", "L"])
def test_a_safe_point_outside_iso_3166_is_refused(sign_in, lead, country):
    client = sign_in(lead)
    response = client.post(
        reverse("rescue:safe_point_new"),
        {"code_name": "BAMBOO", "country": country, "real_place": "A barn"},
    )
    assert response.status_code == 400
    assert SafePoint.objects.count() == 0
    with pytest.raises(RescueError, match="not a country code"):
        places.safe_point_create(actor=None, code_name="PINE", country="ZZ")


def test_a_safe_point_country_is_any_iso_3166_code_in_either_case(sign_in, lead):
    for code_name, country in (("PINE", "th"), ("OAK", "VN"), ("ELM", "KR")):
        point = places.safe_point_create(actor=None, code_name=code_name, country=country)
        assert point.country == country.upper()
