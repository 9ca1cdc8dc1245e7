"""The program dashboard: figures against a hand-computed data set, links, access, filter and query count.

The data set is built row by row, so that every expected figure below can be checked by hand. Fiscal year
2026-2027 runs from 1 April 2026 to 31 March 2027, Montréal time. Due dates that « today » decides (late
reviews, overdue reports) are set relative to the local date of the test run.
"""

import base64
import html
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, ApplicationState, RequestedAmount
from awards.models import (
    Ballot,
    BallotStatus,
    EditionState,
    JurorConflict,
    Nomination,
    NominationState,
    PrizeEdition,
    Round1Score,
)
from common.fiscal import FiscalYear
from grants.models import Clientele, Envelope
from oversight import selectors
from payments.models import (
    Agreement,
    AgreementState,
    Installment,
    InstallmentKind,
    InstallmentState,
    Report,
    ReportKind,
    ReportState,
)
from payments.selectors import envelope_view
from reviews.models import ApprovedAmount, AssignmentState, Decision, DecisionOutcome, ReviewAssignment
from tests.applications.factories import ensure_call_setup
from tests.awards.factories import (
    CategoryFactory,
    JuryMembershipFactory,
    NominationFactory,
    PrizeCriterionFactory,
    PrizeEditionFactory,
)
from tests.factories import CallFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("oversight:dashboard")
YEAR = "2026-2027"
MONTREAL = ZoneInfo("America/Montreal")
D = Decimal


def local(year, month, day, hour=12, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=MONTREAL)


def new_call(code: str, opens_at: datetime, envelopes: dict[str, str]):
    call = CallFactory(code=code, opens_at=opens_at, closes_at=opens_at + timedelta(days=60), with_rubric=False)
    ensure_call_setup(call)
    for label, amount in envelopes.items():
        Envelope.objects.create(call=call, fiscal_year=label, amount=D(amount))
    return call


def new_application(call, state, *, submitted_at=None, regions=(), reach="", clienteles=(), requested=()):
    organization = MembershipFactory(is_representative=True).organization
    application = Application.objects.create(
        call=call,
        organization=organization,
        created_by=organization.memberships.get().user,
        state=state,
        title="Projet de prévention",
        submitted_at=submitted_at,
        regions=list(regions),
        reach=reach,
    )
    application.clienteles.set(clienteles)
    for year, amount in enumerate(requested, start=1):
        RequestedAmount.objects.create(application=application, project_year=year, amount=D(amount))
    return application


def approve(application, amounts):
    decision = Decision.objects.create(
        application=application, outcome=DecisionOutcome.APPROVED, decided_by=UserFactory(roles=["decision_maker"])
    )
    for year, amount in enumerate(amounts, start=1):
        ApprovedAmount.objects.create(decision=decision, project_year=year, fiscal_year=YEAR, amount=D(amount))


def new_agreement(application, state):
    return Agreement.objects.create(
        application=application,
        state=state,
        total=D("100000.00"),
        holdback_percent=D("10"),
        starts_on=local(2026, 7, 1).date(),
        ends_on=local(2028, 6, 30).date(),
    )


def installment(agreement, number, amount, due_on, state):
    return Installment.objects.create(
        agreement=agreement,
        number=number,
        kind=InstallmentKind.PROJECT_YEAR,
        amount=D(amount),
        due_on=due_on,
        state=state,
    )


def report(agreement, number, due_on, state, kind=ReportKind.PROGRESS):
    return Report.objects.create(agreement=agreement, kind=kind, number=number, due_on=due_on, state=state)


def assignment(application, state, due_on):
    return ReviewAssignment.objects.create(
        application=application,
        reviewer=UserFactory(roles=["reviewer"]),
        state=state,
        due_on=due_on,
        assigned_by=application.created_by,
    )


@dataclass
class World:
    call_a: object
    call_b: object
    clienteles: dict
    edition: PrizeEdition
    nominee_names: list


