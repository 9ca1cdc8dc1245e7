"""`manage.py seed_scale`: counts in proportion, the invariants the services keep, no double load, pages that render.

Each `*_offenders` function returns the rows that break one rule of the program, so that a failing test names
them. They read the whole database, so they also serve to check a large data set by hand.
"""

import re
from collections import Counter, defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q, Sum
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from applications.checks import application_problems
from applications.models import Application, ApplicationState, CallSequence, RequestedAmount
from awards.models import Nomination, NominationState
from common.models import TransitionLog
from common.regions import AdministrativeRegion
from common.text import search_key
from grants.models import Call, Envelope, Reach
from oversight.scale.base import CALL_CODE_PREFIX, EMAIL_DOMAIN
from payments.models import Agreement, AgreementState, Installment, InstallmentState, Report, ReportKind, ReportState
from reviews.aggregation import CriterionScore, reviewer_total
from reviews.models import (
    Affiliation,
    ApprovedAmount,
    AssignmentState,
    CommitteeDecision,
    CommitteeRecommendation,
    ConflictDeclaration,
    Decision,
    DecisionOutcome,
    RecommendedAmount,
    Review,
    ReviewAssignment,
    Score,
)
from reviews.ranking import RANKED_STATES, rank_call

pytestmark = pytest.mark.django_db

SIZE = 40
MANAGER_EMAIL = f"gestionnaire01@{EMAIL_DOMAIN}"
# States whose review was closed: the file went through close_review.
REVIEWED_STATES = (*RANKED_STATES, ApplicationState.APPROVED, ApplicationState.DECLINED)
# Installment states reached only once the installment became due.
RELEASED_STATES = (InstallmentState.DUE, InstallmentState.APPROVED, InstallmentState.PAID)


@pytest.fixture
def seeded():
    call_command("seed_scale", applications=SIZE, stdout=StringIO())


def scale_calls():
    return Call.objects.filter(code__startswith=f"{CALL_CODE_PREFIX}-").order_by("opens_at")


def ranking_call() -> Call:
    # The fourth of the five calls, closed nine months ago, waits for its committee.
    return scale_calls()[3]


# --- Invariants, as functions that return the offending rows ---------------------------------------


def installment_sum_offenders() -> list[int]:
    sums = Agreement.objects.annotate(scheduled=Sum("installments__amount"))
    return [agreement.pk for agreement in sums if agreement.scheduled != agreement.total]


def reference_offenders() -> list[str]:
    offenders = []
    for call in scale_calls():
        references = list(call.applications.exclude(reference="").values_list("reference", "sequence"))
        pattern = re.compile(rf"{re.escape(call.code)}-\d{{4,}}")
        offenders += [reference for reference, _ in references if not pattern.fullmatch(reference)]
        offenders += [reference for reference, count in Counter(r for r, _ in references).items() if count > 1]
        last = CallSequence.objects.filter(call=call).values_list("last_number", flat=True).first()
        if sorted(sequence for _, sequence in references) != list(range(1, len(references) + 1)) or last != len(
            references
        ):
            offenders.append(f"{call.code}: numbers not 1 to {last}")
    return offenders


def search_text_offenders() -> list[int]:
    rows = Application.objects.values_list("pk", "title", "organization__name", "search_text")
    return [pk for pk, title, name, text in rows if text != search_key(f"{title} {name}")]


def payment_offenders() -> list[int]:
    paid = Installment.objects.filter(state=InstallmentState.PAID)
    wrong = paid.filter(
        Q(approved_by__isnull=True)
        | Q(paid_by__isnull=True)
        | Q(approved_by=F("paid_by"))
        | Q(paid_on__isnull=True)
        | Q(paid_on__gt=timezone.localdate())
        | Q(payment_reference="")
    )
    approved = Installment.objects.filter(state=InstallmentState.APPROVED, approved_by__isnull=True)
    return sorted({*wrong.values_list("pk", flat=True), *approved.values_list("pk", flat=True)})


