"""The awards services end to end: set-up and frozen rules, window, consent, screening, jury rounds, results.

Services queue e-mails with on_commit; tests that check an e-mail run the callbacks.
"""

import hashlib
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.contrib.admin.sites import AdminSite
from django.core import mail
from django.test import RequestFactory
from django.utils import timezone, translation

from awards import selectors, services
from awards.admin import PrizeEditionAdmin
from awards.counting import category_shortlist
from awards.models import (
    Ballot,
    CoupDeCoeur,
    EditionState,
    JurorConflict,
    JuryMembership,
    Nomination,
    NominationState,
    PrizeCriterion,
    PrizeEdition,
    Result,
    ResultOutcome,
    Round1Score,
    RulesFrozen,
)
from awards.services import AlreadyDone, AwardsError
from common.models import Notification, TransitionLog
from common.templatetags.formats import long_date, long_datetime
from tests.awards.conftest import (
    category,
    draft,
    eligible,
    make_edition,
    nominate,
    refreshed,
    score,
    start_round1,
    submit,
    to_final_vote,
)
from tests.awards.factories import pdf_upload
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def logged(subject, code) -> int:
    return TransitionLog.objects.filter(object_id=str(subject.pk), transition=code).count()


def events(nomination) -> list[str]:
    return sorted(Notification.objects.filter(object_id=str(nomination.pk)).values_list("event", flat=True))


# Set-up and frozen rules


def test_new_edition_has_default_categories_and_criteria(manager, jurors):
    edition = make_edition(manager, jurors, open_nominations=False)

    categories = list(edition.categories.order_by("position"))
    assert [c.name_fr for c in categories] == ["Individu", "Organisation", "Éducation"]
    assert [c.finalists_count for c in categories] == [3, 3, 3]
    assert [c.requires_nominee_consent for c in categories] == [True, False, False]
    criteria = categories[0].criteria.order_by("position")
    assert [(c.name_fr, c.weight) for c in criteria] == [
        ("Rayonnement", Decimal("30")),
        ("Caractère exemplaire", Decimal("30")),
        ("Innovation", Decimal("20")),
        ("Pérennité", Decimal("20")),
    ]
    assert (edition.quorum_numerator, edition.quorum_denominator) == (2, 3)
    assert edition.tie_break_ladder == ["head_to_head", "round1_score", "casting_vote"]


def test_open_nominations_needs_one_president(manager, jurors):
    edition = make_edition(manager, jurors, open_nominations=False)
    JuryMembership.objects.filter(edition=edition).update(is_president=False)

    with pytest.raises(AwardsError, match="Name exactly one jury president"):
        services.open_nominations(edition=edition, actor=manager)
    assert refreshed(edition).state == EditionState.DRAFT


def test_open_nominations_needs_jurors_with_the_role(manager, jurors):
    edition = make_edition(manager, [*jurors, UserFactory(first_name="Sacha", last_name="Roy")], open_nominations=False)

    with pytest.raises(AwardsError, match="Give Sacha Roy the jury member role"):
        services.open_nominations(edition=edition, actor=manager)


def test_open_nominations_needs_a_jury(manager):
    edition = make_edition(manager, [], open_nominations=False)

    with pytest.raises(AwardsError, match="Add the jury members"):
        services.open_nominations(edition=edition, actor=manager)


def test_open_nominations_twice_is_already_done(edition, manager):
    with pytest.raises(AlreadyDone):
        services.open_nominations(edition=edition, actor=manager)
    assert logged(edition, "awards.edition.nominations_opened") == 1


def test_only_the_program_manager_opens_nominations(manager, jurors, officer):
    edition = make_edition(manager, jurors, open_nominations=False)

    with pytest.raises(AwardsError, match="Only the program manager"):
        services.open_nominations(edition=edition, actor=officer)


def test_rules_frozen_once_nominations_open(edition):
    individu = category(edition, "individu")
    criterion = individu.criteria.first()
    membership = edition.jury.first()

    individu.finalists_count = 5
    with pytest.raises(RulesFrozen):
        individu.save()
    criterion.weight = Decimal("50")
    with pytest.raises(RulesFrozen):
        criterion.save()
    with pytest.raises(RulesFrozen):
        PrizeCriterion.objects.create(category=individu, position=9, name_fr="Nouveau", weight=Decimal("1"))
    with pytest.raises(RulesFrozen):
        membership.delete()
    with pytest.raises(RulesFrozen):
        JuryMembership.objects.create(edition=edition, juror=UserFactory())
    edition.quorum_numerator = 1
    with pytest.raises(RulesFrozen):
        edition.save()

    assert category(edition, "individu").finalists_count == 3
    assert PrizeEdition.objects.get(pk=edition.pk).quorum_numerator == 2