def build_prize() -> tuple[PrizeEdition, list[str]]:
    """Build an announced 2025 edition, the 2027 edition at the final vote and a 2028 draft.

    Rules (categories, criteria, jury) can only be written while an edition is a draft, so the 2027
    edition gets its state last.
    """
    past_edition = PrizeEditionFactory(year=2025)
    NominationFactory(edition=past_edition, category=CategoryFactory(edition=past_edition))
    PrizeEdition.objects.filter(pk=past_edition.pk).update(state=EditionState.ANNOUNCED)
    PrizeEditionFactory(year=2028)

    edition = PrizeEditionFactory(year=2027)
    first = CategoryFactory(edition=edition, position=0)
    second = CategoryFactory(edition=edition, position=1)
    without_finalists = CategoryFactory(edition=edition, position=2)
    first_criteria = [PrizeCriterionFactory(category=first), PrizeCriterionFactory(category=first)]
    second_criterion = PrizeCriterionFactory(category=second)
    jurors = [JuryMembershipFactory(edition=edition, is_president=index == 0).juror for index in range(3)]
    outsider = UserFactory(roles=["jury_member"])

    def nominate(category, state):
        return NominationFactory(edition=edition, category=category, state=state)

    n1 = nominate(first, NominationState.FINALIST)
    n2 = nominate(first, NominationState.FINALIST)
    n3 = nominate(first, NominationState.NOT_RETAINED)
    n4 = nominate(first, NominationState.INELIGIBLE)
    nominate(first, NominationState.WITHDRAWN)
    nominate(first, NominationState.DRAFT)
    n7 = nominate(second, NominationState.FINALIST)
    n8 = nominate(second, NominationState.NOT_RETAINED)
    nominate(second, NominationState.SUBMITTED)

    j1, j2, j3 = jurors
    JurorConflict.objects.create(nomination=n1, juror=j3, has_conflict=True)
    JurorConflict.objects.create(nomination=n2, juror=j2, has_conflict=False)
    JurorConflict.objects.create(nomination=n2, juror=outsider, has_conflict=True)
    JurorConflict.objects.create(nomination=n4, juror=j1, has_conflict=True)

    def score(nomination, juror, criteria):
        for criterion in criteria:
            Round1Score.objects.create(nomination=nomination, juror=juror, criterion=criterion, score=D("7"))

    score(n1, j1, first_criteria)
    score(n2, j1, first_criteria[:1])
    score(n3, j1, first_criteria)
    score(n7, j1, [second_criterion])
    score(n1, j2, first_criteria)
    score(n8, j2, [second_criterion])
    score(n1, j3, first_criteria)
    score(n3, outsider, first_criteria)
    score(n4, j2, first_criteria)

    Ballot.objects.create(category=first, juror=j1, status=BallotStatus.SUBMITTED)
    Ballot.objects.create(category=first, juror=j2, status=BallotStatus.ABSTAINED)
    Ballot.objects.create(category=second, juror=j1, status=BallotStatus.SUBMITTED)
    Ballot.objects.create(category=second, juror=outsider, status=BallotStatus.SUBMITTED)
    Ballot.objects.create(category=without_finalists, juror=j3, status=BallotStatus.SUBMITTED)

    PrizeEdition.objects.filter(pk=edition.pk).update(state=EditionState.FINAL_VOTE)
    edition.refresh_from_db()
    names = list(Nomination.objects.filter(edition=edition).values_list("nominee_name", flat=True))
    return edition, names


