"""The decision maker's approval and refusal: guards, envelope check, history, e-mails, letters and pages."""

import threading
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.urls import reverse
from django.utils import translation

from accounts.models import Role
from applications.models import Application, ApplicationState
from common.models import Document, TransitionLog
from grants.models import Envelope
from reviews import decisions
from reviews.models import (
    ApprovedAmount,
    CommitteeDecision,
    CommitteeRecommendation,
    Decision,
    DecisionOutcome,
    RecommendedAmount,
)
from reviews.services import AlreadyDone, ReviewError
from tests.conftest import requires_postgresql
from tests.factories import CallFactory, MembershipFactory, UserFactory
from tests.reviews.test_ranking import evaluated_file

APPROVED_CODE = "applications.application.approved"
DECLINED_CODE = "applications.application.declined"


def make_call(code="ECI-2027", envelopes=(("2027-2028", "100000"), ("2028-2029", "100000"))):
    call = CallFactory(code=code, passing_score=Decimal("60"))
    Envelope.objects.filter(call=call).delete()
    for label, amount in envelopes:
        Envelope.objects.create(call=call, fiscal_year=label, amount=Decimal(amount))
    return call


def recommended_file(call, requested=("40000", "30000"), recommended=("40000", "30000"), state=None):
    """A file the committee recommended (by default) with `recommended` amounts; year 1 starts on 2027-07-01."""
    application = evaluated_file(call, ["80", "70"], requested=requested)
    decision = CommitteeDecision.RECOMMEND if recommended else CommitteeDecision.NOT_RECOMMEND
    recommendation = CommitteeRecommendation.objects.create(
        application=application, decision=decision, recorded_by=UserFactory(roles=["committee_member"])
    )
    for number, amount in enumerate(recommended, start=1):
        RecommendedAmount.objects.create(recommendation=recommendation, project_year=number, amount=Decimal(amount))
    if state is None:
        state = ApplicationState.RECOMMENDED if recommended else ApplicationState.NOT_RECOMMENDED
    Application.objects.filter(pk=application.pk).update(state=state)
    return Application.objects.get(pk=application.pk)


def state_of(application) -> str:
    return Application.objects.values_list("state", flat=True).get(pk=application.pk)


def history(application, code):
    return TransitionLog.objects.filter(object_id=str(application.pk), transition=code)


def approve(application, actor, amounts=None, reason=""):
    if amounts is None:
        amounts = {1: Decimal("40000"), 2: Decimal("30000")}
    return decisions.approve_application(application=application, actor=actor, amounts=amounts, reason=reason)


@pytest.fixture
def call(db):
    return make_call()


@pytest.fixture
def recommended(call):
    return recommended_file(call)


@pytest.fixture
def decision_maker(db):
    return UserFactory(roles=["decision_maker"])


# --- Approval -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_approval_records_amounts_and_history(recommended, decision_maker):
    decision = approve(recommended, decision_maker, amounts={1: Decimal("35000"), 2: Decimal("30000")})

    assert state_of(recommended) == ApplicationState.APPROVED
    assert decision.outcome == DecisionOutcome.APPROVED
    assert list(decision.approved_amounts.values_list("project_year", "fiscal_year", "amount")) == [
        (1, "2027-2028", Decimal("35000")),
        (2, "2028-2029", Decimal("30000")),
    ]
    log = history(recommended, APPROVED_CODE).get()
    assert (log.source, log.target, log.actor) == ("recommended", "approved", decision_maker)


@pytest.mark.django_db
def test_not_recommended_file_has_zero_limit(call, decision_maker):
    application = recommended_file(call, recommended=(), state=ApplicationState.NOT_RECOMMENDED)

    # The committee recommended no amount, so every amount is above the recommended one (0).
    with pytest.raises(ReviewError, match="Year 1: the amount granted cannot exceed the amount recommended"):
        approve(application, decision_maker, amounts={1: Decimal("1")})


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["program_officer", "program_manager", "committee_member", "reviewer"])
def test_only_decision_maker_may_decide(recommended, role):
    actor = UserFactory(roles=[role])

    with pytest.raises(ReviewError, match="Only the decision-making authority"):
        approve(recommended, actor)
    with pytest.raises(ReviewError, match="Only the decision-making authority"):
        decisions.decline_application(application=recommended, actor=actor, reason="Non.")

    assert state_of(recommended) == ApplicationState.RECOMMENDED
    assert not Decision.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "state", [ApplicationState.EVALUATED, ApplicationState.UNDER_REVIEW, ApplicationState.WITHDRAWN]
)
def test_file_without_recommendation_rejected(call, decision_maker, state):
    application = recommended_file(call, state=state)

    with pytest.raises(ReviewError, match="Only a file with the committee's recommendation"):
        approve(application, decision_maker)
    with pytest.raises(ReviewError, match="Only a file with the committee's recommendation"):
        decisions.decline_application(application=application, actor=decision_maker, reason="Non.")