def test_due_dates_stay_editable_after_freeze(edition):
    edition.round1_due_on = timezone.localdate() + timedelta(days=40)
    edition.save()

    assert refreshed(edition).round1_due_on == timezone.localdate() + timedelta(days=40)


def test_admin_shows_rules_read_only_once_frozen(edition, manager, jurors):
    model_admin = PrizeEditionAdmin(PrizeEdition, AdminSite())
    draft_edition = make_edition(manager, jurors, open_nominations=False, year=2090)

    assert "quorum_numerator" in model_admin.get_readonly_fields(None, edition)
    assert "nominations_close_at" in model_admin.get_readonly_fields(None, edition)
    assert "round1_due_on" not in model_admin.get_readonly_fields(None, edition)
    assert "quorum_numerator" not in model_admin.get_readonly_fields(None, draft_edition)
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    for inline in model_admin.get_inline_instances(request, edition):
        assert not inline.has_add_permission(request, edition)
        assert not inline.has_change_permission(request, edition)
        assert not inline.has_delete_permission(request, edition)
    assert model_admin.get_inline_instances(request, draft_edition)[0].has_add_permission(request, draft_edition)


# Nomination window and drafts


def test_submit_after_deadline_names_the_local_deadline(edition):
    nomination = draft(edition)
    deadline = edition.nominations_close_at

    with pytest.raises(AwardsError) as error:
        services.submit_nomination(nomination=nomination, actor=nomination.nominator, now=deadline)

    assert long_datetime(deadline) in str(error.value)
    assert "Montréal time" in str(error.value)
    assert refreshed(nomination).state == NominationState.DRAFT


def test_deadline_message_in_french_uses_local_time(manager, jurors):
    local_day = timezone.localdate() + timedelta(days=10)
    deadline = timezone.make_aware(datetime.combine(local_day, time(16, 30)))
    edition = make_edition(manager, jurors, closes_at=deadline)
    nomination = draft(edition)

    with translation.override("fr"), pytest.raises(AwardsError) as error:
        services.submit_nomination(nomination=nomination, actor=nomination.nominator, now=deadline + timedelta(hours=1))

    with translation.override("fr"):
        expected = f"{long_date(local_day)} à 16 h 30"
    assert expected in str(error.value)


def test_submit_before_opening_is_refused(edition):
    nomination = draft(edition)

    with pytest.raises(AwardsError, match="Nominations open on"):
        services.submit_nomination(
            nomination=nomination, actor=nomination.nominator, now=edition.nominations_open_at - timedelta(seconds=1)
        )


def test_submit_just_before_deadline_is_accepted(edition):
    nomination = draft(edition)

    submitted = submit(nomination, now=edition.nominations_close_at - timedelta(seconds=1))

    assert submitted.state == NominationState.SUBMITTED


def test_draft_saves_partial_content(edition):
    nominator = UserFactory()
    nomination = services.start_nomination(edition=edition, category=category(edition, "education"), actor=nominator)

    services.save_nomination(nomination=nomination, actor=nominator, data={"nominee_name": "  École Saint-Jean\r\n"})

    assert refreshed(nomination).nominee_name == "École Saint-Jean"
    assert refreshed(nomination).state == NominationState.DRAFT


def test_incomplete_draft_lists_every_problem(edition):
    nominator = UserFactory()
    nomination = services.start_nomination(edition=edition, category=category(edition, "education"), actor=nominator)

    with pytest.raises(AwardsError) as error:
        services.submit_nomination(nomination=nomination, actor=nominator)

    message = str(error.value)
    for expected in ("nominee's name", "e-mail address", "actions", "reach", "number of people", "support letter"):
        assert expected in message
    assert refreshed(nomination).state == NominationState.DRAFT


def test_support_letter_is_required(edition):
    nomination = draft(edition)
    nomination.documents.all().delete()
    services.add_document(nomination=nomination, actor=nomination.nominator, kind="other", upload=pdf_upload())

    with pytest.raises(AwardsError, match="at least one support letter"):
        services.submit_nomination(nomination=nomination, actor=nomination.nominator)


def test_at_most_five_documents(edition):
    nomination = draft(edition)
    for _ in range(4):
        services.add_document(nomination=nomination, actor=nomination.nominator, kind="other", upload=pdf_upload())

    with pytest.raises(AwardsError, match="at most 5 documents"):
        services.add_document(nomination=nomination, actor=nomination.nominator, kind="other", upload=pdf_upload())
    assert nomination.documents.count() == 5


def test_only_the_nominator_edits(edition):
    nomination = draft(edition)

    with pytest.raises(AwardsError, match="Only the nominator"):
        services.save_nomination(nomination=nomination, actor=UserFactory(), data={"actions": "Autre"})


