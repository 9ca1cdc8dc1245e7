"""Staff lists of agreements, reports and installments, the envelope of a call, and the dashboard panels."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organization, Role
from grants.models import Envelope
from payments import dashboards, reports
from payments.models import AgreementState, InstallmentState, Report, ReportKind, ReportState
from payments.views.lists import AgreementListView, FinanceQueueView, ReportListView
from tests.applications.factories import ensure_call_setup
from tests.factories import CallFactory, MembershipFactory, OrganizationFactory, ProgramFactory, UserFactory
from tests.payments.conftest import activate, approved_agreement, fill_and_submit, pay, representative_of

pytestmark = pytest.mark.django_db

AGREEMENTS_URL = reverse("payments:agreements")
REPORTS_URL = reverse("payments:reports")
QUEUE_URL = reverse("payments:finance_queue")
LOGIN = "/comptes/connexion/"


def make_call(*, program=None, envelopes=None):
    """A call ready for approvals, with an envelope of `envelopes` (fiscal year → amount) or a large one per year."""
    call = CallFactory(passing_score=Decimal("60"), **({"program": program} if program else {}))
    Envelope.objects.filter(call=call).delete()
    if envelopes is None:
        envelopes = {f"{year}-{year + 1}": "10000000" for year in range(2026, 2032)}
    for label, amount in envelopes.items():
        Envelope.objects.create(call=call, fiscal_year=label, amount=Decimal(amount))
    ensure_call_setup(call)
    return call


def listed(client, user, url, **params) -> list:
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200
    return list(response.context["object_list"])


def set_region(agreement, region: str) -> None:
    Organization.objects.filter(pk=agreement.application.organization_id).update(region=region)


# Agreements


def test_agreements_unfiltered(client, officer, agreement, active_agreement):
    second = approved_agreement()
    assert set(listed(client, officer, AGREEMENTS_URL)) == {agreement, second}


def test_agreements_filter_state(client, officer, active_agreement):
    draft = approved_agreement()
    assert listed(client, officer, AGREEMENTS_URL, state=AgreementState.ACTIVE) == [active_agreement]
    assert listed(client, officer, AGREEMENTS_URL, state=AgreementState.DRAFT) == [draft]


def test_agreements_caption_says_filters_applied(client, officer, active_agreement, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    client.force_login(officer)
    unfiltered = client.get(AGREEMENTS_URL).content.decode()
    filtered = client.get(AGREEMENTS_URL, {"state": AgreementState.ACTIVE}).content.decode()
    assert "(filtres appliqués)" not in unfiltered
    assert "1\u00a0convention (filtres appliqués)</caption>" in filtered


def test_agreements_filter_call(client, officer):
    call = make_call()
    inside = approved_agreement(call=call)
    approved_agreement()
    assert listed(client, officer, AGREEMENTS_URL, call=call.pk) == [inside]


def test_agreements_filter_region(client, officer):
    laval, montreal = approved_agreement(), approved_agreement()
    set_region(laval, "13")
    set_region(montreal, "06")
    assert listed(client, officer, AGREEMENTS_URL, region="13") == [laval]


def test_agreements_filter_fiscal_year(client, officer):
    # Installments of a project starting on 1 July 2027: 2027-2028, 2028-2029 and the holdback in 2029-2030.
    early = approved_agreement(starts_on=date(2027, 7, 1))
    late = approved_agreement(starts_on=date(2030, 7, 1))
    assert listed(client, officer, AGREEMENTS_URL, fiscal_year="2028-2029") == [early]
    assert listed(client, officer, AGREEMENTS_URL, fiscal_year="2031-2032") == [late]
    assert listed(client, officer, AGREEMENTS_URL, fiscal_year="2029-2030") == [early]


def test_agreements_unknown_fiscal_year_is_error(client, officer, agreement):
    client.force_login(officer)
    response = client.get(AGREEMENTS_URL, {"fiscal_year": "1990-1991"})
    assert "fiscal_year" in response.context["form"].errors
    assert list(response.context["agreements"]) == []


def test_agreements_show_paid_total(client, finance, active_agreement, second_finance):
    pay(active_agreement.installments.get(number=1), finance, second_finance)
    rows = listed(client, finance, AGREEMENTS_URL)
    assert [row.paid for row in rows] == [Decimal("36000.00")]


def test_agreements_link_envelope_once_per_call(client, officer):
    call = make_call()
    first = approved_agreement(call=call)
    approved_agreement(call=call)
    client.force_login(officer)
    content = client.get(AGREEMENTS_URL).content.decode()
    envelope_url = reverse("payments:envelope", kwargs={"code": call.code})
    assert content.count(f'href="{envelope_url}"') == 1
    assert reverse("payments:agreement", kwargs={"pk": first.pk}) in content


# Reports


def test_reports_filter_state(client, officer, active_agreement):
    submitted = active_agreement.reports.get(kind=ReportKind.PROGRESS, number=1)
    fill_and_submit(submitted)
    assert listed(client, officer, REPORTS_URL, state=ReportState.SUBMITTED) == [submitted]


def test_reports_filter_kind(client, officer, agreement):
    assert listed(client, officer, REPORTS_URL, kind=ReportKind.FINAL) == [agreement.reports.get(kind="final")]
    assert len(listed(client, officer, REPORTS_URL, kind=ReportKind.PROGRESS)) == 2


def test_reports_filter_call(client, officer):
    call = make_call()
    inside = approved_agreement(call=call)
    approved_agreement()
    assert set(listed(client, officer, REPORTS_URL, call=call.pk)) == set(inside.reports.all())


def test_reports_filter_overdue(client, officer, active_agreement, decision_maker):
    today = timezone.localdate()
    late, on_time, final = active_agreement.reports.order_by("due_on")
    Report.objects.filter(pk=late.pk).update(due_on=date(2020, 1, 15))
    Report.objects.filter(pk=on_time.pk).update(due_on=today)
    submitted_late = approved_agreement()
    activate(submitted_late, officer, decision_maker)
    received = submitted_late.reports.get(kind=ReportKind.PROGRESS, number=1)
    fill_and_submit(received)
    Report.objects.filter(pk=received.pk).update(due_on=date(2020, 1, 15))
    draft_agreement_report = approved_agreement().reports.get(kind=ReportKind.PROGRESS, number=1)
    Report.objects.filter(pk=draft_agreement_report.pk).update(due_on=date(2020, 1, 15))

    assert listed(client, officer, REPORTS_URL, overdue="yes") == [late]
    not_overdue = listed(client, officer, REPORTS_URL, overdue="no")
    assert late not in not_overdue
    assert {on_time, final, received, draft_agreement_report} <= set(not_overdue)


def test_revision_requested_report_can_be_overdue(client, officer, active_agreement):
    report = active_agreement.reports.get(kind=ReportKind.PROGRESS, number=1)
    fill_and_submit(report)
    reports.request_revision(report=report, actor=officer, comments="Précisez.")
    Report.objects.filter(pk=report.pk).update(due_on=date(2020, 1, 15))
    assert listed(client, officer, REPORTS_URL, overdue="yes") == [report]


def overdue_at(monkeypatch, client, officer, utc_now) -> list:
    monkeypatch.setattr(timezone, "now", lambda: utc_now)
    return listed(client, officer, REPORTS_URL, overdue="yes")


def test_overdue_starts_at_local_midnight(client, officer, active_agreement, monkeypatch):
    report = active_agreement.reports.get(kind=ReportKind.PROGRESS, number=1)
    Report.objects.filter(pk=report.pk).update(due_on=date(2027, 12, 1))
    client.force_login(officer)
    # 23:59 on 1 December in Montréal (UTC−5) is already 2 December in UTC: not overdue yet.
    before = overdue_at(monkeypatch, client, officer, datetime(2027, 12, 2, 4, 59, tzinfo=UTC))
    assert before == []
    # 00:00 on 2 December in Montréal: overdue.
    after = overdue_at(monkeypatch, client, officer, datetime(2027, 12, 2, 5, 0, tzinfo=UTC))
    assert after == [report]


def test_reports_list_marks_overdue(client, officer, active_agreement):
    report = active_agreement.reports.get(kind=ReportKind.PROGRESS, number=1)
    Report.objects.filter(pk=report.pk).update(due_on=date(2020, 1, 15))
    client.force_login(officer)
    response = client.get(REPORTS_URL)
    overdue = {row.pk: row.overdue for row in response.context["reports"]}
    assert overdue[report.pk] is True
    assert list(overdue.values()).count(True) == 1
    assert "Overdue</span>" in response.content.decode()


# Finance queue


def test_queue_defaults_to_due(client, finance, active_agreement):
    rows = listed(client, finance, QUEUE_URL)
    assert [(row.agreement_id, row.number) for row in rows] == [(active_agreement.pk, 1)]
    assert all(row.state == InstallmentState.DUE for row in rows)


def test_queue_all_states_with_empty_choice(client, finance, active_agreement):
    rows = listed(client, finance, QUEUE_URL, state="")
    assert len(rows) == 3


def test_queue_filter_state_approved(client, finance, active_agreement):
    from payments.installments import approve_installment

    first = active_agreement.installments.get(number=1)
    approve_installment(installment=first, actor=finance)
    client.force_login(finance)
    assert listed(client, finance, QUEUE_URL) == []
    rows = listed(client, finance, QUEUE_URL, state=InstallmentState.APPROVED)
    assert rows == [first]
    content = client.get(QUEUE_URL, {"state": "approved"}).content.decode()
    assert finance.get_full_name() in content


def test_queue_filter_fiscal_year(client, finance, active_agreement):
    rows = listed(client, finance, QUEUE_URL, state="", fiscal_year="2028-2029")
    assert [row.number for row in rows] == [2]


def test_queue_filter_program(client, finance, officer, decision_maker):
    other_program_call = make_call(program=ProgramFactory(code="autre-programme", name_fr="Autre programme"))
    other = activate(approved_agreement(call=other_program_call), officer, decision_maker)
    activate(approved_agreement(), officer, decision_maker)
    rows = listed(client, finance, QUEUE_URL, program=other_program_call.program.pk)
    assert [row.agreement_id for row in rows] == [other.pk]


def test_queue_filter_region(client, finance, officer, decision_maker):
    gaspesie = activate(approved_agreement(), officer, decision_maker)
    activate(approved_agreement(), officer, decision_maker)
    set_region(gaspesie, "11")
    rows = listed(client, finance, QUEUE_URL, region="11")
    assert [row.agreement_id for row in rows] == [gaspesie.pk]


def test_queue_links_agreement_page(client, finance, active_agreement):
    client.force_login(finance)
    content = client.get(QUEUE_URL).content.decode()
    assert f'href="{reverse("payments:agreement", kwargs={"pk": active_agreement.pk})}"' in content
    assert active_agreement.application.organization.name in content
    assert "$36,000.00" in content


# Envelope


def test_envelope_figures_match_hand_sums(client, finance, second_finance, officer, decision_maker):
    envelopes = {"2027-2028": "100000", "2028-2029": "100000", "2029-2030": "50000"}
    call = make_call(envelopes=envelopes)
    # 40 000 + 30 000 $ with a 10 % holdback: 36 000 (2027-2028), 27 000 (2028-2029), 7 000 (2029-2030).
    big = activate(approved_agreement(("40000", "30000"), call=call), officer, decision_maker)
    pay(big.installments.get(number=1), finance, second_finance)
    # 20 000 + 10 000 $: 18 000 (2027-2028), 9 000 (2028-2029), 3 000 (2029-2030); still a draft.
    approved_agreement(("20000", "10000"), call=call)
    # Another call's agreement counts nowhere here.
    approved_agreement()

    client.force_login(finance)
    response = client.get(reverse("payments:envelope", kwargs={"code": call.code}))
    assert response.status_code == 200
    view = response.context["envelope"]
    rows = [(year.label, year.envelope, year.committed, year.paid, year.remaining) for year in view.years]
    assert rows == [
        ("2027-2028", Decimal("100000"), Decimal("54000"), Decimal("36000"), Decimal("46000")),
        ("2028-2029", Decimal("100000"), Decimal("36000"), Decimal("0"), Decimal("64000")),
        ("2029-2030", Decimal("50000"), Decimal("10000"), Decimal("0"), Decimal("40000")),
    ]
    totals = view.totals
    assert (totals.envelope, totals.committed, totals.paid, totals.remaining) == (
        Decimal("250000"),
        Decimal("100000"),
        Decimal("36000"),
        Decimal("150000"),
    )
    content = response.content.decode()
    assert "$250,000.00" in content
    assert "$150,000.00" in content


def test_envelope_warns_of_year_without_room(client, finance, officer, decision_maker):
    call = make_call(envelopes={"2027-2028": "100000", "2028-2029": "100000"})
    # The 10 % holdback of 40 000 + 30 000 $ is planned in 2029-2030, a year with no envelope.
    activate(approved_agreement(("40000", "30000"), call=call), officer, decision_maker)

    client.force_login(finance)
    response = client.get(reverse("payments:envelope", kwargs={"code": call.code}))

    overcommitted = response.context["envelope"].overcommitted
    assert [(year.label, year.overcommitted_by) for year in overcommitted] == [("2029-2030", Decimal("7000"))]
    notice = response.content.decode().split('class="app-notice app-notice-warning"')[1].split("</div>")[0]
    assert "2029-2030" in notice
    assert "7,000.00" in notice


def test_envelope_without_excess_has_no_warning(client, finance, officer, decision_maker):
    call = make_call(envelopes={"2027-2028": "100000", "2028-2029": "100000", "2029-2030": "100000"})
    activate(approved_agreement(("40000", "30000"), call=call), officer, decision_maker)

    client.force_login(finance)
    response = client.get(reverse("payments:envelope", kwargs={"code": call.code}))

    assert response.context["envelope"].overcommitted == []
    assert "app-notice-warning" not in response.content.decode()


def test_envelope_unknown_call_404(client, finance):
    client.force_login(finance)
    assert client.get(reverse("payments:envelope", kwargs={"code": "ECI-1900"})).status_code == 404


# Access


def list_urls(call_code: str) -> list[str]:
    return [AGREEMENTS_URL, REPORTS_URL, QUEUE_URL, reverse("payments:envelope", kwargs={"code": call_code})]


OUTSIDERS = {
    "organization_representative": lambda agreement: representative_of(agreement),
    "organization_member": lambda agreement: MembershipFactory(organization=agreement.application.organization).user,
    "other_organization_member": lambda agreement: MembershipFactory(organization=OrganizationFactory()).user,
    "reviewer": lambda agreement: UserFactory(roles=[Role.REVIEWER]),
    "committee_member": lambda agreement: UserFactory(roles=[Role.COMMITTEE_MEMBER]),
    "jury_member": lambda agreement: UserFactory(roles=[Role.JURY_MEMBER]),
}


@pytest.mark.parametrize("persona", list(OUTSIDERS))
@pytest.mark.parametrize("index", range(4))
def test_lists_hidden_from_non_staff(client, agreement, persona, index):
    url = list_urls(agreement.application.call.code)[index]
    client.force_login(OUTSIDERS[persona](agreement))
    assert client.get(url).status_code == 404


STAFF_ROLES = [Role.PROGRAM_OFFICER, Role.PROGRAM_MANAGER, Role.DECISION_MAKER, Role.FINANCE_OFFICER]


@pytest.mark.parametrize("role", STAFF_ROLES)
@pytest.mark.parametrize("index", range(4))
def test_lists_open_to_staff(client, agreement, role, index):
    client.force_login(UserFactory(roles=[role]))
    assert client.get(list_urls(agreement.application.call.code)[index]).status_code == 200


@pytest.mark.parametrize("index", range(4))
def test_lists_send_anonymous_to_login(client, agreement, index):
    response = client.get(list_urls(agreement.application.call.code)[index])
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_lists_paginate_by_fifty():
    assert AgreementListView.paginate_by == ReportListView.paginate_by == FinanceQueueView.paginate_by == 50


def test_pagination_keeps_filters(client, officer, monkeypatch):
    monkeypatch.setattr(ReportListView, "paginate_by", 2)
    approved_agreement()
    client.force_login(officer)
    first_page = client.get(REPORTS_URL, {"kind": "progress", "state": "expected"})
    assert "?kind=progress&amp;state=expected&amp;page=2" not in first_page.content.decode()
    approved_agreement()
    first_page = client.get(REPORTS_URL, {"kind": "progress", "state": "expected"})
    assert "?kind=progress&amp;state=expected&amp;page=2" in first_page.content.decode()


# Query counts: one row, then three


def count_queries(client, user, url, params=None) -> int:
    client.force_login(user)
    client.get(url, params)  # fills the per-process caches (content types, translations)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


def test_agreement_list_queries_constant(client, finance, second_finance, officer, decision_maker):
    first = activate(approved_agreement(), officer, decision_maker)
    pay(first.installments.get(number=1), finance, second_finance)
    params = {"fiscal_year": "2027-2028"}
    one = count_queries(client, finance, AGREEMENTS_URL, params)
    for _index in range(2):
        other = activate(approved_agreement(), officer, decision_maker)
        pay(other.installments.get(number=1), finance, second_finance)
    three = count_queries(client, finance, AGREEMENTS_URL, params)
    assert one == three


def test_report_list_queries_constant(client, officer, decision_maker):
    activate(approved_agreement(), officer, decision_maker)
    params = {"kind": "final", "overdue": "no"}
    one = count_queries(client, officer, REPORTS_URL, params)
    for _index in range(2):
        activate(approved_agreement(), officer, decision_maker)
    three = count_queries(client, officer, REPORTS_URL, params)
    assert one == three


def test_queue_queries_constant(client, finance, officer, decision_maker):
    from payments.installments import approve_installment

    first = activate(approved_agreement(), officer, decision_maker)
    approve_installment(installment=first.installments.get(number=1), actor=finance)
    one = count_queries(client, finance, QUEUE_URL, {"state": "approved"})
    for _index in range(2):
        other = activate(approved_agreement(), officer, decision_maker)
        approve_installment(installment=other.installments.get(number=1), actor=UserFactory(roles=["finance_officer"]))
    three = count_queries(client, finance, QUEUE_URL, {"state": "approved"})
    assert one == three


def test_envelope_queries_constant(client, finance, officer, decision_maker):
    call = make_call()
    activate(approved_agreement(call=call), officer, decision_maker)
    url = reverse("payments:envelope", kwargs={"code": call.code})
    one = count_queries(client, finance, url)
    for _index in range(2):
        approved_agreement(call=call)
    three = count_queries(client, finance, url)
    assert one == three


# Dashboard panels


def panel_queries(panel, user) -> tuple[object, int]:
    for role in Role:
        user.has_role(role)  # loads and caches the roles, which the dashboard page does once
    with CaptureQueriesContext(connection) as queries:
        result = panel(user)
    return result, len(queries)


def test_finance_panel_counts(finance, second_finance, officer, decision_maker):
    from payments.installments import approve_installment

    for _index in range(3):
        activate(approved_agreement(), officer, decision_maker)
    approved = activate(approved_agreement(), officer, decision_maker)
    approve_installment(installment=approved.installments.get(number=1), actor=second_finance)
    panel, queries = panel_queries(dashboards.finance_panel, finance)
    assert queries == 1
    totals = {row["label"]: (row["total"], row["amount"]) for row in panel.context["rows"]}
    assert totals == {
        "Due, to approve": (3, Decimal("108000.00")),
        "Approved, waiting for payment": (1, Decimal("36000.00")),
    }
    assert panel.context["payable_by_me"] == 1
    assert [row["url"] for row in panel.context["rows"]] == [f"{QUEUE_URL}?state=due", f"{QUEUE_URL}?state=approved"]


def test_finance_panel_only_for_finance(officer, manager):
    assert dashboards.finance_panel(officer) is None
    assert dashboards.finance_panel(manager) is None


def test_reports_panel_counts(officer, active_agreement):
    fill_and_submit(active_agreement.reports.get(kind=ReportKind.PROGRESS, number=1))
    late = active_agreement.reports.get(kind=ReportKind.PROGRESS, number=2)
    Report.objects.filter(pk=late.pk).update(due_on=date(2020, 1, 15))
    panel, queries = panel_queries(dashboards.reports_to_review_panel, officer)
    assert queries == 1
    assert [row["total"] for row in panel.context["rows"]] == [1, 1]


def test_reports_panel_links_match_counts(client, officer, active_agreement):
    fill_and_submit(active_agreement.reports.get(kind=ReportKind.PROGRESS, number=1))
    Report.objects.filter(pk=active_agreement.reports.get(kind="final").pk).update(due_on=date(2020, 1, 15))
    client.force_login(officer)
    for row in dashboards.reports_to_review_panel(officer).context["rows"]:
        response = client.get(row["url"])
        assert response.context["paginator"].count == row["total"], row["label"]


def test_reports_panel_not_for_finance(finance):
    assert dashboards.reports_to_review_panel(finance) is None


def test_member_panel_next_report_and_installments(active_agreement):
    member = MembershipFactory(organization=active_agreement.application.organization).user
    panel, queries = panel_queries(dashboards.my_agreements_panel, member)
    assert queries == 3  # the member's organizations (shared with the other panels), reports, installments
    first_report = active_agreement.reports.order_by("due_on").first()
    assert panel.context["reports"][0] == first_report
    assert [installment.number for installment in panel.context["installments"]] == [1, 2, 3]


def test_member_panel_queries_constant(officer, decision_maker):
    representative = representative_of(activate(approved_agreement(), officer, decision_maker))
    _panel, one = panel_queries(dashboards.my_agreements_panel, representative)
    organization = representative.memberships.get().organization
    for _index in range(2):
        other = approved_agreement()
        other.application.organization = organization
        other.application.save(update_fields=["organization"])
        activate(other, officer, decision_maker)
    del representative._organizations_of  # read again, as on a new request
    _panel, three = panel_queries(dashboards.my_agreements_panel, representative)
    assert one == three == 3


def test_member_panel_absent_without_active_agreement(agreement, outsider):
    assert dashboards.my_agreements_panel(representative_of(agreement)) is None
    assert dashboards.my_agreements_panel(outsider) is None


def test_dashboard_shows_payment_panels(client, finance, active_agreement):
    client.force_login(finance)
    response = client.get(reverse("accounts:dashboard"))
    templates = [panel.template for panel in response.context["panels"]]
    assert "payments/panels/finance.html" in templates
    client.force_login(representative_of(active_agreement))
    response = client.get(reverse("accounts:dashboard"))
    templates = [panel.template for panel in response.context["panels"]]
    assert "payments/panels/my_agreements.html" in templates
    assert "payments/panels/finance.html" not in templates