@pytest.fixture
def world():
    today = timezone.localdate()
    call_a = new_call("ECI-A", local(2026, 5, 1), {YEAR: "500000.00", "2027-2028": "300000.00"})
    call_b = new_call("ECI-B", local(2026, 9, 1), {YEAR: "200000.00"})
    youth = Clientele.objects.get(code="youth")
    school = Clientele.objects.get(code="school")
    seniors = Clientele.objects.create(code="seniors", name_fr="Personnes aînées", position=2)

    # Half an hour after the fiscal year starts, local time.
    a1 = new_application(
        call_a,
        ApplicationState.APPROVED,
        submitted_at=local(2026, 4, 1, 0, 30),
        regions=["06"],
        reach="local",
        clienteles=[youth],
        requested=["50000.00", "30000.00"],
    )
    approve(a1, ["40000.00", "30000.00"])
    a2 = new_application(
        call_a,
        ApplicationState.UNDER_REVIEW,
        submitted_at=local(2026, 10, 15),
        regions=["16", "03", "06"],
        reach="regional",
        clienteles=[youth, school],
        requested=["100000.00"],
    )
    # Half an hour before the fiscal year ends, local time: 1 April 2027 03:30 UTC.
    a3 = new_application(
        call_b,
        ApplicationState.APPROVED,
        submitted_at=local(2027, 3, 31, 23, 30),
        regions=["03", "06"],
        reach="provincial",
        requested=["150000.01"],
    )
    approve(a3, ["120000.01"])
    a4 = new_application(
        call_b, ApplicationState.INADMISSIBLE, submitted_at=local(2026, 6, 1), clienteles=[seniors], requested=[]
    )
    # One minute before the fiscal year, local time: it belongs to 2025-2026.
    a5 = new_application(
        call_a,
        ApplicationState.SUBMITTED,
        submitted_at=local(2026, 3, 31, 23, 59),
        regions=["06"],
        reach="local",
        requested=["10000.00"],
    )
    new_application(call_a, ApplicationState.DRAFT, regions=["06"], requested=["5000.00"])

    agreement_a = new_agreement(a1, AgreementState.ACTIVE)
    installment(agreement_a, 1, "40000.00", local(2026, 7, 1).date(), InstallmentState.PAID)
    installment(agreement_a, 2, "30000.00", local(2027, 2, 1).date(), InstallmentState.DUE)
    installment(agreement_a, 3, "10000.00", local(2026, 12, 1).date(), InstallmentState.CANCELLED)
    installment(agreement_a, 4, "20000.00", local(2027, 7, 1).date(), InstallmentState.SCHEDULED)
    agreement_b = new_agreement(a3, AgreementState.DRAFT)
    installment(agreement_b, 1, "250000.00", local(2026, 10, 1).date(), InstallmentState.APPROVED)

    report(agreement_a, 1, today - timedelta(days=10), ReportState.EXPECTED)
    report(agreement_a, 2, today + timedelta(days=20), ReportState.EXPECTED)
    report(agreement_a, 3, today - timedelta(days=1), ReportState.REVISION_REQUESTED)
    report(agreement_a, 4, today + timedelta(days=5), ReportState.REVISION_REQUESTED)
    report(agreement_a, 5, today - timedelta(days=40), ReportState.ACCEPTED)
    report(agreement_a, 6, today, ReportState.EXPECTED)
    report(agreement_a, 0, today + timedelta(days=100), ReportState.SUBMITTED, kind=ReportKind.FINAL)
    # Past its due date, but its agreement is not active: not overdue.
    report(agreement_b, 1, today - timedelta(days=30), ReportState.EXPECTED)

    assignment(a2, AssignmentState.ASSIGNED, today - timedelta(days=3))
    assignment(a2, AssignmentState.ACCEPTED, today + timedelta(days=5))
    assignment(a2, AssignmentState.SUBMITTED, today - timedelta(days=20))
    assignment(a2, AssignmentState.DECLINED, today - timedelta(days=3))
    assignment(a2, AssignmentState.CANCELLED, today - timedelta(days=3))
    assignment(a1, AssignmentState.SUBMITTED, today - timedelta(days=60))
    assignment(a5, AssignmentState.ASSIGNED, today - timedelta(days=3))
    # Pending and past due, but the file is no longer under review: open, not late.
    assignment(a4, AssignmentState.ASSIGNED, today - timedelta(days=3))

    edition, names = build_prize()
    return World(
        call_a=call_a,
        call_b=call_b,
        clienteles={"youth": youth, "school": school, "seniors": seniors},
        edition=edition,
        nominee_names=names,
    )


@pytest.fixture
def dashboard(client, manager, world):
    client.force_login(manager)
    response = client.get(URL, {"fiscal_year": YEAR})
    assert response.status_code == 200
    return response


# Envelopes


def test_envelopes_per_call(dashboard, world):
    rows = {row.call.code: row.year for row in dashboard.context["envelopes"].rows}

    assert list(rows) == ["ECI-B", "ECI-A"]
    assert rows["ECI-A"].envelope == D("500000.00")
    assert rows["ECI-A"].committed == D("70000.00")
    assert rows["ECI-A"].paid == D("40000.00")
    assert rows["ECI-A"].remaining == D("430000.00")
    assert rows["ECI-B"].envelope == D("200000.00")
    assert rows["ECI-B"].committed == D("250000.00")
    assert rows["ECI-B"].paid == D("0.00")
    assert rows["ECI-B"].remaining == D("-50000.00")


def test_envelopes_totals(dashboard):
    totals = dashboard.context["envelopes"].totals

    assert totals.envelope == D("700000.00")
    assert totals.committed == D("320000.00")
    assert totals.paid == D("40000.00")
    assert totals.remaining == D("380000.00")