def test_submit_twice_is_already_done(edition):
    nomination = nominate(edition)

    with pytest.raises(AlreadyDone):
        services.submit_nomination(nomination=nomination, actor=nomination.nominator)
    assert logged(nomination, "awards.nomination.submitted") == 1


def test_submission_emails_a_receipt(edition):
    mail.outbox.clear()

    nomination = nominate(edition)

    assert events(nomination) == ["awards.nomination_submitted"]
    assert [message.to for message in mail.outbox] == [[nomination.nominator.email]]
    assert nomination.nominee_name in mail.outbox[0].subject


def test_self_nomination(edition):
    nominator = UserFactory()
    nomination = nominate(
        edition, "individu", nominator=nominator, nominee_email=nominator.email, nominator_relationship="Moi-même"
    )

    assert nomination.state == NominationState.SUBMITTED
    assert nomination.nominator == nominator


def test_withdraw_by_nominator(edition):
    nomination = nominate(edition)

    services.withdraw_nomination(nomination=nomination, actor=nomination.nominator, reason="Le candidat a déménagé.")

    assert refreshed(nomination).state == NominationState.WITHDRAWN
    with pytest.raises(AlreadyDone):
        services.withdraw_nomination(nomination=nomination, actor=nomination.nominator, reason="Encore.")


# Consent


def test_individu_submission_emails_a_consent_link(edition):
    mail.outbox.clear()

    nomination = nominate(edition, "individu")

    consent_mail = [message for message in mail.outbox if message.to == [nomination.nominee_email]]
    assert len(consent_mail) == 1
    assert f"/prix/consentement/{nomination.token}/" in consent_mail[0].body
    stored = Nomination.objects.get(pk=nomination.pk)
    assert stored.consent_token_hash == hashlib.sha256(nomination.token.encode()).hexdigest()
    assert nomination.token not in str(Nomination.objects.filter(pk=nomination.pk).values().get())
    assert stored.consent_requested_email == nomination.nominee_email


def test_consent_link_is_in_the_nominees_language(edition):
    mail.outbox.clear()

    nomination = nominate(edition, "individu", nominee_language="fr")

    consent_mail = next(message for message in mail.outbox if message.to == [nomination.nominee_email])
    assert "consentement" in consent_mail.body


def test_organisation_needs_no_consent(edition):
    mail.outbox.clear()

    nomination = nominate(edition, "organisation")

    assert not nomination.requires_consent
    assert not any(message.to == [nomination.nominee_email] for message in mail.outbox)


def test_no_eligibility_without_consent(edition, officer):
    nomination = nominate(edition, "individu")

    with pytest.raises(AwardsError, match="has not given consent"):
        services.declare_eligible(nomination=nomination, actor=officer)
    assert refreshed(nomination).state == NominationState.SUBMITTED


def test_consent_given_allows_eligibility(edition, officer):
    nomination = nominate(edition, "individu")

    services.give_consent(token=nomination.token)
    services.declare_eligible(nomination=nomination, actor=officer)

    assert refreshed(nomination).state == NominationState.ELIGIBLE
    assert "awards.consent_given" in events(nomination)


def test_consent_given_twice_is_already_done(edition):
    nomination = nominate(edition, "individu")
    services.give_consent(token=nomination.token)

    with pytest.raises(AlreadyDone):
        services.give_consent(token=nomination.token)


def test_refused_consent_blocks_eligibility(edition, officer):
    nomination = nominate(edition, "individu")

    services.refuse_consent(token=nomination.token)

    with pytest.raises(AwardsError, match="has not given consent"):
        services.declare_eligible(nomination=nomination, actor=officer)
    assert refreshed(nomination).consent_status == "refused"
    assert "awards.consent_refused" in events(nomination)
    services.declare_ineligible(nomination=nomination, actor=officer, reason="Consentement refusé.")
    assert refreshed(nomination).state == NominationState.INELIGIBLE


def test_refusal_can_become_consent_before_screening(edition):
    nomination = nominate(edition, "individu")
    services.refuse_consent(token=nomination.token)

    services.give_consent(token=nomination.token)

    assert refreshed(nomination).consent_status == "given"


def test_withdrawing_consent_withdraws_the_nomination(edition, officer):
    nomination = eligible(edition, officer, "individu")

    services.withdraw_consent(token=nomination.token, reason="Je préfère rester discret.")

    nomination = refreshed(nomination)
    assert nomination.state == NominationState.WITHDRAWN
    assert nomination.consent_withdrawn_at is not None
    assert nomination.public_name == ""
    assert "awards.consent_withdrawn" in events(nomination)
    assert logged(nomination, "awards.nomination.withdrawn") == 1


