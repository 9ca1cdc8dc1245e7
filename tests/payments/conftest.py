"""Approved files with their agreement, and the people who act on it.

`approved_agreement` goes through the real decision service, so the agreement is the one the approval
creates. Helpers take an agreement through signature and activation with the real services.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from applications.models import Application, ApplicationState
from grants.models import Envelope
from payments import installments, reports, services
from payments.models import Agreement, ReportKind
from payments.reports import ReportContent
from reviews import decisions
from reviews.models import CommitteeDecision, CommitteeRecommendation, RecommendedAmount
from tests.applications.factories import ensure_call_setup
from tests.factories import CallFactory, UserFactory
from tests.reviews.test_ranking import evaluated_file


@pytest.fixture(autouse=True)
def english(client, settings):
    """Serve pages and messages in English, so that tests compare messages with their msgids."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def funded_call(**rules):
    """A published call with an ample envelope for each fiscal year from 2026-2027 to 2031-2032.

    `rules` overrides fields of the call's program rules, for example `holdback_percent=Decimal("15")`.
    """
    call = CallFactory(passing_score=Decimal("60"), **{f"rules__{name}": value for name, value in rules.items()})
    Envelope.objects.filter(call=call).delete()
    for start_year in range(2026, 2032):
        Envelope.objects.create(call=call, fiscal_year=f"{start_year}-{start_year + 1}", amount=Decimal("10000000"))
    ensure_call_setup(call)
    return call


def approved_agreement(
    amounts=("40000", "30000"), *, starts_on=date(2027, 7, 1), ends_on=None, call=None, decision_maker=None
) -> Agreement:
    """Approve a recommended file for `amounts` (one per project year) and return the agreement created.

    The project lasts one year per amount from `starts_on`, unless `ends_on` sets its last day.
    """
    if call is None:
        call = funded_call()
    application = evaluated_file(call, ["80", "70"], requested=amounts, starts_on=starts_on)
    if ends_on is not None:
        Application.objects.filter(pk=application.pk).update(ends_on=ends_on)
        application.refresh_from_db()
    recommendation = CommitteeRecommendation.objects.create(
        application=application,
        decision=CommitteeDecision.RECOMMEND,
        recorded_by=UserFactory(roles=["committee_member"]),
    )
    for number, amount in enumerate(amounts, start=1):
        RecommendedAmount.objects.create(recommendation=recommendation, project_year=number, amount=Decimal(amount))
    Application.objects.filter(pk=application.pk).update(state=ApplicationState.RECOMMENDED)
    decisions.approve_application(
        application=application,
        actor=decision_maker or UserFactory(roles=["decision_maker"]),
        amounts={number: Decimal(amount) for number, amount in enumerate(amounts, start=1)},
    )
    return Agreement.objects.get(application=application)


def representative_of(agreement: Agreement):
    return agreement.application.organization.memberships.get(is_representative=True).user


def sign(agreement: Agreement, officer) -> Agreement:
    agreement = services.send_for_signature(agreement=agreement, actor=officer)
    return services.sign_agreement(
        agreement=agreement,
        actor=representative_of(agreement),
        signer_name="Camille Lavoie",
        signer_title="Directrice générale",
        document_sha256=agreement.sent_document_sha256,
    )


def activate(agreement: Agreement, officer, decision_maker) -> Agreement:
    sign(agreement, officer)
    return services.countersign_agreement(agreement=agreement, actor=decision_maker)


def pay(installment, first_finance, second_finance, *, paid_on=None):
    installments.approve_installment(installment=installment, actor=first_finance)
    return installments.record_payment(
        installment=installment, actor=second_finance, paid_on=paid_on or date(2026, 12, 1), reference="VIR-0001"
    )


def fill_and_submit(report, *, expenses=Decimal("1000"), clientele=None, category=None):
    """Fill the report with the smallest complete content and submit it as the representative."""
    agreement = report.agreement
    call = agreement.application.call
    clientele = clientele or call.clienteles.first()
    category = category or call.expense_categories.first()
    content = ReportContent(
        activities="Ateliers dans trois écoles.",
        results="Objectifs atteints." if report.kind == ReportKind.FINAL else "",
        reach={clientele.pk: 120},
        expenses={(category.pk, 1 if report.kind == ReportKind.FINAL else 0): expenses},
    )
    actor = representative_of(agreement)
    reports.save_report(report=report, actor=actor, content=content)
    return reports.submit_report(report=report, actor=actor)


@pytest.fixture
def decision_maker(db):
    return UserFactory(roles=["decision_maker"])


@pytest.fixture
def finance(db):
    return UserFactory(roles=["finance_officer"])


@pytest.fixture
def second_finance(db):
    return UserFactory(roles=["finance_officer"])


@pytest.fixture
def agreement(db, decision_maker):
    return approved_agreement(decision_maker=decision_maker)


@pytest.fixture
def active_agreement(agreement, officer, decision_maker):
    return activate(agreement, officer, decision_maker)
