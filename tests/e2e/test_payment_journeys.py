"""The funding agreement of an approved file in Chromium, from the signature to the last payment.

The representative signs the agreement the officer sent, the decision maker countersigns it, and two finance
officers pay each installment: one approves it, the other records the payment. The organization reports on
each project year, the officer requests one revision, and accepting the final report settles the holdback.

The three tests each start from the state the previous one reaches, set up through the real services, so that
each runs alone. The project started three years before today, so that every date typed is in the past.

Form fields are found by id, so that they do not depend on the wording. The site is in French. `fr` and `label`
translate a msgid or a state with the catalogue the pages use, so the checks keep passing when a translation
changes.
"""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from accounts.models import Organization, Role
from applications.models import Application
from common.templatetags.formats import long_date
from grants.models import Envelope
from payments import reports, services
from payments.models import (
    Agreement,
    AgreementState,
    Installment,
    InstallmentKind,
    InstallmentState,
    ReportKind,
    ReportState,
)
from tests.e2e.conftest import login
from tests.factories import MembershipFactory, UserFactory
from tests.payments.conftest import approved_agreement, fill_and_submit, funded_call, pay, representative_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Intimidation-Zero-2026"
ORGANIZATION = "Carrefour jeunesse de la Petite-Patrie"
PROJECT_TITLE = "Brigades de pairs aidants dans les écoles secondaires"
REPRESENTATIVE = ("Isabelle", "Gauthier", "isabelle.gauthier@exemple.qc.ca")
MEMBER = ("Olivier", "Paquette", "olivier.paquette@exemple.qc.ca")
OFFICER = ("Nadia", "Bélanger", "nadia.belanger@famille.gouv.qc.ca")
DECISION_MAKER = ("André", "Lavoie", "andre.lavoie@famille.gouv.qc.ca")
FINANCE_A = ("Chantal", "Roy", "chantal.roy@famille.gouv.qc.ca")
FINANCE_B = ("Martin", "Fortin", "martin.fortin@famille.gouv.qc.ca")
# Two project years of 40 000 $ and 30 000 $. The call holds back 10 % (7 000 $) until the final report, and the
# rest is paid in proportion to the years, so 36 000 $ on activation and 27 000 $ once the year-1 report is accepted.
AMOUNTS = ("40000", "30000")
SIGNER_NAME = "Isabelle Gauthier"
SIGNER_TITLE = "Directrice générale"


# The text of the pages


def fr(message: str, **values) -> str:
    """Return `message` as the French pages show it, with `values` put in its %(name)s placeholders."""
    with translation.override("fr"):
        text = gettext(message)
    return text % values if values else text


def label(choice) -> str:
    """Return the French label of a TextChoices member, as get_FOO_display shows it."""
    with translation.override("fr"):
        return str(choice.label)


def french_date(value: date) -> str:
    with translation.override("fr"):
        return long_date(value)


def path_pattern(name: str, **kwargs) -> re.Pattern:
    # Chromium may keep the fragment of the previous URL across a redirect.
    return re.compile(re.escape(reverse(name, kwargs=kwargs)) + "(#[^/]*)?$")


