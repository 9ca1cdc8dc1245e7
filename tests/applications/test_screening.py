"""The program officer's screening through the views: guards, permissions and what each action writes.

The actions queue PDFs and e-mails with on_commit. These tests run inside a transaction that never commits,
so the callbacks do not run and only the database writes are checked.
"""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from applications import services
from applications.models import (
    Application,
    ApplicationState,
    InadmissibilityReason,
    InformationRequest,
    ScreeningAnswer,
    Section,
)
from common.models import TransitionLog
from grants.models import Call, ScreeningQuestion
from tests.applications.factories import ApplicationFactory, complete_application
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

S = ApplicationState
YES, NO, NOT_APPLICABLE = (ScreeningAnswer.Answer.YES, ScreeningAnswer.Answer.NO, ScreeningAnswer.Answer.NOT_APPLICABLE)


@pytest.fixture(autouse=True)
def english(client, settings):
    """Serve the pages in English: messages are compared with their msgids, which the French catalogue leaves alone."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


# Setup


def add_questions(call: Call) -> list[ScreeningQuestion]:
    kinds = [
        ScreeningQuestion.Kind.RECEIVABILITY,
        ScreeningQuestion.Kind.RECEIVABILITY,
        ScreeningQuestion.Kind.ELIGIBILITY,
    ]
    return [
        ScreeningQuestion.objects.create(call=call, kind=kind, position=position, text_fr=f"Question {position}")
        for position, kind in enumerate(kinds)
    ]


def representative_of(application: Application):
    return application.organization.memberships.get(is_representative=True).user


@pytest.fixture
def draft():
    application = complete_application(ApplicationFactory())
    add_questions(application.call)
    return application


@pytest.fixture
def submitted(draft):
    return services.submit_application(application=draft, actor=representative_of(draft))


@pytest.fixture
def screening(submitted, officer):
    return services.take_charge(application=submitted, actor=officer)


@pytest.fixture
def incomplete(screening, officer):
    services.request_information(
        application=screening,
        actor=officer,
        sections=[Section.BUDGET],
        items="Le budget détaillé de l'an 2.",
        respond_by=timezone.localdate() + timedelta(days=10),
    )
    return Application.objects.get(pk=screening.pk)


def url(name: str, application: Application) -> str:
    return reverse(f"applications:{name}", kwargs={"pk": application.pk})


def state_of(application: Application) -> str:
    return Application.objects.values_list("state", flat=True).get(pk=application.pk)


def messages_of(response) -> list[tuple[str, str]]:
    return [(message.level_tag, str(message)) for message in get_messages(response.wsgi_request)]


def transitions(application: Application, code: str) -> int:
    return TransitionLog.objects.filter(object_id=str(application.pk), transition=code).count()


def answer_all(application: Application, officer, answer=YES) -> None:
    questions = application.call.screening_questions.all()
    services.save_screening(
        application=application, actor=officer, answers={question.pk: (answer, "") for question in questions}
    )


# Screening page


def test_page_offers_take_charge_when_submitted(client, officer, submitted):
    client.force_login(officer)
    response = client.get(url("screening", submitted))
    assert response.status_code == 200
    assert url("take_charge", submitted) in response.content.decode()
    assert url("detail", submitted) in response.content.decode()


def test_page_shows_checklist_by_kind(client, officer, screening):
    client.force_login(officer)
    response = client.get(url("screening", screening))
    groups = response.context["checklist_form"].groups()
    assert [group["kind"] for group in groups] == [
        ScreeningQuestion.Kind.RECEIVABILITY,
        ScreeningQuestion.Kind.ELIGIBILITY,
    ]
    assert [len(group["rows"]) for group in groups] == [2, 1]


def test_page_404_for_draft(client, officer, draft):
    client.force_login(officer)
    assert client.get(url("screening", draft)).status_code == 404


# Take charge


def test_take_charge_twice_one_transition(client, officer, submitted):
    client.force_login(officer)
    first = client.post(url("take_charge", submitted))
    second = client.post(url("take_charge", submitted))
    assert first.status_code == second.status_code == 302
    assert second["Location"] == url("screening", submitted)
    assert transitions(submitted, "applications.application.taken_in_charge") == 1
    assert ("info", "You already have this file in charge.") in messages_of(second)
    assert Application.objects.get(pk=submitted.pk).officer == officer


def test_take_charge_by_other_officer_rejected(client, officer, screening):
    client.force_login(UserFactory(roles=[Role.PROGRAM_OFFICER]))
    response = client.post(url("take_charge", screening))
    assert response.status_code == 200
    assert response.context["page_error"] == "This file is not waiting to be taken in charge."
    assert Application.objects.get(pk=screening.pk).officer == officer


# Checklist


def test_checklist_partial_save(client, officer, screening):
    first, second, _third = screening.call.screening_questions.all()
    client.force_login(officer)
    response = client.post(
        url("screening", screening),
        {f"answer_{first.pk}": YES, f"comment_{first.pk}": "Reçue à temps.", f"answer_{second.pk}": NOT_APPLICABLE},
    )
    assert response.status_code == 302
    saved = dict(ScreeningAnswer.objects.filter(application=screening).values_list("question_id", "answer"))
    assert saved == {first.pk: YES, second.pk: NOT_APPLICABLE}


def test_checklist_comment_without_answer_keeps_values(client, officer, screening):
    first, second, _third = screening.call.screening_questions.all()
    client.force_login(officer)
    response = client.post(
        url("screening", screening),
        {f"answer_{first.pk}": YES, f"comment_{second.pk}": "Lettre d'appui manquante."},
    )
    assert response.status_code == 200
    assert f"answer_{second.pk}" in response.context["checklist_form"].errors
    assert "Lettre d&#x27;appui manquante." in response.content.decode()
    assert ScreeningAnswer.objects.filter(application=screening).count() == 0


def test_checklist_empty_post_writes_nothing(client, officer, screening):
    client.force_login(officer)
    response = client.post(url("screening", screening), {})
    assert response.status_code == 200
    assert response.context["checklist_form"].non_field_errors()
    assert transitions(screening, "applications.application.screening_saved") == 0


def test_checklist_shows_saved_answers(client, officer, screening):
    question = screening.call.screening_questions.first()
    services.save_screening(application=screening, actor=officer, answers={question.pk: (NO, "Hors délai.")})
    client.force_login(officer)
    response = client.get(url("screening", screening))
    assert response.context["checklist_form"][f"answer_{question.pk}"].value() == NO
    assert "Hors délai." in response.content.decode()


# Request information


def information_data(**overrides) -> dict:
    data = {
        "sections": [Section.BUDGET, Section.DOCUMENTS],
        "items": "Le budget de l'an 2 et la résolution du conseil.",
        "respond_by": (timezone.localdate() + timedelta(days=14)).isoformat(),
    }
    data.update(overrides)
    return data


def test_request_information_records_sections_and_date(client, officer, screening):
    client.force_login(officer)
    response = client.post(url("request_information", screening), information_data())
    assert response.status_code == 302
    request = InformationRequest.objects.get(application=screening)
    assert request.sections == [Section.BUDGET, Section.DOCUMENTS]
    assert request.respond_by == timezone.localdate() + timedelta(days=14)
    assert state_of(screening) == S.INCOMPLETE


def test_request_information_reopens_only_chosen_sections(client, officer, screening):
    client.force_login(officer)
    client.post(url("request_information", screening), information_data())
    application = Application.objects.get(pk=screening.pk)
    assert application.is_open_for(Section.BUDGET)
    assert application.is_open_for(Section.DOCUMENTS)
    assert not application.is_open_for(Section.PROJECT)
    assert not application.is_open_for(Section.ORGANIZATION)


def test_request_information_listed_on_page(client, officer, screening):
    client.force_login(officer)
    client.post(url("request_information", screening), information_data())
    content = client.get(url("screening", screening)).content.decode()
    assert "Budget, Documents" in content
    assert "Le budget de l&#x27;an 2" in content


@pytest.mark.parametrize("days", [0, -1])
def test_request_information_needs_future_date(client, officer, screening, days):
    client.force_login(officer)
    respond_by = (timezone.localdate() + timedelta(days=days)).isoformat()
    response = client.post(url("request_information", screening), information_data(respond_by=respond_by))
    assert response.status_code == 200
    assert "respond_by" in response.context["information_form"].errors
    assert not InformationRequest.objects.exists()
    assert state_of(screening) == S.SCREENING


def test_request_information_needs_sections(client, officer, screening):
    client.force_login(officer)
    response = client.post(url("request_information", screening), information_data(sections=[]))
    assert response.context["information_form"].errors["sections"] == ["Choose at least one section to reopen."]
    assert not InformationRequest.objects.exists()


def test_request_information_twice_is_info(client, officer, screening):
    client.force_login(officer)
    client.post(url("request_information", screening), information_data())
    second = client.post(url("request_information", screening), information_data())
    assert second.status_code == 302
    assert [level for level, _text in messages_of(second)] == ["success", "info"]
    assert InformationRequest.objects.count() == 1


# Declare inadmissible


def inadmissible_data() -> dict:
    return {"reason_code": InadmissibilityReason.INCOMPLETE, "details": "Les documents demandés ne sont pas arrivés."}


def test_declare_inadmissible_from_screening(client, officer, screening):
    client.force_login(officer)
    response = client.post(url("declare_inadmissible", screening), inadmissible_data())
    assert response.status_code == 302
    assert response["Location"] == url("detail", screening)
    application = Application.objects.get(pk=screening.pk)
    assert application.state == S.INADMISSIBLE
    assert application.inadmissibility_reason == InadmissibilityReason.INCOMPLETE


def test_declare_inadmissible_needs_details(client, officer, screening):
    client.force_login(officer)
    response = client.post(url("declare_inadmissible", screening), {"reason_code": "other", "details": "  "})
    assert "details" in response.context["inadmissibility_form"].errors
    assert state_of(screening) == S.SCREENING


@pytest.mark.parametrize("days", [10, 0])
def test_declare_inadmissible_rejected_until_respond_by(client, officer, incomplete, days):
    InformationRequest.objects.filter(application=incomplete).update(
        respond_by=timezone.localdate() + timedelta(days=days)
    )
    client.force_login(officer)
    response = client.post(url("declare_inadmissible", incomplete), inadmissible_data())
    assert response.status_code == 200
    assert response.context["inadmissibility_form"].non_field_errors()
    assert state_of(incomplete) == S.INCOMPLETE
    assert transitions(incomplete, "applications.application.declared_inadmissible") == 0


def test_declare_inadmissible_after_respond_by(client, officer, incomplete):
    # The response date passed: the request is moved back instead of the clock.
    InformationRequest.objects.filter(application=incomplete).update(
        respond_by=timezone.localdate() - timedelta(days=1)
    )
    client.force_login(officer)
    response = client.post(url("declare_inadmissible", incomplete), inadmissible_data())
    assert response.status_code == 302
    assert state_of(incomplete) == S.INADMISSIBLE


def test_declare_inadmissible_twice_is_info(client, officer, screening):
    client.force_login(officer)
    client.post(url("declare_inadmissible", screening), inadmissible_data())
    second = client.post(url("declare_inadmissible", screening), inadmissible_data())
    assert second.status_code == 302
    assert second["Location"] == url("detail", screening)
    assert ("info", "This file was already declared inadmissible.") in messages_of(second)


# Declare receivable


def test_declare_receivable_rejected_while_unanswered(client, officer, screening):
    first = screening.call.screening_questions.first()
    services.save_screening(application=screening, actor=officer, answers={first.pk: (YES, "")})
    client.force_login(officer)
    response = client.post(url("declare_receivable", screening))
    assert response.status_code == 200
    assert response.context["receivable_error"] == "Answer every question of the screening checklist first (2 left)."
    assert state_of(screening) == S.SCREENING


def test_declare_receivable_rejected_with_no(client, officer, screening):
    answer_all(screening, officer)
    last = screening.call.screening_questions.last()
    services.save_screening(application=screening, actor=officer, answers={last.pk: (NO, "Projet hors programme.")})
    client.force_login(officer)
    response = client.post(url("declare_receivable", screening))
    assert response.status_code == 200
    assert "« no »" in response.context["receivable_error"]
    assert state_of(screening) == S.SCREENING


def test_declare_receivable_sends_to_review(client, officer, screening):
    answer_all(screening, officer)
    client.force_login(officer)
    response = client.post(url("declare_receivable", screening))
    assert response.status_code == 302
    assert response["Location"] == url("detail", screening)
    assert state_of(screening) == S.UNDER_REVIEW


def test_declare_receivable_twice_is_info(client, officer, screening):
    answer_all(screening, officer)
    client.force_login(officer)
    client.post(url("declare_receivable", screening))
    second = client.post(url("declare_receivable", screening))
    assert second.status_code == 302
    assert ("info", "This file was already declared receivable.") in messages_of(second)


def test_declare_receivable_rejected_while_incomplete(client, officer, incomplete):
    answer_all(incomplete, officer)
    client.force_login(officer)
    response = client.post(url("declare_receivable", incomplete))
    assert response.status_code == 200
    assert response.context["receivable_error"] == "Only a file being screened can be declared receivable."


# Extension


def extension_data(days: int = 5) -> dict:
    return {
        "until_date": (timezone.localdate() + timedelta(days=days)).isoformat(),
        "until_time": "16:30",
        "reason": "Panne informatique chez l'organisme la veille de la date limite.",
    }


def close_call(application: Application) -> None:
    Call.objects.filter(pk=application.call_id).update(closes_at=timezone.now() - timedelta(minutes=1))


def test_extension_lets_late_submission_through(client, officer, draft):
    client.force_login(officer)
    response = client.post(url("extend", draft), extension_data())
    assert response.status_code == 302
    close_call(draft)
    submitted = services.submit_application(
        application=Application.objects.get(pk=draft.pk), actor=representative_of(draft)
    )
    assert submitted.state == S.SUBMITTED


def test_late_submission_rejected_without_extension(draft):
    close_call(draft)
    with pytest.raises(services.ApplicationError):
        services.submit_application(application=Application.objects.get(pk=draft.pk), actor=representative_of(draft))
    assert state_of(draft) == S.DRAFT


def test_extension_stored_in_montreal_time(client, officer, draft):
    client.force_login(officer)
    client.post(url("extend", draft), extension_data())
    until = Application.objects.get(pk=draft.pk).extended_until
    local = timezone.localtime(until, timezone.get_default_timezone())
    assert (local.date(), local.strftime("%H:%M")) == (timezone.localdate() + timedelta(days=5), "16:30")


def test_extension_in_past_rejected(client, officer, draft):
    client.force_login(officer)
    response = client.post(url("extend", draft), extension_data(days=-1))
    assert response.status_code == 200
    assert "until_date" in response.context["form"].errors
    assert Application.objects.get(pk=draft.pk).extended_until is None


def test_extension_twice_is_info(client, officer, draft):
    client.force_login(officer)
    client.post(url("extend", draft), extension_data())
    second = client.post(url("extend", draft), extension_data())
    assert second.status_code == 302
    assert ("info", "This extension was already granted.") in messages_of(second)
    assert transitions(draft, "applications.application.extension_granted") == 1


def test_extension_page_404_once_submitted(client, officer, submitted):
    client.force_login(officer)
    assert client.get(url("extend", submitted)).status_code == 404


def test_extension_post_after_submission_shows_error(client, officer, submitted):
    client.force_login(officer)
    response = client.post(url("extend", submitted), extension_data())
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Only an application not yet submitted can get an extension."
    ]


# Access


NON_OFFICERS = ["representative", "member", "outsider", *(role.value for role in Role if role != Role.PROGRAM_OFFICER)]
SCREENING_URLS = ["screening", "take_charge", "request_information", "declare_inadmissible", "declare_receivable"]


def non_officer(persona: str, application: Application):
    if persona == "representative":
        return representative_of(application)
    if persona == "member":
        return MembershipFactory(organization=application.organization).user
    if persona == "outsider":
        return MembershipFactory(organization=OrganizationFactory(), is_representative=True).user
    return UserFactory(roles=[persona])


@pytest.mark.parametrize("persona", NON_OFFICERS)
@pytest.mark.parametrize("name", SCREENING_URLS)
def test_screening_urls_404_for_non_officers(client, screening, name, persona):
    client.force_login(non_officer(persona, screening))
    assert client.get(url(name, screening)).status_code == 404
    assert client.post(url(name, screening), {**information_data(), **inadmissible_data()}).status_code == 404
    assert state_of(screening) == S.SCREENING


@pytest.mark.parametrize("persona", NON_OFFICERS)
def test_take_charge_404_for_non_officers(client, submitted, persona):
    client.force_login(non_officer(persona, submitted))
    assert client.post(url("take_charge", submitted)).status_code == 404
    assert state_of(submitted) == S.SUBMITTED


@pytest.mark.parametrize("persona", NON_OFFICERS)
def test_extension_404_for_non_officers(client, draft, persona):
    client.force_login(non_officer(persona, draft))
    assert client.get(url("extend", draft)).status_code == 404
    assert client.post(url("extend", draft), extension_data()).status_code == 404
    assert Application.objects.get(pk=draft.pk).extended_until is None


@pytest.mark.parametrize("name", [*SCREENING_URLS, "extend"])
def test_screening_urls_send_anonymous_to_login(client, screening, name):
    response = client.get(url(name, screening))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_action_get_returns_to_page(client, officer, screening):
    client.force_login(officer)
    response = client.get(url("request_information", screening))
    assert response["Location"] == url("screening", screening)


def test_pages_render_in_french(client, officer, screening, settings):
    other_draft = ApplicationFactory()
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    client.force_login(officer)
    for page in (url("screening", screening), url("extend", other_draft), reverse("applications:list")):
        response = client.get(page)
        assert response.status_code == 200, page
        assert response["Content-Language"] == "fr", page


def test_resubmission_issues_new_summary_version(django_capture_on_commit_callbacks):
    from common.models import Document

    application = complete_application(ApplicationFactory())
    representative = application.organization.memberships.get(is_representative=True).user
    officer = UserFactory(roles=["program_officer"])
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_application(application=application, actor=representative)
        services.take_charge(application=application, actor=officer)
        services.request_information(
            application=application,
            actor=officer,
            sections=["budget"],
            items="Budget détaillé",
            respond_by=timezone.localdate() + timedelta(days=10),
        )
        services.resubmit_application(application=application, actor=representative)
    versions = Document.objects.filter(object_id=str(application.pk), kind="applications.summary").count()
    assert versions == 2