def test_envelopes_warn_of_overcommitted_call(dashboard):
    overcommitted = dashboard.context["envelopes"].overcommitted
    notice = dashboard.content.decode().split('class="app-notice app-notice-warning"')[1].split("</div>")[0]

    assert [(row.call.code, row.year.overcommitted_by) for row in overcommitted] == [("ECI-B", D("50000.00"))]
    assert "ECI-B</a>\u00a0: dépassement de 50\u00a0000,00\u00a0$" in notice
    assert "ECI-A" not in notice


def test_envelopes_within_budget_have_no_warning(client, manager, world):
    client.force_login(manager)

    response = client.get(URL, {"fiscal_year": "2027-2028"})

    assert response.context["envelopes"].overcommitted == []
    assert "app-notice-warning" not in response.content.decode()


def test_envelopes_match_envelope_page(dashboard, world):
    for row in dashboard.context["envelopes"].rows:
        page_year = next(year for year in envelope_view(row.call).years if year.label == YEAR)
        assert (row.year.envelope, row.year.committed, row.year.paid, row.year.remaining) == (
            page_year.envelope,
            page_year.committed,
            page_year.paid,
            page_year.remaining,
        )


def test_envelopes_link_envelope_page(dashboard, world):
    content = dashboard.content.decode()

    for call in (world.call_a, world.call_b):
        assert f'href="{reverse("payments:envelope", kwargs={"code": call.code})}"' in content


def test_envelopes_show_french_money(dashboard):
    content = dashboard.content.decode()

    assert "430\u00a0000,00\u00a0$" in content
    assert "-50\u00a0000,00\u00a0$" in content


# Funnel


def test_funnel_counts_by_state(dashboard):
    counts = {row.state: row.count for row in dashboard.context["funnel"]}

    assert counts == {
        "submitted": 0,
        "screening": 0,
        "incomplete": 0,
        "inadmissible": 1,
        "under_review": 1,
        "evaluated": 0,
        "recommended": 0,
        "not_recommended": 0,
        "approved": 2,
        "declined": 0,
        "withdrawn": 0,
    }
    assert dashboard.context["funnel_total"] == 4


def test_funnel_follows_life_order(dashboard):
    states = [row.state for row in dashboard.context["funnel"]]

    assert states == [state.value for state in ApplicationState if state != ApplicationState.DRAFT]


def test_funnel_counts_equal_list_counts(client, dashboard):
    for row in dashboard.context["funnel"]:
        listed = client.get(row.url)
        assert listed.status_code == 200
        assert listed.context["paginator"].count == row.count, row.state


def test_funnel_links_carry_fiscal_year(dashboard):
    content = dashboard.content.decode()

    for row in dashboard.context["funnel"]:
        assert "submitted_from=2026-04-01" in row.url
        assert "submitted_to=2027-03-31" in row.url
        assert f'href="{html.escape(row.url)}"' in content


# Distribution


def test_distribution_by_region(dashboard):
    rows = {row.key: row for row in dashboard.context["distribution"].by_region.rows}

    assert (rows["03"].applications, rows["03"].requested) == (2, D("108333.33"))
    assert (rows["03"].approved_applications, rows["03"].approved) == (1, D("60000.00"))
    assert (rows["06"].applications, rows["06"].requested) == (3, D("188333.34"))
    assert (rows["06"].approved_applications, rows["06"].approved) == (2, D("130000.01"))
    assert (rows["16"].applications, rows["16"].requested) == (1, D("33333.34"))
    assert (rows["16"].approved_applications, rows["16"].approved) == (0, D("0.00"))
    assert (rows[""].applications, rows[""].requested) == (1, D("0.00"))
    assert rows["01"].applications == 0


def test_distribution_lists_every_region(dashboard):
    keys = [row.key for row in dashboard.context["distribution"].by_region.rows]

    assert keys == [f"{number:02d}" for number in range(1, 18)] + [""]


def test_distribution_total_counts_each_application_once(dashboard):
    total = dashboard.context["distribution"].by_region.total

    assert total.applications == 4
    assert total.requested == D("330000.01")
    assert total.approved_applications == 2
    assert total.approved == D("190000.01")


