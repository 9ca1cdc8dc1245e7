"""A reviewer who declared a conflict of interest on a file sees nothing more of it, anywhere.

The person holds the reviewer role, and in half of the cases the committee member role too. They declare a
conflict on the « secret » file, which other reviewers then review to the end, and review the « visible »
file of another organization, so that every list has something to show. Each page must then show the visible
file and nothing of the secret one, and every URL of the secret file must return 404. A committee member in
conflict sees only the reference of the secret file in the ranking and its exports.
"""

import csv
import io
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import Organization, User
from applications.models import Application
from common.dashboards import panels_for
from common.documents import generate_document
from common.models import Notification
from reviews import services
from reviews.models import AssignmentState, ConflictKind, ReviewAssignment
from reviews.reminders import send_reminders
from tests.factories import CallFactory, UserFactory
from tests.reviews.conftest import accept, assign, make_under_review, submitted_review

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Cercles secrets du Lac-Témiscouata"
SECRET_ORGANIZATION = "Maison des jeunes du Lac-Témiscouata"
# Scores (9.5, 9, 8.5) on criteria weighted 40, 35 and 25 give a total of 90.75 on 100.
SECRET_SCORES = (Decimal("9.5"), Decimal("9"), Decimal("8.5"))
SECRET_TOTALS = ("90.75", "90,75")
VISIBLE_TITLE = "Projet témoin des Îles-de-la-Madeleine"
VISIBLE_ORGANIZATION = "Carrefour jeunesse des Îles"

REVIEWER = ["reviewer"]
REVIEWER_AND_MEMBER = ["reviewer", "committee_member"]


@dataclass
class Scenario:
    person: User
    officer: User
    secret: Application
    visible: Application
    conflicted: ReviewAssignment  # the person's assignment to the secret file, declined for a conflict
    reviewed: ReviewAssignment  # the person's submitted review of the visible file

    def secret_strings(self) -> list[str]:
        return [self.secret.reference, SECRET_TITLE, SECRET_ORGANIZATION]


def file_of(call, officer, *, title: str, organization_name: str) -> Application:
    """A file of `call` under review, with a title and an organization name found nowhere else."""
    application = make_under_review(officer, call=call)
    Application.objects.filter(pk=application.pk).update(title=title)
    Organization.objects.filter(pk=application.organization_id).update(name=organization_name)
    return Application.objects.get(pk=application.pk)


def declare_conflict(assignment) -> ReviewAssignment:
    return services.declare_conflict(
        assignment=assignment, actor=assignment.reviewer, has_conflict=True, kind=ConflictKind.FAMILY
    )


def build_scenario(officer, roles) -> Scenario:
    """Take both files to « evaluated » through the services, the person in conflict with the secret one."""
    call = CallFactory(passing_score=Decimal("60"))
    person = UserFactory(roles=roles)
    secret = file_of(call, officer, title=SECRET_TITLE, organization_name=SECRET_ORGANIZATION)
    visible = file_of(call, officer, title=VISIBLE_TITLE, organization_name=VISIBLE_ORGANIZATION)

    conflicted = declare_conflict(assign(secret, person, officer))
    for _ in range(2):
        submitted_review(accept(assign(secret, UserFactory(roles=REVIEWER), officer)), values=SECRET_SCORES)
    services.close_review(application=secret, actor=officer)

    reviewed = submitted_review(accept(assign(visible, person, officer)), values=(7, 7, 7))
    submitted_review(accept(assign(visible, UserFactory(roles=REVIEWER), officer)), values=(7, 7, 7))
    services.close_review(application=visible, actor=officer)

    return Scenario(
        person=person,
        officer=officer,
        secret=Application.objects.get(pk=secret.pk),
        visible=Application.objects.get(pk=visible.pk),
        conflicted=conflicted,
        reviewed=reviewed,
    )


@pytest.fixture(params=["reviewer", "reviewer_and_committee_member"])
def scenario(request, officer) -> Scenario:
    roles = REVIEWER if request.param == "reviewer" else REVIEWER_AND_MEMBER
    return build_scenario(officer, roles)


@pytest.fixture
def member_scenario(officer) -> Scenario:
    return build_scenario(officer, REVIEWER_AND_MEMBER)


