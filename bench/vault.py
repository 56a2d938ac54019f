"""What the vault costs: protected people against the same people kept in plain text.

Two comparisons, measured in one run on one database:

- the people list with all 1,000 people on one page (the app's list view, page size aside):
  a list shows pseudonyms, so it should need no decryption. Target: <= 1.2x plain text.
- one person's page with all four revealable fields revealed (the app's own view, with
  reveal grants in the session, so it unwraps the data key and opens four values).
  Target: <= 1.5x plain text.

The baseline is ``PlainPerson``: the same clear columns (copied from ``Person``'s own
fields), the same rows (same ids, codes and times), but real name, other names, phone and
whereabouts in plain text columns, shown through the same templates by the same view code.
Both sides run without middleware, with the same signed-in director and session, so the
ratio is what protected fields add to the view and its template, not diluted by the rest of
a request.

    python -m bench.vault [--tiny]

``--tiny``: 40 people and a few runs, no target judged.
"""

from __future__ import annotations

import argparse
import random
import sys
import time

from bench import harness

PEOPLE = 1000
SEED = 20261124
LIST_RUNS, LIST_WARMUP, LIST_TARGET = 30, 3, 1.2
PAGE_RUNS, PAGE_WARMUP, PAGE_TARGET = 300, 20, 1.5
REVEALED_FIELDS = ("real_name", "aliases", "phone", "whereabouts")
PLAIN_FIELDS = (*REVEALED_FIELDS, "photo", "real_name_masked")
PEOPLE_PER_CASE = 4
TINY_PEOPLE, TINY_RUNS, TINY_WARMUP = 40, 3, 1


def define_plain_person():
    """The baseline model, registered at run time only: no migration can ever see it.

    Its clear columns are clones of ``Person``'s (relations without reverse accessors or
    database constraints, times without ``auto_now``), so the templates find everything
    they show; the protected values are plain text columns of the same names.
    """
    from django.db import models
    from django.urls import reverse

    from safepassage.cases.models import Person
    from safepassage.vault.fields import protected_fields

    protected_columns = {
        column for field in protected_fields(Person).values() for column in field.column_names
    }
    attrs: dict = {"__module__": __name__}
    for field in Person._meta.concrete_fields:
        if field.attname in protected_columns or field.name == "data_key":
            continue
        _name, _path, args, kwargs = field.deconstruct()
        kwargs.pop("auto_now", None)
        kwargs.pop("auto_now_add", None)
        if field.is_relation:
            kwargs.update(related_name="+", db_constraint=False)
        attrs[field.name] = type(field)(*args, **kwargs)
    attrs.update(
        real_name=models.CharField(max_length=200),
        # The pseudonym the lists show (the vault keeps it in clear beside the sealed name).
        real_name_masked=models.CharField(max_length=200, blank=True),
        aliases=models.TextField(blank=True),
        phone=models.CharField(max_length=40, blank=True),
        whereabouts=models.TextField(blank=True),
        photo=models.BinaryField(null=True, blank=True),
        __str__=lambda self: f"{self.real_name} ({self.code})",
        get_absolute_url=lambda self: reverse("cases:person", args=[self.code]),
    )
    # An installed app's label, so Django accepts the model; unmanaged, and the table is
    # made by hand in run().
    attrs["Meta"] = type(
        "Meta",
        (),
        {
            "app_label": "cases",
            "db_table": "bench_plain_person",
            "managed": False,
            "ordering": ["-created_at"],
        },
    )
    return type("PlainPerson", (models.Model,), attrs)


def make_people(director, plain_model) -> list:
    """1,000 generated people through the app's own services, and their plain twins.

    Four people to a case, all in one team's cases (the director sees every team's).
    """
    from django.db import transaction

    from safepassage.cases import services
    from safepassage.demo.generate import person_fields

    rng = random.Random(SEED)
    clear_columns = [
        field.attname
        for field in plain_model._meta.concrete_fields
        if field.attname not in PLAIN_FIELDS
    ]
    twins = []
    with transaction.atomic():
        team = services.team_create(actor=director, name="Bench team")
        case = None
        for number in range(PEOPLE):
            if number % PEOPLE_PER_CASE == 0:
                case = services.case_open(actor=director, team=team, country="CN")
            fields = person_fields(rng)
            fields["aliases"] = person_fields(rng)["real_name"]
            person = services.person_add(actor=director, case=case, **fields)
            twins.append(
                plain_model(
                    **{column: getattr(person, column) for column in clear_columns},
                    real_name_masked=person.real_name_masked,
                    **{name: fields.get(name, "") for name in REVEALED_FIELDS},
                )
            )
    plain_model.objects.bulk_create(twins, batch_size=250)
    return twins