@pytest.mark.parametrize("table", ["by_region", "by_clientele", "by_reach"])
def test_distribution_amounts_add_up_to_total(dashboard, table):
    distribution = getattr(dashboard.context["distribution"], table)

    assert sum(row.requested for row in distribution.rows) == distribution.total.requested
    assert sum(row.approved for row in distribution.rows) == distribution.total.approved


def test_distribution_counts_project_in_each_region(dashboard):
    distribution = dashboard.context["distribution"].by_region

    # A2 is in three regions and A3 in two, so 4 applications count 7 times.
    assert sum(row.applications for row in distribution.rows) == 7
    assert distribution.total.applications == 4


def test_distribution_by_clientele(dashboard, world):
    rows = {row.key: row for row in dashboard.context["distribution"].by_clientele.rows}
    youth, school, seniors = (str(world.clienteles[code].pk) for code in ("youth", "school", "seniors"))

    assert list(rows) == [youth, school, seniors, ""]
    assert (rows[youth].applications, rows[youth].requested) == (2, D("130000.00"))
    assert (rows[youth].approved_applications, rows[youth].approved) == (1, D("70000.00"))
    assert (rows[school].applications, rows[school].requested) == (1, D("50000.00"))
    assert (rows[seniors].applications, rows[seniors].requested) == (1, D("0.00"))
    assert (rows[""].applications, rows[""].requested) == (1, D("150000.01"))
    assert (rows[""].approved_applications, rows[""].approved) == (1, D("120000.01"))


def test_distribution_by_reach(dashboard):
    rows = {row.key: row for row in dashboard.context["distribution"].by_reach.rows}

    assert list(rows) == ["local", "regional", "provincial", ""]
    assert (rows["local"].applications, rows["local"].requested, rows["local"].approved) == (
        1,
        D("80000.00"),
        D("70000.00"),
    )
    assert (rows["regional"].applications, rows["regional"].requested, rows["regional"].approved) == (
        1,
        D("100000.00"),
        D("0.00"),
    )
    assert (rows["provincial"].applications, rows["provincial"].requested, rows["provincial"].approved) == (
        1,
        D("150000.01"),
        D("120000.01"),
    )
    assert (rows[""].applications, rows[""].requested) == (1, D("0.00"))


def test_distribution_counts_equal_list_counts(client, dashboard):
    distribution = dashboard.context["distribution"]
    for table in (distribution.by_region, distribution.by_clientele, distribution.by_reach):
        for row in table.rows:
            if not row.key:
                assert row.url == ""
                continue
            listed = client.get(row.url)
            assert listed.status_code == 200
            assert listed.context["paginator"].count == row.applications, row.label