@pytest.mark.django_db
def test_amount_above_recommended_rejected(call, decision_maker):
    application = recommended_file(call, requested=("40000", "30000"), recommended=("35000", "30000"))

    with pytest.raises(ReviewError, match=r"Year 1: the amount granted cannot exceed the amount recommended"):
        approve(application, decision_maker, amounts={1: Decimal("35000.01"), 2: Decimal("30000")})

    assert state_of(application) == ApplicationState.RECOMMENDED
    assert not ApprovedAmount.objects.exists()


@pytest.mark.django_db
def test_amount_above_requested_rejected(call, decision_maker):
    # Recommended amounts are checked against the request when recorded; data changed since must still be caught.
    application = recommended_file(call, requested=("40000", "30000"), recommended=("40000", "50000"))

    with pytest.raises(ReviewError, match=r"Year 2: the amount granted cannot exceed the amount requested"):
        approve(application, decision_maker, amounts={1: Decimal("40000"), 2: Decimal("30000.01")})


@pytest.mark.django_db
def test_zero_total_rejected(recommended, decision_maker):
    with pytest.raises(ReviewError, match="at least one project year"):
        approve(recommended, decision_maker, amounts={1: Decimal("0"), 2: Decimal("0")})
    with pytest.raises(ReviewError, match="cannot be negative"):
        approve(recommended, decision_maker, amounts={1: Decimal("-1")})

    assert state_of(recommended) == ApplicationState.RECOMMENDED


@pytest.mark.django_db
def test_envelope_overrun_names_fiscal_year(decision_maker):
    call = make_call(envelopes=(("2027-2028", "100000"),))
    first = recommended_file(call, requested=("60000",), recommended=("60000",))
    second = recommended_file(call, requested=("50000",), recommended=("50000",))
    approve(first, decision_maker, amounts={1: Decimal("60000")})

    with pytest.raises(ReviewError) as error:
        approve(second, decision_maker, amounts={1: Decimal("50000")})

    message = str(error.value)
    assert "Fiscal year 2027-2028" in message
    assert "$100,000.00" in message  # the envelope
    assert "$40,000.00 remaining" in message
    assert state_of(second) == ApplicationState.RECOMMENDED
    # What remains can still be granted.
    approve(second, decision_maker, amounts={1: Decimal("40000")})
    assert decisions.approved_by_fiscal_year(call) == {"2027-2028": Decimal("100000")}


@pytest.mark.django_db
def test_missing_envelope_counts_as_zero(decision_maker):
    call = make_call(envelopes=(("2027-2028", "100000"),))
    application = recommended_file(call)

    with pytest.raises(ReviewError, match="Fiscal year 2028-2029"):
        approve(application, decision_maker)


@pytest.mark.django_db
def test_declined_files_use_no_envelope(decision_maker):
    call = make_call(envelopes=(("2027-2028", "50000"),))
    first = recommended_file(call, requested=("50000",), recommended=("50000",))
    second = recommended_file(call, requested=("50000",), recommended=("50000",))
    decisions.decline_application(application=first, actor=decision_maker, reason="Priorités régionales.")

    approve(second, decision_maker, amounts={1: Decimal("50000")})

    assert state_of(second) == ApplicationState.APPROVED


@pytest.mark.django_db
def test_second_approval_already_done(recommended, decision_maker):
    approve(recommended, decision_maker)

    with pytest.raises(AlreadyDone):
        approve(recommended, decision_maker)
    with pytest.raises(ReviewError, match="already approved; it cannot be declined"):
        decisions.decline_application(application=recommended, actor=decision_maker, reason="Non.")

    assert Decision.objects.count() == 1
    assert ApprovedAmount.objects.count() == 2
    assert history(recommended, APPROVED_CODE).count() == 1