def test_withdrawing_consent_never_given_is_refused(edition):
    nomination = nominate(edition, "individu")

    with pytest.raises(AwardsError, match="nothing to withdraw"):
        services.withdraw_consent(token=nomination.token)


def test_unknown_consent_token_is_refused(edition):
    nominate(edition, "individu")

    with pytest.raises(AwardsError, match="not valid"):
        services.give_consent(token="pas-le-bon-jeton")
    with pytest.raises(AwardsError, match="not valid"):
        services.give_consent(token="")


def test_new_request_replaces_the_link(edition):
    nomination = nominate(edition, "individu")
    first = nomination.token
    later = timezone.now() + timedelta(hours=2)

    with pytest.raises(AlreadyDone, match="Wait an hour"):
        services.send_consent_request(nomination=nomination, actor=nomination.nominator)
    services.send_consent_request(nomination=nomination, actor=nomination.nominator, now=later)

    with pytest.raises(AwardsError, match="not valid"):
        services.give_consent(token=first)


def test_changing_the_nominee_resets_consent(edition, officer):
    nomination = nominate(edition, "individu")
    services.give_consent(token=nomination.token)
    services.request_completion(nomination=nomination, actor=officer, items=["Courriel du candidat erroné."])

    services.save_nomination(
        nomination=nomination, actor=nomination.nominator, data={"nominee_email": "autre@exemple.qc.ca"}
    )

    nomination = refreshed(nomination)
    assert nomination.consent_given_at is None
    assert nomination.consent_token_hash == ""
    assert nomination.consent_status == "not_requested"


# Screening


def test_incomplete_then_resubmitted(edition, officer):
    nomination = nominate(edition)

    services.request_completion(
        nomination=nomination, actor=officer, items=["Lettre signée", " ", "Nombre de personnes"]
    )
    assert refreshed(nomination).incomplete_items == ["Lettre signée", "Nombre de personnes"]
    assert "awards.nomination_incomplete" in events(nomination)

    services.save_nomination(nomination=nomination, actor=nomination.nominator, data={"people_reached": 1200})
    services.resubmit_nomination(nomination=nomination, actor=nomination.nominator)

    nomination = refreshed(nomination)
    assert nomination.state == NominationState.SUBMITTED
    assert nomination.incomplete_items == []
    assert nomination.people_reached == 1200


def test_incomplete_needs_items(edition, officer):
    nomination = nominate(edition)

    with pytest.raises(AwardsError, match="at least one item"):
        services.request_completion(nomination=nomination, actor=officer, items=["  "])


def test_ineligible_needs_a_reason(edition, officer):
    nomination = nominate(edition)

    with pytest.raises(AwardsError, match="Give the reason"):
        services.declare_ineligible(nomination=nomination, actor=officer, reason=" ")
    services.declare_ineligible(nomination=nomination, actor=officer, reason="Action hors Québec.")

    nomination = refreshed(nomination)
    assert nomination.state == NominationState.INELIGIBLE
    assert nomination.ineligibility_reason == "Action hors Québec."
    assert (
        Notification.objects.get(object_id=str(nomination.pk), event="awards.nomination_ineligible").context["reason"]
        == "Action hors Québec."
    )


def test_only_staff_screen(edition):
    nomination = nominate(edition)

    with pytest.raises(AwardsError, match="Only a program officer"):
        services.declare_eligible(nomination=nomination, actor=nomination.nominator)


def test_eligible_twice_is_already_done(edition, officer):
    nomination = eligible(edition, officer)

    with pytest.raises(AlreadyDone):
        services.declare_eligible(nomination=nomination, actor=officer)


def test_round1_waits_for_screening(edition, manager):
    nominate(edition)
    edition = services.close_nominations(
        edition=edition, actor=manager, now=edition.nominations_close_at + timedelta(seconds=1)
    )
    edition.round1_due_on = timezone.localdate() + timedelta(days=10)
    edition.save(update_fields=["round1_due_on"])

    with pytest.raises(AwardsError, match="await screening"):
        services.start_shortlisting(edition=edition, actor=manager)


def test_nominations_cannot_close_before_deadline(edition, manager):
    with pytest.raises(AwardsError, match="cannot close before"):
        services.close_nominations(edition=edition, actor=manager)


def test_expired_windows_close_once(edition):
    later = edition.nominations_close_at + timedelta(minutes=5)

    assert services.close_expired_nomination_windows(now=later) == [edition]
    assert services.close_expired_nomination_windows(now=later) == []
    assert refreshed(edition).state == EditionState.NOMINATIONS_CLOSED