def button(page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def link(page, name: str):
    return page.get_by_role("link", name=name, exact=True)


def heading(page):
    return page.get_by_role("heading", level=1)


def message(page):
    """Return the message the previous action left at the top of the page."""
    return page.locator(".messages [role=status]")


def agreement_state(page):
    return page.locator(".file-header .status")


def report_state(page):
    # The due date may carry an « overdue » status too, which has the status-closed class.
    return page.locator("dl.facts .status:not(.status-closed)")


def installment_row(page, number: int):
    return page.locator(f"#installment-{number}")


def report_title(kind: str, number: int) -> str:
    if kind == ReportKind.FINAL:
        return fr("Final report")
    return fr("Progress report – year %(number)s", number=number)


def sign_out(page) -> None:
    button(page, fr("Sign out")).click()
    expect(page).to_have_url(path_pattern("home"))


def sign_in(page, live_server, checkpoint, person: tuple[str, str, str]) -> None:
    """Sign in as `person`, then check the dashboard that the person's role gets."""
    login(page, live_server, person[2], PASSWORD)
    checkpoint(f"dashboard-{person[2].split('@')[0]}")


# Setup through the services


def full_name(person: tuple[str, str, str]) -> str:
    return f"{person[0]} {person[1]}"


def user(person: tuple[str, str, str], *roles: str):
    first_name, last_name, email = person
    account = UserFactory(roles=list(roles), email=email, first_name=first_name, last_name=last_name)
    account.set_password(PASSWORD)
    account.save()
    return account


def project_start() -> date:
    """Return 1 July three years ago, so that the two project years and the final report's due date are past."""
    return date(timezone.localdate().year - 3, 7, 1)


@pytest.fixture
def people(db):
    # A transactional test empties every table after it runs, the groups of the data migrations included.
    for role in Role.values:
        Group.objects.get_or_create(name=role)
    return {
        "officer": user(OFFICER, Role.PROGRAM_OFFICER),
        "decision_maker": user(DECISION_MAKER, Role.DECISION_MAKER),
        "finance_a": user(FINANCE_A, Role.FINANCE_OFFICER),
        "finance_b": user(FINANCE_B, Role.FINANCE_OFFICER),
    }


@pytest.fixture
def agreement(people) -> Agreement:
    """The draft agreement of a file approved for 40 000 $ and 30 000 $, handled by the officer.

    The organization has a representative and a second member, both able to sign in.
    """
    start = project_start()
    call = funded_call()
    # funded_call gives envelopes from 2026-2027 on, but the approval needs one for each fiscal year of the project.
    for start_year in range(start.year, start.year + 3):
        Envelope.objects.get_or_create(
            call=call, fiscal_year=f"{start_year}-{start_year + 1}", defaults={"amount": Decimal("10000000")}
        )
    agreement = approved_agreement(AMOUNTS, starts_on=start, call=call, decision_maker=people["decision_maker"])
    application = agreement.application
    Application.objects.filter(pk=application.pk).update(title=PROJECT_TITLE, officer=people["officer"])
    Organization.objects.filter(pk=application.organization_id).update(name=ORGANIZATION)

    representative = representative_of(agreement)
    representative.first_name, representative.last_name, representative.email = REPRESENTATIVE
    representative.set_password(PASSWORD)
    representative.save()
    member = MembershipFactory(
        organization_id=application.organization_id,
        user__first_name=MEMBER[0],
        user__last_name=MEMBER[1],
        user__email=MEMBER[2],
    ).user
    member.set_password(PASSWORD)
    member.save()
    return Agreement.objects.get(pk=agreement.pk)


def installment(agreement: Agreement, number: int) -> Installment:
    return agreement.installments.get(number=number)


def active_with_first_payment(agreement: Agreement, people) -> Agreement:
    """Send, sign, countersign, and pay installment 1 on its planned date, through the services."""
    agreement = services.send_for_signature(agreement=agreement, actor=people["officer"])
    agreement = services.sign_agreement(
        agreement=agreement,
        actor=representative_of(agreement),
        signer_name=SIGNER_NAME,
        signer_title=SIGNER_TITLE,
        document_sha256=agreement.sent_document_sha256,
    )
    agreement = services.countersign_agreement(agreement=agreement, actor=people["decision_maker"])
    first = installment(agreement, 1)
    pay(first, people["finance_a"], people["finance_b"], paid_on=first.due_on)
    return agreement


# Browser steps shared by the tests


def approve_and_pay(page, live_server, checkpoint, agreement: Agreement, number: int, amount: str) -> None:
    """Finance officer A approves installment `number` from the finance queue, then B records its payment.

    The payment is dated with the installment's planned date, which the project dates put in the past.
    """
    reference = agreement.reference
    planned = installment(agreement, number)
    row_link = f"{reference} – {fr('installment %(number)s', number=number)}"

    sign_in(page, live_server, checkpoint, FINANCE_A)
    link(page, fr("Open the finance queue")).click()
    expect(page).to_have_url(path_pattern("payments:finance_queue"))
    expect(heading(page)).to_have_text(fr("Finance queue"))
    row = page.locator("main table tbody tr").filter(has=link(page, row_link))
    expect(row).to_have_count(1)
    expect(row).to_contain_text(amount)
    expect(row).to_contain_text(label(InstallmentState.DUE))
    checkpoint(f"queue-due-{number}")
    link(page, row_link).click()
    expect(page).to_have_url(path_pattern("payments:agreement", pk=agreement.pk))
    button(page, fr("Approve installment %(number)s for payment", number=number)).click()
    expect(page).to_have_url(path_pattern("payments:agreement", pk=agreement.pk))
    expect(message(page)).to_have_text(
        fr("Installment %(number)s is approved. Another finance officer must record its payment.", number=number)
    )
    row = installment_row(page, number)
    expect(row.locator(".status")).to_have_text(label(InstallmentState.APPROVED))
    expect(row).to_contain_text(fr("You approved it; another finance officer records the payment."))
    expect(link(page, fr("Record the payment of installment %(number)s", number=number))).to_have_count(0)
    checkpoint(f"approved-{number}")
    sign_out(page)

    sign_in(page, live_server, checkpoint, FINANCE_B)
    link(page, fr("Approved, waiting for payment")).click()
    row = page.locator("main table tbody tr").filter(has=link(page, row_link))
    expect(row).to_contain_text(label(InstallmentState.APPROVED))
    expect(row).to_contain_text(full_name(FINANCE_A))
    checkpoint(f"queue-approved-{number}")
    link(page, row_link).click()
    link(page, fr("Record the payment of installment %(number)s", number=number)).click()
    expect(page).to_have_url(path_pattern("payments:installment_pay", pk=planned.pk))
    expect(heading(page)).to_have_text(fr("Record the payment of installment %(number)s", number=number))
    checkpoint(f"payment-form-{number}")
    payment_reference = f"VIR-{planned.due_on:%Y%m%d}-{number:02d}"
    page.locator("#id_paid_on").fill(planned.due_on.isoformat())
    page.locator("#id_reference").fill(payment_reference)
    button(page, fr("Record the payment")).click()
    expect(page).to_have_url(path_pattern("payments:agreement", pk=agreement.pk))
    expect(message(page)).to_have_text(
        fr(
            "The payment of installment %(number)s is recorded. The payment notice is being prepared.",
            number=number,
        )
    )
    row = installment_row(page, number)
    expect(row.locator(".status")).to_have_text(label(InstallmentState.PAID))
    expect(row).to_contain_text(fr("Paid on %(date)s", date=french_date(planned.due_on)))
    expect(row).to_contain_text(fr("Reference: %(reference)s", reference=payment_reference))
    notice = link(page, fr("Payment notice of installment %(number)s (PDF)", number=number))
    expect(notice).to_have_count(1)
    checkpoint(f"paid-{number}")
    response = page.request.get(live_server.url + notice.get_attribute("href"))
    assert response.status == 200
    assert response.body().startswith(b"%PDF")
    sign_out(page)

    planned.refresh_from_db()
    assert planned.state == InstallmentState.PAID
    assert planned.paid_on == planned.due_on
    assert planned.approved_by.email == FINANCE_A[2]
    assert planned.paid_by.email == FINANCE_B[2]


def open_submitted_report(page, live_server, checkpoint, report) -> None:
    """Sign in as the officer and open `report` from the list of the reports waiting for review."""
    sign_in(page, live_server, checkpoint, OFFICER)
    link(page, fr("Submitted, waiting for review")).click()
    expect(page).to_have_url(re.compile(re.escape(reverse("payments:reports")) + r"\?state=submitted$"))
    checkpoint(f"reports-submitted-{report.kind}-{report.number}")
    title = report_title(report.kind, report.number)
    link(page, f"{title} – {report.agreement.reference}").click()
    expect(page).to_have_url(path_pattern("payments:report", pk=report.pk))
    expect(heading(page)).to_have_text(title)


# The journeys


def test_signature_and_first_payment(live_server, page, checkpoint, people, agreement):
    reference = agreement.reference
    agreement = services.send_for_signature(agreement=agreement, actor=people["officer"])

    # The representative opens the agreement from the file page and signs it electronically.
    login(page, live_server, REPRESENTATIVE[2], PASSWORD, checkpoint)
    checkpoint("dashboard-isabelle.gauthier")
    link(page, reference).click()
    expect(page).to_have_url(path_pattern("applications:detail", pk=agreement.application_id))
    card = page.locator("section[aria-labelledby=agreement-title]")
    expect(card).to_contain_text(
        fr("State: %(state)s. Total: %(total)s.", state=label(AgreementState.SENT_FOR_SIGNATURE), total="70 000,00 $")
    )
    checkpoint("file")
    link(page, fr("See the agreement, its installments and its reports")).click()
    expect(page).to_have_url(path_pattern("payments:agreement", pk=agreement.pk))
    expect(heading(page)).to_have_text(fr("Funding agreement – file %(reference)s", reference=reference))
    expect(agreement_state(page)).to_have_text(label(AgreementState.SENT_FOR_SIGNATURE))
    for number, amount in ((1, "36 000,00 $"), (2, "27 000,00 $"), (3, "7 000,00 $")):
        expect(installment_row(page, number).locator("td.number")).to_have_text(amount)
        expect(installment_row(page, number).locator(".status")).to_have_text(label(InstallmentState.SCHEDULED))
    expect(page.locator("section[aria-labelledby=schedule-title] tfoot")).to_contain_text("70 000,00 $")
    # The reports' due dates are past, but a report is overdue only once the agreement is active.
    overdue_marks = page.locator("section[aria-labelledby=reports-title] .status-closed")
    expect(overdue_marks).to_have_count(0)
    checkpoint("agreement-sent")
    link(page, fr("Read and sign the agreement")).click()
    expect(page).to_have_url(path_pattern("payments:agreement_sign", pk=agreement.pk))
    expect(heading(page)).to_have_text(fr("Sign the agreement"))
    expect(page.locator("section[aria-labelledby=version-title] code")).to_have_text(agreement.sent_document_sha256)
    checkpoint("sign")
    page.locator("#id_electronic-signer_name").fill(SIGNER_NAME)
    page.locator("#id_electronic-signer_title").fill(SIGNER_TITLE)
    page.locator("#id_electronic-has_read").check()
    button(page, fr("Sign the agreement")).click()
    expect(page).to_have_url(path_pattern("payments:agreement", pk=agreement.pk))
    expect(message(page)).to_have_text(
        fr("You signed the agreement. The decision-making authority is asked to countersign it.")
    )
    expect(agreement_state(page)).to_have_text(label(AgreementState.SIGNED_BY_ORGANIZATION))
    signatures = page.locator("section[aria-labelledby=signatures-title]")
    expect(signatures).to_contain_text(f"{SIGNER_NAME}, {SIGNER_TITLE}")
    expect(signatures).to_contain_text(fr("Signed electronically."))
    expect(signatures).to_contain_text(fr("Not countersigned yet"))
    checkpoint("signed")
    sign_out(page)

    # The decision maker finds the signed agreement in the list and countersigns it.
    sign_in(page, live_server, checkpoint, DECISION_MAKER)
    page.goto(live_server.url + reverse("payments:agreements"))
    checkpoint("agreements")
    page.locator("#id_state").select_option(AgreementState.SIGNED_BY_ORGANIZATION.value)
    button(page, fr("Filter")).click()
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(label(AgreementState.SIGNED_BY_ORGANIZATION))
    checkpoint("agreements-signed")
    link(page, reference).click()
    expect(page).to_have_url(path_pattern("payments:agreement", pk=agreement.pk))
    checkpoint("agreement-to-countersign")
    button(page, fr("Countersign the agreement")).click()
    expect(message(page)).to_have_text(
        fr("The agreement is countersigned and now active. Its first installment is due.")
    )
    expect(agreement_state(page)).to_have_text(label(AgreementState.ACTIVE))
    expect(installment_row(page, 1).locator(".status")).to_have_text(label(InstallmentState.DUE))
    expect(installment_row(page, 2).locator(".status")).to_have_text(label(InstallmentState.SCHEDULED))
    expect(page.locator("section[aria-labelledby=signatures-title]")).to_contain_text(full_name(DECISION_MAKER))
    expect(overdue_marks).to_have_count(3)
    checkpoint("active")
    sign_out(page)

    # Two finance officers approve, then pay, installment 1.
    approve_and_pay(page, live_server, checkpoint, agreement, 1, "36 000,00 $")

    # The representative sees the payment and its notice.
    sign_in(page, live_server, checkpoint, REPRESENTATIVE)
    panel_rows = page.locator("table:has(caption) tbody tr").filter(has_text="36 000,00 $")
    expect(panel_rows).to_contain_text(fr("Paid on %(date)s", date=french_date(agreement.starts_on)))
    link(page, fr("See the agreement")).click()
    expect(page).to_have_url(path_pattern("payments:agreement", pk=agreement.pk))
    expect(link(page, fr("Payment notice of installment %(number)s (PDF)", number=1))).to_have_count(1)
    checkpoint("agreement-paid-organization")

    agreement.refresh_from_db()
    assert agreement.state == AgreementState.ACTIVE
    assert agreement.signer_name == SIGNER_NAME
    assert agreement.signed_document_sha256 == agreement.sent_document_sha256
    assert agreement.countersigned_by == people["decision_maker"]
    assert services.paid_total(agreement) == Decimal("36000")


def test_progress_report_revision(live_server, page, checkpoint, people, agreement):
    agreement = active_with_first_payment(agreement, people)
    reference = agreement.reference
    call = agreement.application.call
    report = agreement.reports.get(kind=ReportKind.PROGRESS, number=1)
    title = report_title(ReportKind.PROGRESS, 1)
    clienteles = list(call.clienteles.order_by("position", "code"))
    categories = list(call.expense_categories.order_by("position", "code"))
    assert len(clienteles) == 2
    assert len(categories) == 4

    # A member who is not the representative fills the report and saves the draft.
    login(page, live_server, MEMBER[2], PASSWORD, checkpoint)
    checkpoint("dashboard-olivier.paquette")
    link(page, title).click()
    expect(page).to_have_url(path_pattern("payments:report", pk=report.pk))
    expect(heading(page)).to_have_text(title)
    expect(button(page, fr("Save and submit the report"))).to_have_count(0)
    checkpoint("report-empty")
    page.locator("#id_activities").fill("Formation de 24 pairs aidants et 18 ateliers dans trois écoles secondaires.")
    page.locator("#id_indicators").fill("18 ateliers sur 20 prévus; 92 % des élèves formés se disent outillés.")
    page.locator(f"#id_reach_{clienteles[0].pk}").fill("420")
    page.locator(f"#id_reach_{clienteles[1].pk}").fill("35")
    for category, amount in zip(categories, ("24 000", "6 500", "2 000", "1 500"), strict=True):
        page.locator(f"#id_expense_0_{category.pk}").fill(amount)
    button(page, fr("Save the draft")).click()
    expect(page).to_have_url(path_pattern("payments:report", pk=report.pk))
    expect(message(page)).to_have_text(fr("The draft is saved."))
    problems = page.locator("section[aria-labelledby=problems-title]")
    expect(problems).to_contain_text(
        fr("The saved report is complete. The representative (mandataire) can now submit it.")
    )
    expect(problems).to_contain_text(full_name(REPRESENTATIVE))
    expect(page.locator("#expenses .total-row")).to_contain_text("34 000,00 $")
    checkpoint("report-draft")
    sign_out(page)

    # The representative submits it.
    sign_in(page, live_server, checkpoint, REPRESENTATIVE)
    link(page, title).click()
    expect(page.locator("#id_activities")).to_have_value(
        "Formation de 24 pairs aidants et 18 ateliers dans trois écoles secondaires."
    )
    checkpoint("report-to-submit")
    button(page, fr("Save and submit the report")).click()
    expect(message(page)).to_have_text(
        fr(
            "The report is submitted to the ministry. Every member of the organization receives an e-mail "
            "once the program officer accepts it or asks for a revision."
        )
    )
    expect(report_state(page)).to_have_text(label(ReportState.SUBMITTED))
    expect(page.locator("#id_activities")).to_have_count(0)
    checkpoint("report-submitted")
    sign_out(page)

    # The officer requests a revision.
    open_submitted_report(page, live_server, checkpoint, report)
    expect(page.locator("section[aria-labelledby=content-title]")).to_contain_text("34 000,00 $")
    checkpoint("report-review")
    comments = "Les frais de matériel semblent incomplets : ajoutez les trousses remises aux écoles."
    page.locator("#id_comments").fill(comments)
    button(page, fr("Request the revision")).click()
    expect(message(page)).to_have_text(fr("The organization is asked to revise its report and receives your comments."))
    expect(report_state(page)).to_have_text(label(ReportState.REVISION_REQUESTED))
    checkpoint("revision-requested")
    sign_out(page)

    # The representative reads the comments, corrects the report and submits it again.
    sign_in(page, live_server, checkpoint, REPRESENTATIVE)
    link(page, title).click()
    revision = page.locator("section[aria-labelledby=revision-title]")
    expect(revision.get_by_role("heading")).to_have_text(fr("Revision requested by the ministry"))
    expect(revision).to_contain_text(comments)
    checkpoint("report-revision")
    page.locator(f"#id_expense_0_{categories[2].pk}").fill("3 200")
    page.locator("#id_difficulties").fill("Une école a reporté deux ateliers au printemps.")
    button(page, fr("Save and submit the report")).click()
    expect(report_state(page)).to_have_text(label(ReportState.SUBMITTED))
    expect(page.locator("section[aria-labelledby=revision-title]")).to_have_count(0)
    checkpoint("report-resubmitted")
    sign_out(page)

    # The officer accepts it, which makes installment 2 due.
    open_submitted_report(page, live_server, checkpoint, report)
    expect(page.locator("section[aria-labelledby=content-title]")).to_contain_text("35 200,00 $")
    checkpoint("report-review-again")
    button(page, fr("Accept the progress report")).click()
    expect(message(page)).to_have_text(
        fr("The progress report is accepted. The installment that depended on it is now due, unless it is withheld.")
    )
    expect(report_state(page)).to_have_text(label(ReportState.ACCEPTED))
    checkpoint("report-accepted")
    page.locator("dl.facts").get_by_role("link", name=reference, exact=True).click()
    expect(page).to_have_url(path_pattern("payments:agreement", pk=agreement.pk))
    expect(installment_row(page, 2).locator(".status")).to_have_text(label(InstallmentState.DUE))
    expect(installment_row(page, 2).locator("td.number")).to_have_text("27 000,00 $")
    expect(installment_row(page, 3).locator(".status")).to_have_text(label(InstallmentState.SCHEDULED))
    reports_table = page.locator("section[aria-labelledby=reports-title] tbody tr")
    expect(reports_table.filter(has_text=title).locator(".status")).to_have_text(label(ReportState.ACCEPTED))
    checkpoint("installment-2-due")

    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED
    assert report.submitted_by.email == REPRESENTATIVE[2]
    assert report.revision_comments == comments
    assert reports.reported_expenses(report) == Decimal("35200")
    assert installment(agreement, 2).state == InstallmentState.DUE


def test_final_report_and_settlement(live_server, page, checkpoint, people, agreement):
    agreement = active_with_first_payment(agreement, people)
    officer = people["officer"]
    reports.accept_report(
        report=fill_and_submit(agreement.reports.get(kind=ReportKind.PROGRESS, number=1)), actor=officer
    )
    reference = agreement.reference
    call = agreement.application.call
    clienteles = list(call.clienteles.order_by("position", "code"))
    categories = list(call.expense_categories.order_by("position", "code"))
    final = agreement.reports.get(kind=ReportKind.FINAL)

    # Later: installment 2 is paid, and the progress report on year 2 goes through the services.
    approve_and_pay(page, live_server, checkpoint, agreement, 2, "27 000,00 $")
    reports.accept_report(
        report=fill_and_submit(agreement.reports.get(kind=ReportKind.PROGRESS, number=2)), actor=officer
    )

    # The representative fills and submits the final report.
    sign_in(page, live_server, checkpoint, REPRESENTATIVE)
    title = report_title(ReportKind.FINAL, 0)
    link(page, title).click()
    expect(page).to_have_url(path_pattern("payments:report", pk=final.pk))
    expect(heading(page)).to_have_text(title)
    checkpoint("final-empty")
    page.locator("#id_results").fill(
        "Les trois écoles ont leur brigade de pairs aidants; les signalements d’intimidation ont baissé de 30 %."
    )
    page.locator(f"#id_reach_{clienteles[0].pk}").fill("910")
    page.locator(f"#id_reach_{clienteles[1].pk}").fill("70")
    expenses = {1: ("30 000", "5 000", "4 000", "1 000"), 2: ("20 000", "4 000", "3 500", "1 500")}
    for year, amounts in expenses.items():
        for category, amount in zip(categories, amounts, strict=True):
            page.locator(f"#id_expense_{year}_{category.pk}").fill(amount)
    page.locator("#id_revenues-0-source").fill("Contribution de l’organisme")
    page.locator("#id_revenues-0-amount").fill("5 000")
    button(page, fr("Save and submit the report")).click()
    expect(message(page)).to_have_text(
        fr(
            "The report is submitted to the ministry. Every member of the organization receives an e-mail "
            "once the program officer accepts it or asks for a revision."
        )
    )
    content = page.locator("section[aria-labelledby=content-title]")
    expect(content).to_contain_text("69 000,00 $")
    expect(content).to_contain_text("Contribution de l’organisme")
    checkpoint("final-submitted")
    sign_out(page)

    # The officer lowers the eligible expenses, previews the settlement, then accepts the final report.
    open_submitted_report(page, live_server, checkpoint, final)
    settlement = page.locator("table.settlement-table")
    expect(settlement.locator("tr").filter(has_text=fr("Already paid"))).to_contain_text("63 000,00 $")
    expect(settlement.locator("tr").filter(has_text=fr("Holdback"))).to_contain_text("7 000,00 $")
    expect(page.locator("#id_eligible_expenses")).to_have_value("69 000,00")
    checkpoint("final-review")
    page.locator("#id_eligible_expenses").fill("68 500")
    button(page, fr("Compute the settlement")).click()
    expect(settlement.locator("caption")).to_have_text(
        fr("Settlement computed for eligible actual expenses of %(amount)s", amount="68 500,00 $")
    )
    expect(settlement.locator("tr").filter(has_text=fr("Final payment"))).to_contain_text("5 500,00 $")
    expect(settlement.locator("tr").filter(has_text=fr("Amount to recover"))).to_contain_text("0,00 $")
    checkpoint("final-settlement-preview")
    button(page, fr("Accept the final report")).click()
    expect(message(page)).to_have_text(
        fr(
            "The final report is accepted. Final payment: %(payment)s; amount to recover: %(recover)s.",
            payment="5 500,00 $",
            recover="0,00 $",
        )
    )
    expect(page.locator("section[aria-labelledby=settlement-title]")).to_contain_text("68 500,00 $")
    checkpoint("final-accepted")
    page.locator("dl.facts").get_by_role("link", name=reference, exact=True).click()
    expect(page).to_have_url(path_pattern("payments:agreement", pk=agreement.pk))
    expect(agreement_state(page)).to_have_text(label(AgreementState.ACTIVE))
    settled = page.locator("section[aria-labelledby=settlement-title]")
    expect(settled.locator("dd").nth(0)).to_have_text("68 500,00 $")
    expect(settled.locator("dd").nth(1)).to_have_text("5 500,00 $")
    expect(settled.locator("dd").nth(2)).to_have_text("0,00 $")
    holdback = installment_row(page, 3)
    expect(holdback.locator("th")).to_contain_text(fr("holdback"))
    expect(holdback.locator("td.number")).to_have_text("5 500,00 $")
    expect(holdback.locator(".status")).to_have_text(label(InstallmentState.DUE))
    unused = installment_row(page, 4)
    expect(unused.locator("th")).to_contain_text(fr("unused holdback"))
    expect(unused.locator("td.number")).to_have_text("1 500,00 $")
    expect(unused.locator(".status")).to_have_text(label(InstallmentState.CANCELLED))
    expect(page.locator("section[aria-labelledby=schedule-title] tfoot")).to_contain_text("70 000,00 $")
    checkpoint("final-payment-due")
    sign_out(page)

    # Finance pays the rest of the holdback, which completes the agreement.
    approve_and_pay(page, live_server, checkpoint, agreement, 3, "5 500,00 $")
    sign_in(page, live_server, checkpoint, REPRESENTATIVE)
    page.goto(live_server.url + reverse("payments:agreement", kwargs={"pk": agreement.pk}))
    expect(agreement_state(page)).to_have_text(label(AgreementState.COMPLETED))
    for number in (1, 2, 3):
        expect(installment_row(page, number).locator(".status")).to_have_text(label(InstallmentState.PAID))
        expect(link(page, fr("Payment notice of installment %(number)s (PDF)", number=number))).to_have_count(1)
    checkpoint("completed")

    agreement.refresh_from_db()
    assert agreement.state == AgreementState.COMPLETED
    assert agreement.eligible_expenses == Decimal("68500")
    assert agreement.final_payment == Decimal("5500")
    assert agreement.amount_to_recover == Decimal("0")
    assert services.paid_total(agreement) == Decimal("68500")
    unused_installment = agreement.installments.get(kind=InstallmentKind.UNUSED)
    assert unused_installment.amount == Decimal("1500")
    assert unused_installment.state == InstallmentState.CANCELLED