@pytest.mark.django_db
def test_approval_sends_letter_and_emails(recommended, decision_maker, django_capture_on_commit_callbacks, mailoutbox):
    other_member = MembershipFactory(organization=recommended.organization).user
    members = [membership.user for membership in recommended.organization.memberships.all()]
    assert other_member in members

    with django_capture_on_commit_callbacks(execute=True):
        approve(recommended, decision_maker)

    assert Document.objects.filter(object_id=str(recommended.pk), kind="reviews.approval_letter").count() == 1
    assert sorted(message.to[0] for message in mailoutbox) == sorted(member.email for member in members)
    assert all(recommended.reference in message.subject for message in mailoutbox)


# --- Refusal ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_refusal_needs_reason(recommended, decision_maker):
    with pytest.raises(ReviewError, match="Give the reason for the refusal"):
        decisions.decline_application(application=recommended, actor=decision_maker, reason="   ")

    assert state_of(recommended) == ApplicationState.RECOMMENDED


@pytest.mark.django_db
def test_refusal_records_history_letter_emails(
    recommended, decision_maker, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        decision = decisions.decline_application(
            application=recommended, actor=decision_maker, reason="Enveloppe épuisée."
        )

    assert state_of(recommended) == ApplicationState.DECLINED
    assert decision.outcome == DecisionOutcome.DECLINED
    assert history(recommended, DECLINED_CODE).get().reason == "Enveloppe épuisée."
    assert Document.objects.filter(object_id=str(recommended.pk), kind="reviews.refusal_letter").count() == 1
    assert [message.to[0] for message in mailoutbox] == [
        membership.user.email for membership in recommended.organization.memberships.all()
    ]

    with pytest.raises(AlreadyDone):
        decisions.decline_application(application=recommended, actor=decision_maker, reason="Enveloppe épuisée.")
    assert history(recommended, DECLINED_CODE).count() == 1


def test_history_labels_registered():
    from common.models.audit import TRANSITION_LABELS

    assert str(TRANSITION_LABELS[APPROVED_CODE]) == "Approved by the decision-making authority"
    assert str(TRANSITION_LABELS[DECLINED_CODE]) == "Declined by the decision-making authority"


def test_decided_files_not_withdrawable():
    assert ApplicationState.APPROVED not in ApplicationState.withdrawable()
    assert ApplicationState.DECLINED not in ApplicationState.withdrawable()


# --- Bulk ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_bulk_approval_continues_after_error(decision_maker):
    call = make_call(envelopes=(("2027-2028", "100000"),))
    first = recommended_file(call, requested=("60000",), recommended=("60000",))
    too_big = recommended_file(call, requested=("50000",), recommended=("50000",))
    third = recommended_file(call, requested=("40000",), recommended=("40000",))
    not_recommended = recommended_file(call, recommended=(), state=ApplicationState.NOT_RECOMMENDED)

    results = decisions.decide_in_bulk(
        applications=[first, too_big, third, not_recommended], actor=decision_maker, outcome=DecisionOutcome.APPROVED
    )

    assert [result.succeeded for result in results] == [True, False, True, False]
    assert "Fiscal year 2027-2028" in results[1].error
    assert "Only a file the committee recommended" in results[3].error
    assert state_of(first) == ApplicationState.APPROVED
    assert state_of(third) == ApplicationState.APPROVED
    assert state_of(too_big) == ApplicationState.RECOMMENDED
    assert ApprovedAmount.objects.get(decision__application=third).amount == Decimal("40000")


@pytest.mark.django_db
def test_bulk_refusal_needs_reason(call, decision_maker):
    files = [recommended_file(call), recommended_file(call)]

    results = decisions.decide_in_bulk(applications=files, actor=decision_maker, outcome=DecisionOutcome.DECLINED)
    assert not any(result.succeeded for result in results)

    results = decisions.decide_in_bulk(
        applications=files, actor=decision_maker, outcome=DecisionOutcome.DECLINED, reason="Appel annulé."
    )
    assert all(result.succeeded for result in results)
    assert {state_of(application) for application in files} == {ApplicationState.DECLINED}


# --- Concurrency (PostgreSQL) -------------------------------------------------------------------------


def restore_role_groups():
    """Create the role groups again, because a transactional test starts from an emptied database."""
    for role in Role.values:
        Group.objects.get_or_create(name=role)


def run_at_once(*jobs):
    """Run each job in its own thread and connection, released together; return what each returned or raised."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def worker(index, job):
        try:
            barrier.wait(timeout=10)
            # The language is active per thread, and the messages are compared with their msgids.
            with translation.override("en"):
                outcomes[index] = job()
        except Exception as error:  # The test inspects whatever each job raised.
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index, job)) for index, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_respect_envelope():
    restore_role_groups()
    decision_maker = UserFactory(roles=["decision_maker"])
    call = make_call(envelopes=(("2027-2028", "100000"),))
    first = recommended_file(call, requested=("60000",), recommended=("60000",))
    second = recommended_file(call, requested=("50000",), recommended=("50000",))

    outcomes = run_at_once(
        lambda: approve(first, decision_maker, amounts={1: Decimal("60000")}),
        lambda: approve(second, decision_maker, amounts={1: Decimal("50000")}),
    )

    successes = [outcome for outcome in outcomes if isinstance(outcome, Decision)]
    refusals = [outcome for outcome in outcomes if isinstance(outcome, ReviewError)]
    assert len(successes) == 1, outcomes
    assert len(refusals) == 1, outcomes
    assert "Fiscal year 2027-2028" in str(refusals[0])
    assert decisions.approved_by_fiscal_year(call)["2027-2028"] <= Decimal("100000")
    assert Decision.objects.count() == 1


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_identical_approvals_decide_once():
    restore_role_groups()
    decision_maker = UserFactory(roles=["decision_maker"])
    application = recommended_file(make_call())

    outcomes = run_at_once(lambda: approve(application, decision_maker), lambda: approve(application, decision_maker))

    assert sum(isinstance(outcome, Decision) for outcome in outcomes) == 1, outcomes
    assert sum(isinstance(outcome, AlreadyDone) for outcome in outcomes) == 1, outcomes
    assert Decision.objects.count() == 1
    assert history(application, APPROVED_CODE).count() == 1


# --- Pages --------------------------------------------------------------------------------------------


def decide_url(application):
    return reverse("reviews:decide", kwargs={"pk": application.pk})


def bulk_url(call):
    return reverse("reviews:decide_bulk", kwargs={"code": call.code})


@pytest.mark.django_db
def test_decision_page_prefills_recommended_amounts(client, call, decision_maker):
    application = recommended_file(call, recommended=("35000", "30000"))
    client.force_login(decision_maker)

    response = client.get(decide_url(application))

    assert response.status_code == 200
    assert response.context["approval_form"]["amount_1"].value() == "35000.00"
    assert response.context["ranked"].rank == 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["program_officer", "program_manager", "committee_member", "reviewer"])
def test_decision_pages_404_for_others(client, recommended, call, role):
    client.force_login(UserFactory(roles=[role]))

    assert client.get(decide_url(recommended)).status_code == 404
    assert client.post(decide_url(recommended), {"action": "decline", "decline-reason": "Non."}).status_code == 404
    assert client.get(bulk_url(call)).status_code == 404
    assert state_of(recommended) == ApplicationState.RECOMMENDED


@pytest.mark.django_db
def test_decision_pages_redirect_anonymous(client, recommended, call):
    for url in (decide_url(recommended), bulk_url(call)):
        response = client.get(url)
        assert response.status_code == 302
        assert "?next=" in response.url


@pytest.mark.django_db
def test_posting_approval(client, recommended, decision_maker):
    client.force_login(decision_maker)

    response = client.post(
        decide_url(recommended), {"action": "approve", "approve-amount_1": "40 000,00", "approve-amount_2": "30000"}
    )

    assert response.status_code == 302
    assert state_of(recommended) == ApplicationState.APPROVED
    page = client.get(response.url).content.decode()
    assert "Decision recorded" in page


@pytest.mark.django_db
def test_posting_envelope_overrun_shows_error(client, decision_maker):
    call = make_call(envelopes=(("2027-2028", "10000"), ("2028-2029", "100000")))
    application = recommended_file(call)
    client.force_login(decision_maker)

    response = client.post(
        decide_url(application), {"action": "approve", "approve-amount_1": "40000", "approve-amount_2": "30000"}
    )

    assert response.status_code == 200
    assert "Fiscal year 2027-2028" in response.content.decode()
    assert state_of(application) == ApplicationState.RECOMMENDED


@pytest.mark.django_db
def test_posting_refusal_without_reason(client, recommended, decision_maker):
    client.force_login(decision_maker)

    response = client.post(decide_url(recommended), {"action": "decline", "decline-reason": ""})

    assert response.status_code == 200
    assert response.context["refusal_form"].errors
    assert state_of(recommended) == ApplicationState.RECOMMENDED

    response = client.post(decide_url(recommended), {"action": "decline", "decline-reason": "Hors priorités."})
    assert response.status_code == 302
    assert state_of(recommended) == ApplicationState.DECLINED


@pytest.mark.django_db
def test_posting_twice_already_done(client, recommended, decision_maker):
    client.force_login(decision_maker)
    data = {"action": "decline", "decline-reason": "Hors priorités."}
    client.post(decide_url(recommended), data)

    response = client.post(decide_url(recommended), data, follow=True)

    assert response.status_code == 200
    assert "already declined" in response.content.decode()
    assert history(recommended, DECLINED_CODE).count() == 1


@pytest.mark.django_db
def test_bulk_page_approves_selected_files(client, call, decision_maker):
    chosen = recommended_file(call, requested=("10000",), recommended=("10000",))
    left = recommended_file(call, requested=("10000",), recommended=("10000",))
    client.force_login(decision_maker)

    page = client.get(bulk_url(call))
    assert page.status_code == 200
    assert [application.pk for application in page.context["files"]] == [chosen.pk, left.pk]

    response = client.post(bulk_url(call), {"applications": [str(chosen.pk)]})

    assert response.status_code == 200
    assert [result.succeeded for result in response.context["results"]] == [True]
    assert state_of(chosen) == ApplicationState.APPROVED
    assert state_of(left) == ApplicationState.RECOMMENDED


def decline_bulk_url(call):
    return reverse("reviews:decline_bulk", kwargs={"code": call.code})


@pytest.mark.django_db
def test_bulk_decline_page_lists_undecided_files(client, call, decision_maker):
    not_recommended = recommended_file(call, recommended=(), state=ApplicationState.NOT_RECOMMENDED)
    recommended = recommended_file(call)
    decided = recommended_file(call)
    decisions.decline_application(application=decided, actor=decision_maker, reason="Déjà refusé.")
    client.force_login(decision_maker)

    response = client.get(decline_bulk_url(call))

    assert response.status_code == 200
    form = response.context["form"]
    assert [checkbox.data["value"].instance.pk for checkbox in form.not_recommended()] == [not_recommended.pk]
    assert [checkbox.data["value"].instance.pk for checkbox in form.recommended()] == [recommended.pk]
    content = response.content.decode()
    assert not_recommended.reference in content
    assert recommended.reference in content
    assert decided.reference not in content


@pytest.mark.django_db
def test_bulk_decline_issues_letters_and_history(
    client, call, decision_maker, django_capture_on_commit_callbacks, mailoutbox
):
    not_recommended = recommended_file(call, recommended=(), state=ApplicationState.NOT_RECOMMENDED)
    recommended = recommended_file(call)
    left = recommended_file(call)
    client.force_login(decision_maker)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            decline_bulk_url(call),
            {"applications": [str(not_recommended.pk), str(recommended.pk)], "reason": "Enveloppe épuisée."},
        )

    assert response.status_code == 200
    results = response.context["results"]
    assert [(result.application.pk, result.succeeded) for result in results] == [
        (not_recommended.pk, True),
        (recommended.pk, True),
    ]
    for application in (not_recommended, recommended):
        assert state_of(application) == ApplicationState.DECLINED
        assert history(application, DECLINED_CODE).get().reason == "Enveloppe épuisée."
        letters = Document.objects.filter(object_id=str(application.pk), kind="reviews.refusal_letter")
        assert letters.count() == 1
    assert state_of(left) == ApplicationState.RECOMMENDED
    assert Decision.objects.filter(outcome=DecisionOutcome.DECLINED).count() == 2
    content = response.content.decode()
    assert f"{not_recommended.reference}: declined" in content
    assert f"{recommended.reference}: declined" in content


@pytest.mark.django_db
def test_bulk_decline_missing_reason_keeps_selection(client, call, decision_maker):
    first = recommended_file(call, recommended=(), state=ApplicationState.NOT_RECOMMENDED)
    second = recommended_file(call, recommended=(), state=ApplicationState.NOT_RECOMMENDED)
    client.force_login(decision_maker)

    response = client.post(decline_bulk_url(call), {"applications": [str(second.pk)], "reason": "  "})

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["reason"] == ["Give the reason for the refusal; it appears in the refusal letter."]
    checked = [checkbox.data["value"].instance.pk for checkbox in form.not_recommended() if checkbox.data["selected"]]
    assert checked == [second.pk]
    content = response.content.decode()
    assert "Reason for the refusal" in content  # the error summary names the field
    assert f'value="{second.pk}" id="id_applications_1" checked' in content
    assert {state_of(first), state_of(second)} == {ApplicationState.NOT_RECOMMENDED}
    assert not Decision.objects.exists()


@pytest.mark.django_db
def test_bulk_decline_missing_reason_in_french(client, call, decision_maker, settings):
    application = recommended_file(call, recommended=(), state=ApplicationState.NOT_RECOMMENDED)
    client.force_login(decision_maker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    with translation.override("fr"):
        response = client.post(decline_bulk_url(call), {"applications": [str(application.pk)], "reason": ""})

    content = response.content.decode()
    assert "Motif du refus" in content
    assert "Indiquez le motif du refus" in content
    assert state_of(application) == ApplicationState.NOT_RECOMMENDED


@pytest.mark.django_db
def test_bulk_decline_needs_a_selection(client, call, decision_maker):
    application = recommended_file(call, recommended=(), state=ApplicationState.NOT_RECOMMENDED)
    client.force_login(decision_maker)

    response = client.post(decline_bulk_url(call), {"reason": "Enveloppe épuisée."})

    assert response.status_code == 200
    assert response.context["form"].errors["applications"] == ["Select at least one file to decline."]
    assert response.context["form"]["reason"].value() == "Enveloppe épuisée."
    assert state_of(application) == ApplicationState.NOT_RECOMMENDED


@pytest.mark.django_db
def test_bulk_decline_twice_reports_already_declined(client, call, decision_maker):
    application = recommended_file(call, recommended=(), state=ApplicationState.NOT_RECOMMENDED)
    client.force_login(decision_maker)
    data = {"applications": [str(application.pk)], "reason": "Enveloppe épuisée."}
    client.post(decline_bulk_url(call), data)

    response = client.post(decline_bulk_url(call), data)

    assert response.status_code == 200
    [result] = response.context["results"]
    assert not result.succeeded
    assert result.error == "This file is already declined."
    assert history(application, DECLINED_CODE).count() == 1


@pytest.mark.django_db
def test_bulk_decline_ignores_other_calls_files(client, call, decision_maker):
    other = recommended_file(make_call(code="ECI-2028"), recommended=(), state=ApplicationState.NOT_RECOMMENDED)
    client.force_login(decision_maker)

    response = client.post(decline_bulk_url(call), {"applications": [str(other.pk)], "reason": "Hors appel."})

    assert response.status_code == 200
    assert "applications" in response.context["form"].errors
    assert state_of(other) == ApplicationState.NOT_RECOMMENDED


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["program_officer", "program_manager", "committee_member", "reviewer"])
def test_bulk_decline_404_for_others(client, call, role):
    application = recommended_file(call, recommended=(), state=ApplicationState.NOT_RECOMMENDED)
    client.force_login(UserFactory(roles=[role]))

    assert client.get(decline_bulk_url(call)).status_code == 404
    response = client.post(decline_bulk_url(call), {"applications": [str(application.pk)], "reason": "Non."})
    assert response.status_code == 404
    assert state_of(application) == ApplicationState.NOT_RECOMMENDED


@pytest.mark.django_db
def test_bulk_decline_redirects_anonymous(client, call):
    response = client.get(decline_bulk_url(call))

    assert response.status_code == 302
    assert "?next=" in response.url


@pytest.mark.django_db
def test_bulk_pages_link_to_each_other(client, call, decision_maker):
    client.force_login(decision_maker)

    approve_page = client.get(bulk_url(call)).content.decode()
    decline_page = client.get(decline_bulk_url(call)).content.decode()
    ranking_page = client.get(reverse("reviews:ranking", kwargs={"code": call.code})).content.decode()

    assert decline_bulk_url(call) in approve_page
    assert decline_bulk_url(call) in ranking_page
    assert bulk_url(call) in decline_page