def review_offenders() -> list[int]:
    """Reviews submitted on an assignment not submitted, and submitted assignments without a submitted review."""
    early = Review.objects.filter(submitted_at__isnull=False).exclude(assignment__state=AssignmentState.SUBMITTED)
    missing = ReviewAssignment.objects.filter(state=AssignmentState.SUBMITTED).exclude(
        review__submitted_at__isnull=False
    )
    pending = Review.objects.exclude(assignment__state__in=[AssignmentState.SUBMITTED, AssignmentState.ACCEPTED])
    return sorted(
        {
            *early.values_list("assignment_id", flat=True),
            *missing.values_list("pk", flat=True),
            *pending.values_list("assignment_id", flat=True),
        }
    )


def score_offenders() -> list[int]:
    """Reviews with a score out of bounds, a « not applicable » not allowed, a missing criterion or a wrong total."""
    offenders = set()
    scores = defaultdict(list)
    for score in Score.objects.select_related("criterion"):
        criterion = score.criterion
        if score.not_applicable and (score.value is not None or not criterion.allows_not_applicable):
            offenders.add(score.review_id)
        if score.value is not None and not Decimal(0) <= score.value <= criterion.maximum:
            offenders.add(score.review_id)
        scores[score.review_id].append(
            CriterionScore(weight=criterion.weight, maximum=criterion.maximum, score=score.value)
        )
    criteria = dict(Call.objects.annotate(count=Count("criteria")).values_list("pk", "count"))
    reviews = Review.objects.values_list("pk", "total", "submitted_at", "assignment__application__call_id")
    for pk, total, submitted_at, call_id in reviews:
        if submitted_at and len(scores[pk]) != criteria[call_id]:
            offenders.add(pk)
        if total != reviewer_total(scores[pk]):
            offenders.add(pk)
    return sorted(offenders)


def closed_review_offenders() -> list[int]:
    """Files past review with an active assignment not submitted, or fewer submitted reviews than the quorum."""
    offenders = []
    files = Application.objects.filter(state__in=REVIEWED_STATES).select_related("call")
    for application in files.annotate(
        pending=Count(
            "review_assignments",
            filter=Q(review_assignments__state__in=[AssignmentState.ASSIGNED, AssignmentState.ACCEPTED]),
        ),
        submitted=Count("review_assignments", filter=Q(review_assignments__state=AssignmentState.SUBMITTED)),
    ):
        if application.pending or application.submitted < application.call.review_quorum:
            offenders.append(application.pk)
    return offenders


def declaration_offenders() -> list[int]:
    """Accepted assignments without a « no conflict » declaration, and reviewers assigned despite a conflict."""
    accepted = ReviewAssignment.objects.filter(state__in=[AssignmentState.ACCEPTED, AssignmentState.SUBMITTED])
    undeclared = accepted.exclude(declaration__has_conflict=False)
    blocked = set(Affiliation.objects.values_list("reviewer_id", "organization_id"))
    blocked |= set(
        ConflictDeclaration.objects.filter(has_conflict=True).values_list(
            "assignment__reviewer_id", "assignment__application__organization_id"
        )
    )
    conflicted = [
        pk
        for pk, reviewer, organization in accepted.values_list("pk", "reviewer_id", "application__organization_id")
        if (reviewer, organization) in blocked
    ]
    return sorted({*undeclared.values_list("pk", flat=True), *conflicted})


def decision_offenders() -> list[int]:
    """Files whose recommendation, decision and agreement do not match their state."""
    recommendations = dict(CommitteeRecommendation.objects.values_list("application_id", "decision"))
    decisions = dict(Decision.objects.values_list("application_id", "outcome"))
    agreements = set(Agreement.objects.values_list("application_id", flat=True))
    expected = {
        ApplicationState.RECOMMENDED: (CommitteeDecision.RECOMMEND, None, False),
        ApplicationState.NOT_RECOMMENDED: (CommitteeDecision.NOT_RECOMMEND, None, False),
        ApplicationState.APPROVED: (CommitteeDecision.RECOMMEND, DecisionOutcome.APPROVED, True),
    }
    offenders = []
    for pk, state in Application.objects.values_list("pk", "state"):
        found = (recommendations.get(pk), decisions.get(pk), pk in agreements)
        if state == ApplicationState.DECLINED:
            # Declined after a recommendation to fund or not: both happen.
            wrong = pk not in recommendations or found[1:] != (DecisionOutcome.DECLINED, False)
        else:
            wrong = found != expected.get(state, (None, None, False))
        if wrong:
            offenders.append(pk)
    return offenders