def run() -> None:
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.paginator import Paginator
    from django.db import connection
    from django.http import QueryDict
    from django.shortcuts import render
    from django.test import RequestFactory
    from django.urls import resolve
    from django.utils.csp import LazyNonce
    from django.utils.html import escape
    from django.views.decorators.http import require_GET

    from safepassage.accounts import permissions
    from safepassage.accounts.decorators import staff_required
    from safepassage.accounts.models import Role
    from safepassage.cases import (
        deliverers,
        forms,
        lifecycle,
        lists,
        note_views,
        person_page,
        priority,
        selectors,
        services,
        views,
    )
    from safepassage.cases.models import Person, Relief, StatusChange, Support, Testimony
    from safepassage.testing.members import make_member, signed_in_client
    from safepassage.vault import grants
    from safepassage.vault.forms import RevealForm

    print(harness.describe_site(), flush=True)
    plain_model = define_plain_person()
    with connection.schema_editor() as editor:
        editor.create_model(plain_model)
    permissions.register(plain_model, permissions.CAPABILITY_ONLY)

    director = make_member(Role.Code.DIRECTOR)
    started = time.perf_counter()
    twins = make_people(director.user, plain_model)
    print(f"made {PEOPLE} people in {time.perf_counter() - started:.1f} s", flush=True)

    # The person whose page is opened: the same one every time, from the middle.
    chosen = twins[PEOPLE // 2]
    smoke_test_real_app(signed_in_client(director), chosen)

    # One signed-in session, with a live reveal grant for each field of the chosen person
    # (what `person_reveal` leaves behind), shared by both sides.
    session = SessionStore()
    session[grants.SESSION_KEY] = {
        f"{chosen.pk}:{field}": time.time() + 3600 for field in REVEALED_FIELDS
    }
    factory = RequestFactory()
    user = director.user

    def request_for(path: str):
        request = factory.get(path)
        request.user = user
        request.session = session
        request._csp_nonce = LazyNonce()
        request.resolver_match = resolve(path)
        return request

    # --- the list: the body of views.people, with one page holding everyone -----------
    def people_page(select):
        request = request_for("/people/")
        form = forms.SearchForm(request.GET or None)
        filters = selectors.PeopleFilter()
        if form.is_valid():
            data = form.cleaned_data
            filters = selectors.PeopleFilter(
                query=data["q"],
                status=data["status"],
                province=data["province"],
                flag=data["flag"],
                min_priority=data["min_priority"],
            )
        found = select(request.user, filters)
        page = Paginator(found.order_by("-priority", "-created_at"), PEOPLE).get_page(
            request.GET.get("page")
        )
        params = QueryDict(mutable=True)
        shown = lists.shown_by_code(request, found)
        return render(
            request,
            "cases/people.html",
            {
                "page": page,
                "rows": [(person, shown[person.code]) for person in page],
                "form": form,
                "query": params.urlencode(),
                "may_export": permissions.has_capability(request.user, "cases.export"),
                **views._exact_context(request, back="people"),
            },
        )

    def select_protected(user, filters):
        return selectors.people_list(user, filters=filters)

    def select_plain(user, filters):
        # Like selectors.people_list: columns the list does not show stay unread.
        return (
            permissions.visible(user, "people.view", plain_model.objects.all())
            .defer("aliases", "phone", "whereabouts", "photo")
            .select_related("case")
        )

    def list_protected():
        return people_page(select_protected)

    def list_plain():
        return people_page(select_plain)

    # --- one person's page: the app's own view against the same view over plain text ---
    @staff_required("people.view")
    @require_GET
    def plain_person_view(request, code: str):
        """The body of views.person, over the plain twin (whose values need no reveal)."""
        found = permissions.get_or_404(
            request.user,
            "people.view",
            plain_model.objects.select_related("case", "group"),
            code=code.upper(),
        )
        may_edit = permissions.can(request.user, "people.edit", found)
        may_reveal = permissions.can(request.user, "people.reveal", found)
        testimonies = [
            (testimony, grants.revealed_values(request, testimony))
            for testimony in Testimony.objects.filter(person_id=found.pk).select_related("data_key")
        ]
        context = {
            "person": found,
            "revealed": {
                field: getattr(found, field) for field in grants.granted_fields(request, found)
            },
            "reveal_form": RevealForm(fields=views.REVEALABLE) if may_reveal else None,
            "testimony_reveal_form": (
                RevealForm(fields=views.TESTIMONY_REVEALABLE) if may_reveal else None
            ),
            "reveal_minutes": settings.REVEAL_MINUTES,
            "shredded": False,
            "reasons": priority.explain(found.priority_reasons),
            "history": StatusChange.objects.filter(person_id=found.pk).select_related("actor"),
            "relief": Relief.objects.filter(person_id=found.pk),
            "support": Support.objects.filter(person_id=found.pk),
            "testimonies": testimonies,
            "may_edit": may_edit,
            "flags": [label for flag, label in forms.FLAG_LABELS.items() if getattr(found, flag)],
            # The same queries the real view makes (by the person's id).
            **note_views.notes_context(request, found.case, person=Person(pk=found.pk)),
            **person_page.context_for(Person(pk=found.pk)),
        }
        if may_edit:
            context.update(
                status_form=forms.StatusForm(choices=lifecycle.next_statuses(found.status)),
                flags_form=forms.FlagsForm(initial={f: getattr(found, f) for f in services.FLAGS}),
                relief_form=forms.ReliefForm(partners=deliverers.pseudonyms_for(request.user)),
                support_form=forms.SupportForm(),
                testimony_form=forms.TestimonyForm(),
                consent_form=forms.ConsentForm(),
            )
        return render(request, "cases/person.html", context)

    # The page's Hope Sharing tag looks the person up by model instance, which the plain
    # twin is not: hand it a Person with the same id (the same query; a no-op for a Person).
    from safepassage.fundraising import selectors as hope_selectors

    person_hope = hope_selectors.person_hope

    def person_hope_by_id(person):
        return person_hope(person if isinstance(person, Person) else Person(pk=person.pk))

    hope_selectors.person_hope = person_hope_by_id

    page_path = f"/people/{chosen.code}/"

    def page_protected():
        return views.person(request_for(page_path), code=chosen.code)

    def page_plain():
        return plain_person_view(request_for(page_path), code=chosen.code)

    # Both sides must show the same people and the same revealed values, or the ratio
    # would compare different work.
    protected_html = list_protected().content.decode()
    plain_html = list_plain().content.decode()
    assert protected_html.count("<tr>") == plain_html.count("<tr>") == PEOPLE + 1
    # A list shows pseudonyms on both sides (generalised the same way), never the name.
    assert escape(chosen.real_name) not in protected_html
    assert escape(chosen.real_name) not in plain_html
    assert abs(len(protected_html) - len(plain_html)) < 200, "the two lists differ"
    pages = [page_protected(), page_plain()]
    for response in pages:
        assert response.status_code == 200
        html = response.content.decode()
        for field in REVEALED_FIELDS:
            assert f'<strong class="revealed">{escape(getattr(chosen, field))}</strong>' in html
    # The same page apart from the per-request tokens.
    lengths = [len(response.content) for response in pages]
    assert abs(lengths[0] - lengths[1]) < 200, f"the two person pages differ: {lengths}"

    comparisons = [
        harness.compare(
            f"people list ({PEOPLE:,} on one page)",
            baseline=list_plain,
            real=list_protected,
            runs=LIST_RUNS,
            warmup=LIST_WARMUP,
            target=LIST_TARGET,
        ),
        harness.compare(
            "person page, 4 fields revealed",
            baseline=page_plain,
            real=page_protected,
            runs=PAGE_RUNS,
            warmup=PAGE_WARMUP,
            target=PAGE_TARGET,
        ),
    ]
    print()
    harness.print_table(comparisons)


def smoke_test_real_app(client, chosen) -> None:
    """Through every middleware: the list shows pseudonyms, a reveal shows the value.

    The timed runs call the views directly; this checks once that the real pages behave
    the way the timed code assumes.
    """
    from django.utils.html import escape

    listing = client.get("/people/")
    assert listing.status_code == 200
    assert escape(chosen.real_name) not in listing.content.decode()
    for field in REVEALED_FIELDS:
        response = client.post(
            f"/people/{chosen.code}/reveal/", {"field": field, "reason": "benchmark check"}
        )
        assert response.status_code == 302
    page = client.get(f"/people/{chosen.code}/")
    assert page.status_code == 200
    assert escape(chosen.phone) in page.content.decode()


def main(argv: list[str] | None = None) -> int:
    global PEOPLE, LIST_RUNS, LIST_WARMUP, PAGE_RUNS, PAGE_WARMUP
    parser = argparse.ArgumentParser(prog="python -m bench.vault", description=__doc__)
    harness.add_tiny_option(parser)
    parser.parse_args(argv)
    if harness.is_tiny():
        PEOPLE, LIST_RUNS, PAGE_RUNS = TINY_PEOPLE, TINY_RUNS, TINY_RUNS
        LIST_WARMUP = PAGE_WARMUP = TINY_WARMUP
    with harness.throwaway_site():
        run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