# Conflicts and visibility


def test_conflicted_juror_sees_nothing_of_the_nomination(edition, officer, manager, jurors):
    first = eligible(edition, officer)
    second = eligible(edition, officer)
    edition = start_round1(edition, manager)
    juror = jurors[1]
    services.declare_conflict(nomination=first, juror=juror, has_conflict=True, comment="Ma sœur y travaille.")
    services.declare_conflict(nomination=second, juror=juror, has_conflict=False)
    score(jurors[2], first, 8)

    assert list(selectors.nominations_visible_to(juror).filter(edition=edition)) == [second]
    assert list(Nomination.objects.visible_to(juror)) == [second]
    assert list(selectors.jury_nominations(juror, edition)) == [second]
    assert not selectors.round1_scores_visible_to(juror).filter(nomination=first).exists()
    assert not juror.has_perm("awards.view_nomination", first)
    assert juror.has_perm("awards.view_nomination", second)
    with pytest.raises(AwardsError, match="cannot score"):
        services.save_round1_scores(nomination=first, juror=juror, scores={})


def test_visibility_rule_matches_selector_for_every_person(edition, officer, manager, jurors):
    nominations = [eligible(edition, officer), eligible(edition, officer), nominate(edition)]
    services.declare_ineligible(nomination=nominations[2], actor=officer, reason="Hors Québec.")
    edition = start_round1(edition, manager)
    services.declare_conflict(nomination=nominations[0], juror=jurors[0], has_conflict=True)
    people = [*jurors, officer, manager, nominations[2].nominator, UserFactory(), UserFactory(roles=["reviewer"])]

    for person in people:
        visible = set(selectors.nominations_visible_to(person).values_list("pk", flat=True))
        allowed = {n.pk for n in Nomination.objects.all() if person.has_perm("awards.view_nomination", n)}
        assert visible == allowed, person


def test_jurors_see_screened_in_nominations_once_declared(edition, officer, jurors):
    submitted = nominate(edition)
    ok = eligible(edition, officer)

    before = set(selectors.nominations_visible_to(jurors[0]).values_list("pk", flat=True))
    JurorConflict.objects.create(nomination=ok, juror=jurors[0], has_conflict=False)
    JurorConflict.objects.create(nomination=submitted, juror=jurors[0], has_conflict=False)
    visible = set(selectors.nominations_visible_to(jurors[0]).values_list("pk", flat=True))

    # Nothing before the juror declares; then only what was screened in.
    assert before == set()
    assert visible == {ok.pk}


def test_conflict_declaration_is_final(edition, officer, manager, jurors):
    nomination = eligible(edition, officer)
    start_round1(edition, manager)
    services.declare_conflict(nomination=nomination, juror=jurors[0], has_conflict=True)

    with pytest.raises(AlreadyDone):
        services.declare_conflict(nomination=nomination, juror=jurors[0], has_conflict=False)


def test_late_conflict_drops_juror_scores(edition, officer, manager, jurors):
    nomination = eligible(edition, officer)
    start_round1(edition, manager)
    score(jurors[0], nomination, 10)
    score(jurors[1], nomination, 6)

    services.declare_conflict(nomination=nomination, juror=jurors[0], has_conflict=True)

    _cut, means = category_shortlist(nomination.category)
    assert means[nomination.pk] == 60


def test_scoring_needs_a_declaration_first(edition, officer, manager, jurors):
    nomination = eligible(edition, officer)
    start_round1(edition, manager)

    with pytest.raises(AwardsError, match="Declare whether you have a conflict"):
        services.save_round1_scores(nomination=nomination, juror=jurors[0], scores={})


def test_score_above_maximum_is_refused(edition, officer, manager, jurors):
    nomination = eligible(edition, officer)
    start_round1(edition, manager)
    services.declare_conflict(nomination=nomination, juror=jurors[0], has_conflict=False)
    criterion = nomination.category.criteria.first()

    with pytest.raises(AwardsError, match="between 0 and 10"):
        services.save_round1_scores(nomination=nomination, juror=jurors[0], scores={criterion.pk: Decimal("10.5")})
    assert not Round1Score.objects.exists()


def test_non_juror_cannot_score(edition, officer, manager):
    nomination = eligible(edition, officer)
    start_round1(edition, manager)

    with pytest.raises(AwardsError, match="Only a member of this edition's jury"):
        services.declare_conflict(nomination=nomination, juror=UserFactory(roles=["jury_member"]), has_conflict=False)


# Round 1 cut