def amount_offenders() -> list[str]:
    """Amounts granted above the recommendation, recommended above the request, or above a call's envelope."""
    offenders = []
    requested = {(row.application_id, row.project_year): row.amount for row in RequestedAmount.objects.all()}
    for row in RecommendedAmount.objects.select_related("recommendation"):
        if row.amount > requested[(row.recommendation.application_id, row.project_year)]:
            offenders.append(f"recommended {row.pk}")
    recommended = {
        (row.recommendation.application_id, row.project_year): row.amount
        for row in RecommendedAmount.objects.select_related("recommendation")
    }
    granted = defaultdict(Decimal)
    for row in ApprovedAmount.objects.select_related("decision__application"):
        application = row.decision.application
        if row.amount > recommended.get((application.pk, row.project_year), Decimal(0)):
            offenders.append(f"granted {row.pk}")
        granted[(application.call_id, row.fiscal_year)] += row.amount
    envelopes = {(row.call_id, row.fiscal_year): row.amount for row in Envelope.objects.all()}
    offenders += [f"envelope {key}" for key, total in granted.items() if total > envelopes.get(key, Decimal(0))]
    return offenders


def content_offenders() -> list[int]:
    """Submitted files that would fail the submission checks, and files with an invalid region or reach."""
    offenders = []
    for application in Application.objects.exclude(submitted_at=None).select_related("call__rules"):
        if application_problems(application):
            offenders.append(application.pk)
    for pk, regions, reach in Application.objects.values_list("pk", "regions", "reach"):
        if not set(regions) <= set(AdministrativeRegion.values) or reach not in ["", *Reach.values]:
            offenders.append(pk)
    return offenders


def gate_offenders() -> list[int]:
    """Installments released although their gate does not hold, and completed agreements not settled."""
    offenders = []
    released = Installment.objects.filter(state__in=RELEASED_STATES).select_related("agreement", "gate_report")
    for installment in released:
        if installment.gate_report is None:
            if installment.agreement.countersigned_at is None:
                offenders.append(installment.pk)
        elif installment.gate_report.state != ReportState.ACCEPTED:
            offenders.append(installment.pk)
    for agreement in Agreement.objects.filter(state=AgreementState.COMPLETED):
        final = agreement.reports.get(kind=ReportKind.FINAL)
        if final.state != ReportState.ACCEPTED or agreement.installments.filter(state__in=InstallmentState.pending()):
            offenders.append(agreement.pk)
    unsigned = Installment.objects.exclude(state=InstallmentState.SCHEDULED).filter(
        agreement__state__in=[AgreementState.DRAFT, AgreementState.SENT_FOR_SIGNATURE]
    )
    return offenders + list(unsigned.values_list("pk", flat=True))


def report_offenders() -> list[int]:
    """Reports received without what submit_report requires: the people reached and the expenses."""
    received = Report.objects.exclude(state=ReportState.EXPECTED)
    return list(received.filter(Q(reach=None) | Q(expenses=None)).values_list("pk", flat=True).distinct())


def history_offenders() -> list[int]:
    """Files whose last history entry does not end in their current state."""
    last_target = {}
    entries = TransitionLog.objects.filter(content_type__model="application").order_by("created_at", "pk")
    for object_id, target in entries.values_list("object_id", "target"):
        last_target[int(object_id)] = target
    return [pk for pk, state in Application.objects.values_list("pk", "state") if last_target.get(pk) != state]


def consent_offenders() -> list[int]:
    eligible = Nomination.objects.filter(
        state=NominationState.ELIGIBLE, category__requires_nominee_consent=True, consent_given_at=None
    )
    return list(eligible.values_list("pk", flat=True))


# --- Tests ----------------------------------------------------------------------------------------