def page_text(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    return response.content.decode()


def assert_nothing_of_secret(text: str, scenario: Scenario) -> None:
    for secret in scenario.secret_strings():
        assert secret not in text, secret
    for total in SECRET_TOTALS:
        assert total not in text, total


# --- Every URL of the secret file returns 404 ------------------------------------------------------


def first_attachment(application: Application) -> int:
    return application.attachments.order_by("pk").values_list("pk", flat=True).first()


def document_url(application: Application, kind: str) -> str:
    document = generate_document(owner=application, kind=kind)
    return reverse("common:document_download", kwargs={"pk": document.pk})


def assignment_url(name):
    return lambda s: reverse(f"reviews:{name}", kwargs={"pk": s.conflicted.pk})


SECRET_URLS = [
    pytest.param("get", assignment_url("assignment"), id="assignment"),
    pytest.param("post", assignment_url("declare_conflict"), id="declare-conflict"),
    pytest.param("post", assignment_url("decline"), id="decline"),
    pytest.param("post", assignment_url("score"), id="score"),
    pytest.param(
        "get",
        lambda s: reverse(
            "reviews:attachment_download",
            kwargs={"pk": s.conflicted.pk, "attachment_id": first_attachment(s.secret)},
        ),
        id="assignment-attachment",
    ),
    pytest.param("get", lambda s: reverse("applications:detail", kwargs={"pk": s.secret.pk}), id="file-page"),
    pytest.param(
        "get",
        lambda s: reverse(
            "applications:attachment_download",
            kwargs={"pk": s.secret.pk, "attachment_id": first_attachment(s.secret)},
        ),
        id="file-attachment",
    ),
    pytest.param("get", lambda s: document_url(s.secret, "applications.receipt"), id="receipt-pdf"),
    pytest.param("get", lambda s: document_url(s.secret, "reviews.scorecard"), id="scorecard-pdf"),
    pytest.param("get", lambda s: reverse("reviews:file_reviews", kwargs={"pk": s.secret.pk}), id="officer-page"),
    pytest.param("get", lambda s: reverse("reviews:recommend", kwargs={"pk": s.secret.pk}), id="recommend-page"),
    pytest.param("post", lambda s: reverse("reviews:recommend", kwargs={"pk": s.secret.pk}), id="recommend-form"),
    pytest.param("get", lambda s: reverse("reviews:decide", kwargs={"pk": s.secret.pk}), id="decision-page"),
]


@pytest.mark.parametrize(("method", "url_of"), SECRET_URLS)
def test_secret_file_urls_return_404(client, scenario, method, url_of):
    url = url_of(scenario)
    client.force_login(scenario.person)

    response = client.get(url) if method == "get" else client.post(url, {"decision": "recommend", "amount_1": "1"})

    assert response.status_code == 404
    assert_nothing_of_secret(response.content.decode(), scenario)


def test_visible_file_urls_open(client, member_scenario):
    """The same kinds of URL open for the file without a conflict, so the 404s above come from the conflict."""
    scenario = member_scenario
    client.force_login(scenario.person)
    assignment_page = reverse("reviews:assignment", kwargs={"pk": scenario.reviewed.pk})
    attachment = reverse(
        "reviews:attachment_download",
        kwargs={"pk": scenario.reviewed.pk, "attachment_id": first_attachment(scenario.visible)},
    )
    recommend_page = reverse("reviews:recommend", kwargs={"pk": scenario.visible.pk})

    assert client.get(assignment_page).status_code == 200
    assert client.get(attachment).status_code == 200
    assert client.get(recommend_page).status_code == 200


# --- Lists, counts and search ------------------------------------------------------------------------


def test_my_assignments_list_omits_secret_file(client, scenario):
    client.force_login(scenario.person)

    response = client.get(reverse("reviews:my_assignments"))

    assert [assignment.pk for assignment in response.context["assignments"]] == [scenario.reviewed.pk]
    text = response.content.decode()
    assert scenario.visible.reference in text
    assert_nothing_of_secret(text, scenario)


def test_reviews_panel_counts_omit_secret_file(scenario):
    panel = next(panel for panel in panels_for(scenario.person) if panel.template == "reviews/panel.html")

    assert [row["total"] for row in panel.context["rows"]] == [0, 0, 1]
    assert panel.context["upcoming"] == []


def test_dashboard_omits_secret_title_and_organization(client, scenario):
    text = page_text(client, scenario.person, reverse("accounts:dashboard"))

    assert SECRET_TITLE not in text
    assert SECRET_ORGANIZATION not in text
    for total in SECRET_TOTALS:
        assert total not in text, total


def test_dashboard_omits_secret_reference(client, scenario):
    text = page_text(client, scenario.person, reverse("accounts:dashboard"))

    assert scenario.secret.reference not in text


def test_notification_list_omits_secret_file(client, scenario):
    text = page_text(client, scenario.person, reverse("common:notification_list"))

    assert_nothing_of_secret(text, scenario)


# A word of the secret title and organization name, so that a page echoing the search shows no full name.
SEARCH_TERM = "Témiscouata"


@pytest.mark.parametrize(
    "url_name",
    [
        "reviews:my_assignments",
        "applications:list",
        "accounts:organization_list",
        "common:notification_list",
    ],
)
def test_search_finds_nothing_of_secret_file(client, scenario, url_name):
    client.force_login(scenario.person)

    for term in (SEARCH_TERM, scenario.secret.reference):
        response = client.get(reverse(url_name), {"q": term})

        assert response.status_code in (200, 404)
        text = response.content.decode()
        for secret in scenario.secret_strings():
            if secret != term:
                assert secret not in text, (term, secret)


# --- Notifications and reminders -------------------------------------------------------------------


def test_no_reminder_for_declined_assignment(officer):
    call = CallFactory()
    person = UserFactory(roles=REVIEWER)
    colleague = UserFactory(roles=REVIEWER)
    secret = file_of(call, officer, title=SECRET_TITLE, organization_name=SECRET_ORGANIZATION)
    due_on = timezone.localdate() + timedelta(days=3)
    conflicted = declare_conflict(
        services.assign_reviewer(application=secret, reviewer=person, due_on=due_on, actor=officer)
    )
    accept(services.assign_reviewer(application=secret, reviewer=colleague, due_on=due_on, actor=officer))
    declared_at = conflicted.declaration.declared_at

    # Today the review is due in 3 days (« soon »), and the second run is on the due date (« today »).
    call_command("remind_reviewers", stdout=io.StringIO())
    send_reminders(today=due_on)

    assert Notification.objects.filter(recipient=colleague, event="reviews.reminder").count() == 2
    assert not Notification.objects.filter(recipient=person, event="reviews.reminder").exists()
    assert not Notification.objects.filter(recipient=person, created_at__gte=declared_at).exists()
    assert ReviewAssignment.objects.get(pk=conflicted.pk).state == AssignmentState.DECLINED


# --- Ranking and its exports, for a committee member in conflict ----------------------------------


def ranking_url(scenario, name="ranking") -> str:
    return reverse(f"reviews:{name}", kwargs={"code": scenario.secret.call.code})


def test_ranking_page_shows_only_reference(client, member_scenario):
    scenario = member_scenario
    text = page_text(client, scenario.person, ranking_url(scenario))

    assert scenario.secret.reference in text
    assert "Conflict of interest" in text
    assert SECRET_TITLE not in text
    assert SECRET_ORGANIZATION not in text
    assert "90.75" not in text
    assert VISIBLE_TITLE in text
    assert "70.00" in text
    # The sums committed include the secret file's amounts, so they are not shown either.
    assert "Committed so far" not in text


def test_ranking_csv_shows_only_reference(client, member_scenario):
    scenario = member_scenario
    client.force_login(scenario.person)

    content = client.get(ranking_url(scenario, "ranking_csv")).content.decode("utf-8-sig")

    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    masked = next(row for row in rows if row[1] == scenario.secret.reference)
    assert masked[2] == "Conflict of interest"
    assert all(cell == "" for cell in masked[3:])
    assert SECRET_TITLE not in content
    assert SECRET_ORGANIZATION not in content
    assert "90,75" not in content
    assert VISIBLE_TITLE in content


def test_ranking_xlsx_shows_only_reference(client, member_scenario):
    scenario = member_scenario
    client.force_login(scenario.person)

    response = client.get(ranking_url(scenario, "ranking_xlsx"))

    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    masked = next(row for row in rows if row[1] == scenario.secret.reference)
    assert masked[2] == "Conflict of interest"
    assert all(cell is None for cell in masked[3:])
    cells = {str(cell) for row in rows for cell in row if cell is not None}
    assert SECRET_TITLE not in cells
    assert SECRET_ORGANIZATION not in cells
    assert VISIBLE_TITLE in cells


def test_docket_shows_only_reference(client, member_scenario):
    scenario = member_scenario
    client.force_login(scenario.person)

    response = client.get(ranking_url(scenario, "docket"))

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert scenario.secret.reference in text
    assert "Conflit d’intérêts" in text
    assert "Témiscouata" not in text
    assert "90,75" not in text
    assert "Madeleine" in text
    assert "Engagé" not in text


@pytest.mark.parametrize("name", ["ranking", "ranking_csv", "ranking_xlsx", "docket"])
def test_ranking_404_for_reviewer_only(client, officer, name):
    scenario = build_scenario(officer, REVIEWER)
    client.force_login(scenario.person)

    assert client.get(ranking_url(scenario, name)).status_code == 404
