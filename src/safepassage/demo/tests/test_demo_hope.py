"""The demo's Hope Sharing: a citizen's gift rescues a mother and her child, the sponsor is
told in Korean and never who; matching pools, pledges, a team page and events."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from django.db.models import Sum
from django.utils import timezone, translation

from safepassage.accounts.models import User
from safepassage.audit.chain import verify
from safepassage.cases.models import Person, Province, Sex, Status
from safepassage.demo import hope
from safepassage.demo.management.commands.demo import DEMO_DOMAIN
from safepassage.fundraising import selectors
from safepassage.fundraising.models import (
    AssignedHow,
    Contribution,
    Event,
    GiftIntake,
    Match,
    MatchingPledge,
    MatchUnit,
    NewsDelivery,
    NewsKind,
    Pledge,
    Share,
    ShareStatus,
    SponsorConsent,
)
from safepassage.fundraising.services import matching, pledges, sponsors
from safepassage.funds.models import Campaign, CampaignKind, Donation, Expense, ExpenseStatus
from safepassage.funds.services import ledger
from safepassage.rescue.models import Mission, MissionStatus
from safepassage.vault.records import read

pytestmark = pytest.mark.django_db

SEPARATOR = b"\n" + b"-" * 79 + b"\n"


def the_citizen(printed: str):
    token = re.search(r"the sponsor's page:\n  http://127\.0\.0\.1:8000/s/(\S+)/\n", printed)
    assert token, printed
    return sponsors.by_token(token.group(1))


def messages(path: Path) -> list:
    """The messages of one file of the file e-mail backend (it may hold more than one)."""
    parts = path.read_bytes().split(SEPARATOR)
    return [message_from_bytes(part, policy=policy.default) for part in parts if part.strip()]


def text(message) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    return f"{message['Subject']}\n{body}"


def identifiers(person: Person) -> list[str]:
    """What must never reach a sponsor: protected values and the quasi-identifiers."""
    found = [person.code, str(person.birth_year), person.real_name.masked]
    if person.province:
        for language in ("en", "ko"):
            with translation.override(language):
                found.append(str(Province(person.province).label))
    for name in ("real_name", "aliases"):
        value = read(person, name)
        if value:
            found.append(value)
            found += [part for part in value.split() if len(part) > 2]
    # The demo's whereabouts are vague phrases ("a farm outside a border town"): whole.
    found.append(read(person, "whereabouts"))
    phone = read(person, "phone")
    if phone:
        # "+86 000 1234 5678": the number, and its parts but the demo's "000" block.
        found += [phone, *[part for part in phone.split() if len(part) > 3]]
    return [value for value in found if value]


def story_shares(printed: str) -> list[Share]:
    sponsor = the_citizen(printed)
    return list(
        Share.objects.filter(sponsor=sponsor).select_related("person").order_by("assigned_at")
    )


def test_the_demo_prints_hope_sharing_the_sponsors_page_and_e_mail(demo):
    assert re.search(
        r"Hope Sharing in the demo: ₩[\d,]+ from \d+ gifts, \d+ rescues funded \(2 rescued,"
        r" \d+ collecting\), \d+ sponsors, 3 pledges; [1-9]\d* of \d+ people awaiting rescue"
        r" without consent to sponsorship",
        demo,
    ), demo
    sponsor = the_citizen(demo)
    assert sponsor is not None
    assert sponsor.mode == "own"
    assert sponsor.donor.language == "ko"
    mail = re.search(r"telling them of the arrival:\n  (\S+)\n", demo)
    assert mail
    assert Path(mail.group(1)).is_file()


def test_the_citizens_gift_rescued_a_woman_and_her_young_child_by_priority(demo):
    sponsor = the_citizen(demo)
    shares = story_shares(demo)
    assert len(shares) == 2
    assert {share.status for share in shares} == {ShareStatus.RESCUED}
    assert {share.kind for share in shares} == {Share.Kind.OWN}
    assert {share.assigned_how for share in shares} == {AssignedHow.PRIORITY}
    # The citizen's money alone, in one gift for two rescues.
    given = Contribution.objects.filter(share__in=shares)
    assert set(given.values_list("donor", flat=True)) == {sponsor.donor_id}
    assert given.values("donation").distinct().count() == 1
    assert given.aggregate(total=Sum("amount_minor"))["total"] == 2 * hope.COST
    mother, child = sorted((share.person for share in shares), key=lambda p: -p.priority)
    year = timezone.localdate().year
    assert mother.sex == child.sex == Sex.FEMALE
    assert year - mother.birth_year >= 18
    assert year - child.birth_year < 5
    assert mother.group_id == child.group_id
    assert mother.group.people.count() == 2
    assert {mother.status, child.status} == {Status.ARRIVED}
    # The first of the queue when the gift came: the mother, then her child.
    assert mother.priority > child.priority
    mission = Mission.objects.get(travellers__person=mother)
    assert mission.status == MissionStatus.COMPLETED
    assert set(mission.travellers.values_list("person", flat=True)) == {mother.pk, child.pk}
    assert Expense.objects.filter(mission=mission, status=ExpenseStatus.PAID).exists()
    kinds = sorted(shares[0].news.values_list("kind", flat=True))
    assert kinds == sorted(
        [NewsKind.FUNDED, NewsKind.ASSIGNED, NewsKind.THIRD_COUNTRY, NewsKind.ARRIVED]
    )


def test_the_sponsor_was_told_in_korean_and_never_who(demo):
    sponsor = the_citizen(demo)
    shares = story_shares(demo)
    address = read(sponsor.donor, "email")
    deliveries = NewsDelivery.objects.filter(donor=sponsor.donor)
    assert deliveries.count() == 8  # funded, assigned, third country, arrived: twice
    assert not deliveries.filter(sent_at=None).exists()
    path = Path(re.search(r"telling them of the arrival:\n  (\S+)\n", demo).group(1))
    arrival = [m for m in messages(path) if m["To"] == address and "도착" in m["Subject"]]
    assert arrival
    message = arrival[0]
    assert message["Content-Language"] == "ko"
    words = text(message)
    assert "도착" in words
    assert hope.MESSAGE[1] in words  # her message, as edited, by her consent
    assert hope.MESSAGE[0] not in words
    secrets = [value for share in shares for value in identifiers(share.person)]
    # Nothing in any e-mail of the demo names the family; nor a date of the journey in
    # the citizen's.
    everything = [m for file in path.parent.iterdir() for m in messages(file)]
    assert len(everything) >= NewsDelivery.objects.exclude(sent_at=None).count()
    mine = [m for m in everything if m["To"] == address]
    assert len(mine) == 8
    assert all(m["Content-Language"] == "ko" for m in mine)
    for each in everything:
        words = text(each)
        for secret in secrets:
            assert secret not in words, secret
        if each in mine:
            assert not re.search(r"\b20\d\d-\d\d-\d\d\b", words)
    # The link printed is the one that works: every e-mail's link was replaced by it.
    links = re.findall(r"/s/([A-Za-z0-9_-]+)/", text(message))
    assert links
    assert sponsors.by_token(links[-1]) is None


def test_the_matching_pool_ran_down_to_zero_as_gifts_came_in(demo):
    pool = MatchingPledge.objects.get(unit=MatchUnit.MONEY)
    assert pool.drawn_minor == pool.total_cap_minor == hope.POOL_CAP
    assert pool.exhausted_at is not None
    draws = list(Match.objects.filter(matching=pool).order_by("id"))
    assert len(draws) > 5
    assert sum(m.amount_minor for m in draws) == hope.POOL_CAP
    assert all(0 < m.amount_minor <= hope.POOL_PER_GIFT for m in draws)
    state = selectors.pool(pool)
    assert state.left_minor == 0
    assert state.percent_used == 100
    # Its matches filled pooled shares in the matcher's name.
    assert Contribution.objects.filter(donor=pool.donor, share__kind=Share.Kind.POOLED).exists()
    # The Canadian tour's promise of five rescues is partly used, and over.
    tour = MatchingPledge.objects.get(unit=MatchUnit.RESCUES)
    assert tour.rescues_target == hope.TOUR_RESCUES
    assert tour.exhausted_at is None
    assert 0 < tour.drawn_minor < tour.limit_minor
    assert 0 < matching.rescues_funded(tour) < tour.rescues_target
    assert tour.ends_on < timezone.localdate()


def test_pledges_are_paid_in_instalments_and_one_is_overdue(demo):
    today = timezone.localdate()
    found = list(Pledge.objects.all())
    assert len(found) == 3
    assert [p.status for p in found].count(Pledge.Status.FULFILLED) == 1
    overdue = [p for p in found if (due := pledges.next_due(p)) and due.due_on < today]
    assert len(overdue) == 1
    assert 0 < overdue[0].paid_minor < overdue[0].total_minor
    for pledge in found:
        paid = pledge.payments.aggregate(total=Sum("amount_minor"))["total"]
        assert paid == pledge.paid_minor > 0
    assert overdue[0].reminders.exclude(sent_at=None).exists()


def test_the_team_page_and_the_events_show_their_progress_and_results(demo):
    (team,) = Campaign.objects.filter(kind=CampaignKind.TEAM)
    assert team.parent.code == hope.HOPE_CODE
    assert (team.goal_currency, team.goal_minor) == ("USD", 1_500_000)
    assert (team.ends_on.month, team.ends_on.day) == (12, 31)
    gifts = Donation.objects.filter(campaign=team)
    credited = gifts.exclude(soft_credit=None)
    assert credited.count() >= 10
    assert set(credited.values_list("soft_credit", flat=True)) == {team.fundraiser_id}
    progress = selectors.progress(team)
    assert progress.raised_goal_minor > 0
    assert 0 < progress.percent < 100
    seoul = [e for e in Event.objects.select_related("campaign") if e.city == "Seoul"]
    assert sorted(e.kind for e in seoul) == ["quiz", "screening"]
    raised = 0
    for event in seoul:
        result = selectors.progress(event.campaign)
        assert result.spent_base_minor > 0
        assert result.net_base_minor == result.raised_base_minor - result.spent_base_minor > 0
        raised += result.raised_base_minor
        (cost,) = Expense.objects.filter(campaign=event.campaign)
        assert cost.status == ExpenseStatus.PAID
        assert cost.submitted_by == cost.paid_by != cost.decided_by
    assert 700_000 <= raised <= 900_000


def test_most_people_awaiting_rescue_agreed_and_a_few_did_not(demo):
    director = User.objects.get(email=f"director@{DEMO_DOMAIN}")
    board = selectors.board(director)
    assert board.cost is not None
    assert board.cost.amount_minor == hope.COST
    assert 0 < board.without_consent < SponsorConsent.objects.count() / 2
    assert board.counts[ShareStatus.RESCUED] == 2
    assert not board.funded_waiting
    assert board.sponsors >= 8


def test_every_gift_was_taken_in_once_and_the_books_still_balance(demo):
    campaign = Campaign.objects.get(code=hope.HOPE_CODE)
    assert campaign.public
    assert campaign.hope_sharing
    gifts = Donation.objects.filter(campaign_id__in=selectors.subtree(campaign))
    assert gifts.count() > 40
    assert GiftIntake.objects.filter(donation__in=gifts, pending=False).count() == gifts.count()
    funded = Share.objects.exclude(status__in=[ShareStatus.OPEN, ShareStatus.CANCELLED])
    for share in funded:
        assert share.funded_minor == share.cost_minor
        given = share.contributions.aggregate(total=Sum("amount_minor"))["total"]
        assert given == share.funded_minor
    assert list(ledger.unbalanced_transactions()) == []
    for restriction in ("unrestricted", "rescue"):
        assert ledger.fund_balance(restriction) >= 0
    assert verify().ok