def test_round1_top_n_become_finalists(edition, officer, manager, jurors):
    nominations = [eligible(edition, officer) for _ in range(4)]
    start_round1(edition, manager)
    for nomination, value in zip(nominations, [6, 9, 7, 8], strict=True):
        for juror in jurors:
            score(juror, nomination, value)

    services.close_round1(edition=edition, actor=manager)

    states = [refreshed(n).state for n in nominations]
    assert states == [
        NominationState.NOT_RETAINED,
        NominationState.FINALIST,
        NominationState.FINALIST,
        NominationState.FINALIST,
    ]
    assert [refreshed(n).round1_rank for n in nominations] == [4, 1, 3, 2]
    assert refreshed(nominations[1]).round1_score == Decimal("90.0000")
    assert refreshed(edition).state == EditionState.FINAL_VOTE
    assert "awards.nomination_finalist" in events(nominations[1])
    assert "awards.nomination_not_retained" in events(nominations[0])


def test_round1_mean_uses_weights(edition, officer, manager, jurors):
    nomination = eligible(edition, officer)
    start_round1(edition, manager)
    criteria = list(nomination.category.criteria.order_by("position"))
    for juror in jurors:
        services.declare_conflict(nomination=nomination, juror=juror, has_conflict=False)
    # Weights 30, 30, 20, 20 out of 10 each: 10, 10, 0, 0 gives 60 and 0, 0, 10, 10 gives 40.
    services.save_round1_scores(
        nomination=nomination, juror=jurors[0], scores=dict(zip([c.pk for c in criteria], [10, 10, 0, 0], strict=True))
    )
    services.save_round1_scores(
        nomination=nomination, juror=jurors[1], scores=dict(zip([c.pk for c in criteria], [0, 0, 10, 10], strict=True))
    )

    _cut, means = category_shortlist(nomination.category)

    assert means[nomination.pk] == 50


def test_missing_sheets_stop_the_close_unless_explained(edition, officer, manager, jurors):
    nomination = eligible(edition, officer)
    start_round1(edition, manager)
    score(jurors[0], nomination, 8)

    with pytest.raises(AwardsError, match="2 score sheet"):
        services.close_round1(edition=edition, actor=manager)
    assert refreshed(nomination).state == NominationState.ELIGIBLE

    services.close_round1(edition=edition, actor=manager, missing_sheets_reason="Deux jurés malades.")
    assert refreshed(nomination).state == NominationState.FINALIST


def test_tie_at_cut_needs_a_recorded_jury_decision(edition, officer, manager, jurors):
    nominations = [eligible(edition, officer) for _ in range(4)]
    start_round1(edition, manager)
    for nomination, value in zip(nominations, [9, 8, 7, 7], strict=True):
        for juror in jurors:
            score(juror, nomination, value)
    organisation = category(edition, "organisation")

    with pytest.raises(AwardsError, match="tied at the finalist cut"):
        services.close_round1(edition=edition, actor=manager)
    assert all(refreshed(n).state == NominationState.ELIGIBLE for n in nominations)

    cut, _means = category_shortlist(organisation)
    assert cut.tied == (nominations[2].pk, nominations[3].pk)
    assert cut.seats_left == 1
    with pytest.raises(AwardsError, match="exactly 1"):
        services.record_cut_decision(category=organisation, actor=manager, retained=nominations[2:], reason="Les deux.")
    step = services.record_cut_decision(
        category=organisation,
        actor=jurors[0],
        retained=[nominations[3]],
        reason="Vote du jury à main levée : 2 contre 1.",
    )
    assert step.decided_by == jurors[0]
    assert step.kind == "jury_decision"

    services.close_round1(edition=edition, actor=manager)

    assert [refreshed(n).state for n in nominations] == [
        NominationState.FINALIST,
        NominationState.FINALIST,
        NominationState.NOT_RETAINED,
        NominationState.FINALIST,
    ]


def test_cut_decision_by_an_ordinary_juror_is_refused(edition, officer, manager, jurors):
    nominations = [eligible(edition, officer) for _ in range(4)]
    start_round1(edition, manager)
    for nomination in nominations:
        for juror in jurors:
            score(juror, nomination, 7)

    with pytest.raises(AwardsError, match="program manager or the jury president"):
        services.record_cut_decision(
            category=category(edition, "organisation"), actor=jurors[1], retained=nominations[:3], reason="Choix."
        )


def test_stale_cut_decision_must_be_recorded_again(edition, officer, manager, jurors):
    nominations = [eligible(edition, officer) for _ in range(4)]
    start_round1(edition, manager)
    for nomination, value in zip(nominations, [9, 8, 7, 7], strict=True):
        for juror in jurors:
            score(juror, nomination, value)
    organisation = category(edition, "organisation")
    services.record_cut_decision(category=organisation, actor=manager, retained=[nominations[2]], reason="Choix.")
    # A juror changes a score: now the second and third nominations tie.
    for juror in jurors:
        score(juror, nominations[1], 7)

    with pytest.raises(AwardsError, match="scores changed"):
        services.close_round1(edition=edition, actor=manager)