def test_seed_counts_in_proportion(seeded):
    assert Application.objects.count() == pytest.approx(SIZE, abs=2)
    assert Review.objects.filter(submitted_at__isnull=False).count() == pytest.approx(3 * SIZE, rel=0.1)
    assert Agreement.objects.count() == round(0.3 * SIZE)
    assert Installment.objects.count() == pytest.approx(1.2 * SIZE, rel=0.25)
    assert Nomination.objects.count() >= SIZE // 20
    assert User.objects.filter(email__endswith=EMAIL_DOMAIN, groups__name="reviewer").count() >= 8


def test_seed_covers_every_state(seeded):
    assert set(Application.objects.values_list("state", flat=True)) == set(ApplicationState.values)
    assert set(Agreement.objects.values_list("state", flat=True)) >= {
        AgreementState.DRAFT,
        AgreementState.ACTIVE,
    }
    assert set(Installment.objects.values_list("state", flat=True)) >= {
        InstallmentState.SCHEDULED,
        InstallmentState.PAID,
    }
    assert {
        NominationState.DRAFT,
        NominationState.SUBMITTED,
        NominationState.INCOMPLETE,
        NominationState.ELIGIBLE,
        NominationState.INELIGIBLE,
        NominationState.WITHDRAWN,
    } <= set(Nomination.objects.values_list("state", flat=True))


def test_seed_installments_add_up(seeded):
    assert installment_sum_offenders() == []


def test_seed_references_unique_and_sequenced(seeded):
    assert reference_offenders() == []


def test_seed_search_text_matches_service(seeded):
    assert search_text_offenders() == []


def test_seed_paid_by_two_finance_users(seeded):
    assert Installment.objects.filter(state=InstallmentState.PAID).exists()
    assert payment_offenders() == []


def test_seed_reviews_follow_assignments(seeded):
    assert review_offenders() == []
    assert score_offenders() == []
    assert closed_review_offenders() == []
    assert declaration_offenders() == []


def test_seed_decisions_match_states(seeded):
    assert decision_offenders() == []
    assert amount_offenders() == []


def test_seed_files_pass_submission_checks(seeded):
    assert content_offenders() == []


def test_seed_payments_follow_reports(seeded):
    assert gate_offenders() == []
    assert report_offenders() == []


def test_seed_history_ends_in_state(seeded):
    assert history_offenders() == []


def test_seed_consent_before_eligibility(seeded):
    assert consent_offenders() == []


def test_seed_ranking_call_ranks(seeded):
    call = ranking_call()
    ranked = Application.objects.filter(call=call, state__in=RANKED_STATES).count()
    ranking = rank_call(call)
    assert ranked >= 6
    assert len(ranking.files) == ranked
    assert all(item.statistics.count == 3 for item in ranking.files)
    assert any(item.within_envelope for item in ranking.files)


def test_seed_second_run_changes_nothing(seeded):
    before = (Application.objects.count(), Review.objects.count(), Agreement.objects.count(), User.objects.count())
    with pytest.raises(CommandError, match="already loaded"):
        call_command("seed_scale", applications=SIZE, stdout=StringIO())
    after = (Application.objects.count(), Review.objects.count(), Agreement.objects.count(), User.objects.count())
    assert after == before


def test_seed_rejects_tiny_size():
    with pytest.raises(CommandError, match="at least"):
        call_command("seed_scale", applications=5, stdout=StringIO())


@pytest.mark.parametrize(
    "url_name",
    ["applications:list", "payments:agreements", "payments:finance_queue", "payments:reports", "awards:screening_list"],
)
def test_seed_staff_lists_render(seeded, client, url_name):
    client.force_login(User.objects.get(email=MANAGER_EMAIL))
    response = client.get(reverse(url_name))
    assert response.status_code == 200


def test_seed_file_and_agreement_pages_render(seeded, client):
    client.force_login(User.objects.get(email=MANAGER_EMAIL))
    for state in ApplicationState.values:
        application = Application.objects.filter(state=state).first()
        response = client.get(reverse("applications:detail", kwargs={"pk": application.pk}))
        assert response.status_code == 200, state
    for state in set(Agreement.objects.values_list("state", flat=True)):
        agreement = Agreement.objects.filter(state=state).first()
        response = client.get(reverse("payments:agreement", kwargs={"pk": agreement.pk}))
        assert response.status_code == 200, state