def test_distribution_captions_state_rule(client, manager, world, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(manager)

    content = client.get(URL, {"fiscal_year": YEAR}).content.decode()

    assert "A project in several regions counts in each of them; its amounts are split equally" in content
    assert "A project with several clienteles counts in each of them; its amounts are split equally" in content


# Review progress


def test_review_progress_per_call(dashboard):
    rows = {row.call.code: row for row in dashboard.context["reviews"]}

    assert list(rows) == ["ECI-B", "ECI-A"]
    assert (rows["ECI-A"].open, rows["ECI-A"].late, rows["ECI-A"].submitted) == (2, 1, 2)
    assert (rows["ECI-B"].open, rows["ECI-B"].late, rows["ECI-B"].submitted) == (1, 0, 0)


# Reports


def test_report_counts(dashboard):
    counts = {row["url"]: row["count"] for row in dashboard.context["report_rows"]}

    assert list(counts.values()) == [3, 1, 2, 1]


def test_report_counts_equal_list_counts(client, dashboard):
    for row in dashboard.context["report_rows"]:
        listed = client.get(row["url"])
        assert listed.status_code == 200
        assert listed.context["paginator"].count == row["count"], row["url"]


# Prize


def test_prize_shows_latest_opened_edition(dashboard, world):
    assert dashboard.context["prize"].edition == world.edition


def test_prize_nominations_by_state(dashboard):
    counts = {row.state: row.count for row in dashboard.context["prize"].nominations}

    assert counts == {
        "draft": 1,
        "submitted": 1,
        "incomplete": 0,
        "eligible": 0,
        "ineligible": 1,
        "finalist": 3,
        "not_retained": 2,
        "laureate": 0,
        "withdrawn": 1,
    }


def test_prize_round1_sheets(dashboard):
    prize = dashboard.context["prize"]

    # 5 nominations went through round 1, 3 jurors, 1 conflict of a juror with one of them.
    assert prize.jurors == 3
    assert prize.sheets_expected == 14
    assert prize.sheets_complete == 5
    assert prize.sheets_missing == 9


def test_prize_round2_ballots(dashboard):
    prize = dashboard.context["prize"]

    # 2 categories with finalists × 3 jurors. The outsider's ballot and the third category's do not count.
    assert prize.ballots_expected == 6
    assert prize.ballots_ranked == 2
    assert prize.ballots_abstained == 1
    assert prize.ballots_cast == 3
    assert prize.ballots_missing == 3


def test_prize_never_names_nominee(dashboard, world):
    content = dashboard.content.decode()

    for name in world.nominee_names:
        assert name not in content


# Fiscal-year filter


def test_default_is_current_fiscal_year(client, manager, world, monkeypatch):
    monkeypatch.setattr("oversight.views.current_fiscal_year", lambda: FiscalYear(2026))
    client.force_login(manager)

    response = client.get(URL)

    assert response.context["fiscal_year"] == FiscalYear(2026)
    assert response.context["funnel_total"] == 4


def test_other_fiscal_year_changes_figures(client, manager, world):
    client.force_login(manager)

    response = client.get(URL, {"fiscal_year": "2025-2026"})

    counts = {row.state: row.count for row in response.context["funnel"]}
    assert counts["submitted"] == 1
    assert response.context["funnel_total"] == 1
    assert response.context["envelopes"].rows == []
    assert response.context["distribution"].by_region.total.requested == D("10000.00")


def test_next_fiscal_year_envelopes(client, manager, world):
    client.force_login(manager)

    response = client.get(URL, {"fiscal_year": "2027-2028"})

    rows = {row.call.code: row.year for row in response.context["envelopes"].rows}
    assert list(rows) == ["ECI-A"]
    assert (rows["ECI-A"].envelope, rows["ECI-A"].committed, rows["ECI-A"].paid) == (
        D("300000.00"),
        D("20000.00"),
        D("0.00"),
    )


@pytest.mark.parametrize("value", ["2026", "2026-2028", "1990-1991", "deux-mille", "x" * 300, "2026-2027\x00"])
def test_bad_fiscal_year_is_french_error(client, manager, world, value):
    client.force_login(manager)

    response = client.get(URL, {"fiscal_year": value})

    assert response.status_code == 200
    assert "fiscal_year" not in response.context
    content = response.content.decode()
    assert "Exercice financier" in content
    assert "Sélectionnez un choix valide" in content
    assert 'id="error-summary"' in content


def test_empty_fiscal_year_is_french_error(client, manager, world):
    client.force_login(manager)

    response = client.get(URL, {"fiscal_year": ""})

    assert response.status_code == 200
    assert "Ce champ est obligatoire" in response.content.decode()


# Charts


CHART = re.compile(
    r'<div class="dashboard-chart"><img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)" alt="([^"]+)"'
)


def test_charts_are_data_uri_images(dashboard):
    charts = CHART.findall(dashboard.content.decode())

    assert len(charts) == 3
    for encoded, alt in charts:
        svg = base64.b64decode(encoded).decode("utf-8")
        # The SVG is the page's own output, not untrusted input.
        root = ElementTree.fromstring(svg)  # noqa: S314
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert "<script" not in svg
        assert "2026-2027" in alt


def test_every_chart_followed_by_table(dashboard):
    content = dashboard.content.decode()

    for match in re.finditer(r'<div class="dashboard-chart">.*?</div>', content):
        assert re.match(r"\s*<table", content[match.end() :]), content[match.end() : match.end() + 80]


def test_chart_labels_in_french(dashboard):
    encoded = CHART.findall(dashboard.content.decode())[0][0]
    svg = base64.b64decode(encoded).decode("utf-8")

    assert "500\u00a0000\u00a0$" in svg


def test_chart_labels_in_english(client, manager, world, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(manager)

    content = client.get(URL, {"fiscal_year": YEAR}).content.decode()

    svg = base64.b64decode(CHART.findall(content)[0][0]).decode("utf-8")
    assert "$500,000" in svg


def test_tables_have_captions_and_scoped_headers(dashboard):
    content = dashboard.content.decode()
    tables = re.findall(r"<table.*?</table>", content, flags=re.DOTALL)

    assert len(tables) == 9
    for table in tables:
        assert "<caption>" in table
        assert "<th>" not in table


def test_no_charts_without_data(client, manager):
    client.force_login(manager)

    response = client.get(URL)

    assert response.status_code == 200
    assert "data:image/svg+xml" not in response.content.decode()


# Access


@pytest.mark.parametrize("role", ["program_manager", "decision_maker", "finance_officer"])
def test_dashboard_open_to_program_roles(client, world, role):
    client.force_login(UserFactory(roles=[role]))

    assert client.get(URL).status_code == 200


@pytest.mark.parametrize("role", ["program_officer", "reviewer", "committee_member", "jury_member"])
def test_dashboard_hidden_from_other_staff(client, role):
    client.force_login(UserFactory(roles=[role]))

    assert client.get(URL).status_code == 404


def test_dashboard_hidden_from_applicant(client, representative):
    client.force_login(representative)

    assert client.get(URL).status_code == 404


def test_dashboard_sends_anonymous_to_login(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(("role", "shown"), [("finance_officer", True), ("program_officer", False)])
def test_navigation_link_follows_permission(client, role, shown):
    client.force_login(UserFactory(roles=[role]))

    content = client.get(reverse("accounts:dashboard")).content.decode()

    assert (f'href="{URL}"' in content) is shown


# Query count


def add_rows(index: int, edition: PrizeEdition, criterion, category, jurors) -> None:
    """Add one call with an envelope, two applications, an agreement, reports, reviews and nominations."""
    today = timezone.localdate()
    call = new_call(f"ECI-Q{index}", local(2026, 5, 1) + timedelta(days=index), {YEAR: "100000.00"})
    clienteles = list(Clientele.objects.all()[:2])
    approved = new_application(
        call,
        ApplicationState.APPROVED,
        submitted_at=local(2026, 6, 1),
        regions=["01", "02"],
        reach="local",
        clienteles=clienteles,
        requested=["1000.00", "2000.00"],
    )
    approve(approved, ["1000.00"])
    under_review = new_application(
        call, ApplicationState.UNDER_REVIEW, submitted_at=local(2026, 7, 1), regions=["03"], requested=["500.00"]
    )
    agreement = new_agreement(approved, AgreementState.ACTIVE)
    installment(agreement, 1, "600.00", local(2026, 8, 1).date(), InstallmentState.PAID)
    installment(agreement, 2, "400.00", local(2027, 1, 1).date(), InstallmentState.SCHEDULED)
    report(agreement, 1, today - timedelta(days=2), ReportState.EXPECTED)
    report(agreement, 0, today, ReportState.SUBMITTED, kind=ReportKind.FINAL)
    assignment(under_review, AssignmentState.ASSIGNED, today - timedelta(days=1))
    assignment(under_review, AssignmentState.SUBMITTED, today - timedelta(days=9))
    nomination = NominationFactory(edition=edition, category=category, state=NominationState.FINALIST)
    Round1Score.objects.create(nomination=nomination, juror=jurors[0], criterion=criterion, score=D("5"))
    JurorConflict.objects.create(nomination=nomination, juror=jurors[1], has_conflict=True)
    Ballot.objects.get_or_create(category=category, juror=jurors[index % len(jurors)], status=BallotStatus.SUBMITTED)


def count_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"fiscal_year": YEAR})
    assert response.status_code == 200
    return len(queries)


def test_query_count_constant(client, manager):
    edition = PrizeEditionFactory(year=2027)
    category = CategoryFactory(edition=edition)
    criterion = PrizeCriterionFactory(category=category)
    jurors = [JuryMembershipFactory(edition=edition).juror for _ in range(3)]
    PrizeEdition.objects.filter(pk=edition.pk).update(state=EditionState.FINAL_VOTE)
    client.force_login(manager)

    add_rows(0, edition, criterion, category, jurors)
    with_one = count_queries(client)
    add_rows(1, edition, criterion, category, jurors)
    add_rows(2, edition, criterion, category, jurors)
    with_three = count_queries(client)

    assert with_one == with_three
    assert with_three <= 15


# Selectors


def test_fiscal_year_bounds_are_montreal_days(world):
    counts = {row.state: row.count for row in selectors.applications_by_state(FiscalYear(2026))}

    # A1 at 00:30 on 1 April and A3 at 23:30 on 31 March count, but not A5 at 23:59 on 31 March 2026.
    assert counts["approved"] == 2
    assert counts["submitted"] == 0