# Final vote


def test_ballot_ranks_the_finalists_and_no_award(edition, officer, manager, jurors):
    edition, (first, second, third) = to_final_vote(edition, manager, jurors, officer)
    organisation = category(edition, "organisation")

    ballot = services.submit_ballot(
        category=organisation, juror=jurors[0], ranks={first.pk: 1, second.pk: 2, third.pk: 2, None: 3}
    )

    assert ballot.status == "submitted"
    assert sorted(ballot.rankings.values_list("rank", flat=True)) == [1, 2, 2, 3]
    with pytest.raises(AlreadyDone):
        services.submit_ballot(
            category=organisation, juror=jurors[0], ranks={first.pk: 1, second.pk: 2, third.pk: 3, None: 4}
        )
    assert Ballot.objects.filter(category=organisation, juror=jurors[0]).count() == 1


def test_ballot_must_rank_exactly_the_options(edition, officer, manager, jurors):
    edition, (first, second, _third) = to_final_vote(edition, manager, jurors, officer)

    with pytest.raises(AwardsError, match="Rank every finalist"):
        services.submit_ballot(
            category=category(edition, "organisation"), juror=jurors[0], ranks={first.pk: 1, second.pk: 2}
        )
    assert not Ballot.objects.exists()


def test_recused_juror_ranks_only_the_others(edition, officer, manager, jurors):
    edition, (first, second, third) = to_final_vote(edition, manager, jurors, officer)
    services.declare_conflict(nomination=first, juror=jurors[1], has_conflict=True)
    organisation = category(edition, "organisation")

    with pytest.raises(AwardsError, match="Rank every finalist"):
        services.submit_ballot(
            category=organisation, juror=jurors[1], ranks={first.pk: 1, second.pk: 2, third.pk: 3, None: 4}
        )
    ballot = services.submit_ballot(category=organisation, juror=jurors[1], ranks={second.pk: 1, third.pk: 2, None: 3})

    assert ballot.rankings.count() == 3
    assert not selectors.ballots_visible_to(jurors[1]).get().rankings.filter(nomination=first).exists()


def test_juror_recused_from_every_finalist_has_no_ballot(edition, officer, manager, jurors):
    edition, nominations = to_final_vote(edition, manager, jurors, officer)
    for nomination in nominations:
        services.declare_conflict(nomination=nomination, juror=jurors[2], has_conflict=True)

    with pytest.raises(AwardsError, match="recused from every finalist"):
        services.submit_ballot(category=category(edition, "organisation"), juror=jurors[2], abstain=True)


def test_vote_closes_only_with_quorum(edition, officer, manager, jurors):
    edition, (first, second, third) = to_final_vote(edition, manager, jurors, officer)
    organisation = category(edition, "organisation")
    services.submit_ballot(
        category=organisation, juror=jurors[0], ranks={first.pk: 1, second.pk: 2, third.pk: 3, None: 4}
    )
    services.submit_ballot(category=organisation, juror=jurors[1], abstain=True)

    with pytest.raises(AwardsError, match="Quorum not met"):
        services.close_vote(edition=edition, actor=manager)
    assert refreshed(edition).vote_closed_at is None
    assert not Result.objects.exists()


def test_full_flow_to_announcement(edition, officer, manager, jurors):
    edition, (first, second, third) = to_final_vote(edition, manager, jurors, officer)
    organisation = category(edition, "organisation")
    services.submit_ballot(
        category=organisation, juror=jurors[0], ranks={second.pk: 1, first.pk: 2, third.pk: 3, None: 4}
    )
    services.submit_ballot(
        category=organisation, juror=jurors[1], ranks={second.pk: 1, third.pk: 2, first.pk: 3, None: 4}
    )
    services.submit_ballot(category=organisation, juror=jurors[2], abstain=True)

    results = services.close_vote(edition=edition, actor=manager)

    by_category = {result.category.code: result for result in results}
    assert by_category["organisation"].laureate == second
    assert by_category["organisation"].tally["statuses"][str(jurors[2].pk)] == "abstained"
    assert by_category["individu"].outcome == ResultOutcome.NO_AWARD
    with pytest.raises(AwardsError, match="final vote is not open"):
        services.submit_ballot(category=organisation, juror=jurors[2], ranks={})

    services.validate_results(edition=edition, actor=manager)
    assert refreshed(second).state == NominationState.LAUREATE
    assert refreshed(first).state == NominationState.FINALIST
    assert selectors.public_results(refreshed(edition)) is None

    services.set_coup_de_coeur(edition=edition, nomination=first, actor=manager, citation="Un projet touchant.")
    services.announce_results(edition=edition, actor=manager)

    public = selectors.public_results(refreshed(edition))
    organisation_line = next(line for line in public["categories"] if line["category"].code == "organisation")
    assert organisation_line["laureate"] == second
    assert organisation_line["finalists"] == [first, second, third]
    assert public["coup_de_coeur"].nomination == first
    assert Notification.objects.get(event="awards.results_announced", object_id=str(second.pk)).context["laureate"]
    assert Notification.objects.get(event="awards.results_announced", object_id=str(first.pk)).context["coup_de_coeur"]
    with pytest.raises(AlreadyDone):
        services.announce_results(edition=edition, actor=manager)


def test_casting_vote_by_president_settles_the_tie(edition, officer, manager, jurors):
    edition, (first, second, third) = to_final_vote(edition, manager, jurors, officer, scores=(8, 8, 6))
    organisation = category(edition, "organisation")
    services.submit_ballot(
        category=organisation, juror=jurors[0], ranks={first.pk: 1, second.pk: 2, third.pk: 3, None: 4}
    )
    services.submit_ballot(
        category=organisation, juror=jurors[1], ranks={second.pk: 1, first.pk: 2, third.pk: 3, None: 4}
    )

    services.close_vote(edition=edition, actor=manager)
    result = Result.objects.get(category=organisation, superseded_at__isnull=True)
    assert result.outcome == ResultOutcome.AWAITING_CASTING_VOTE
    assert [step.kind for step in result.tie_break_steps.order_by("position")] == ["head_to_head", "round1_score"]
    with pytest.raises(AwardsError, match="awaits the jury president's casting vote"):
        services.validate_results(edition=edition, actor=manager)
    with pytest.raises(AwardsError, match="Only the jury president"):
        services.record_casting_vote(category=organisation, actor=jurors[1], choice=first)
    with pytest.raises(AwardsError, match="still tied"):
        services.record_casting_vote(category=organisation, actor=jurors[0], choice=third)

    services.record_casting_vote(category=organisation, actor=jurors[0], choice=second, reason="Portée plus large.")

    result = refreshed(result)
    assert result.laureate == second
    casting = result.tie_break_steps.get(kind="casting_vote")
    assert casting.decided_by == jurors[0]
    assert casting.remaining == [str(second.pk)]
    services.validate_results(edition=edition, actor=manager)
    assert refreshed(second).state == NominationState.LAUREATE


def test_withdrawn_laureate_needs_a_recount(edition, officer, manager, jurors):
    edition, (first, second, third) = to_final_vote(edition, manager, jurors, officer)
    organisation = category(edition, "organisation")
    for juror in jurors:
        services.submit_ballot(
            category=organisation, juror=juror, ranks={first.pk: 1, second.pk: 2, third.pk: 3, None: 4}
        )
    services.close_vote(edition=edition, actor=manager)
    services.withdraw_nomination(nomination=first, actor=first.nominator, reason="Le candidat se retire.")

    with pytest.raises(AwardsError, match="count the category again"):
        services.validate_results(edition=edition, actor=manager)
    result = services.recount_category(category=organisation, actor=manager, reason="Retrait du lauréat.")

    assert result.laureate == second
    assert Result.objects.filter(category=organisation).count() == 2
    services.validate_results(edition=edition, actor=manager)


def test_coup_de_coeur_needs_consent(edition, officer, manager, jurors):
    person = eligible(edition, officer, "individu")
    edition, nominations = to_final_vote(edition, manager, jurors, officer)
    organisation = category(edition, "organisation")
    for juror in jurors:
        services.submit_ballot(
            category=organisation,
            juror=juror,
            ranks={nominations[0].pk: 1, nominations[1].pk: 2, nominations[2].pk: 3, None: 4},
        )
    individu = category(edition, "individu")
    for juror in jurors:
        services.submit_ballot(category=individu, juror=juror, ranks={person.pk: 1, None: 2})
    services.close_vote(edition=edition, actor=manager)
    services.validate_results(edition=edition, actor=manager)
    services.withdraw_consent(token=person.token)

    with pytest.raises(AwardsError, match="has not consented"):
        services.set_coup_de_coeur(edition=edition, nomination=person, actor=manager)
    assert not CoupDeCoeur.objects.exists()
    services.announce_results(edition=edition, actor=manager)
    public = selectors.public_results(refreshed(edition))
    individu_line = next(line for line in public["categories"] if line["category"].code == "individu")
    assert individu_line["laureate"] == refreshed(person)
    assert individu_line["laureate"].public_name == ""
