"""The program dashboard, the exports of the staff lists and the open data, in Chromium.

The program manager reads the figures of the current fiscal year, switches to the previous one and follows a
count of the funnel to the applications list. The decision maker and a finance officer open the dashboard too,
and a program officer gets the « page not found » page. The officer then exports the filtered applications list:
a short list downloads at once, a longer one becomes an export job with its own page. An anonymous visitor
downloads the approved projects from the open-data page.

The data are built with the test factories and the real approval, signature and payment services, relative to
the fiscal year of today, because the dashboard opens on it. Every amount checked below follows from them:

- call ECI-PILOTE has an envelope of 500 000 $ in the current fiscal year and 300 000 $ in the previous one;
- call ECI-RELEVE has an envelope of 250 000 $ in the current fiscal year only;
- file A is approved for 40 000 $ and 30 000 $ from 1 April of the current fiscal year. Its agreement is active
  and installment 1 (36 000 $, 90 % of year 1) is paid. Installment 2 falls in the next fiscal year;
- file B is approved for 25 000 $ from 1 October, so its installment 1 (22 500 $) is committed, not paid;
- two files are submitted (30 000 $ and 20 000 $) and one is under review (45 000 $), all in the current year;
- the previous fiscal year has a declined file and a withdrawn one;
- this year's prize edition is in round 1, with two jurors and two eligible nominations that one juror has scored.

Texts are found and checked by their French wording through `fr` and `label`, which translate with the catalogue
the pages use, so the checks keep passing when a translation changes.
"""

import csv
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook
from playwright.sync_api import expect

from accounts.models import Organization, Role
from applications.models import Application, ApplicationState, RequestedAmount
from awards.models import EditionState, NominationState, PrizeEdition, Round1Score
from common.exports import run_export_job
from common.fiscal import MONTREAL, FiscalYear
from common.models import ExportJob, ExportState
from common.regions import AdministrativeRegion
from common.templatetags.formats import long_date
from grants.models import Envelope
from oversight.forms import current_fiscal_year
from reviews.models import AssignmentState, ReviewAssignment
from tests.applications.factories import ApplicationFactory, ensure_call_setup
from tests.awards.factories import (
    CategoryFactory,
    JuryMembershipFactory,
    NominationFactory,
    PrizeCriterionFactory,
    PrizeEditionFactory,
)
from tests.e2e.conftest import login
from tests.factories import CallFactory, MembershipFactory, UserFactory
from tests.payments.conftest import activate, approved_agreement, pay

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Intimidation-Zero-2026"
MANAGER = ("Hélène", "Dufour", "helene.dufour@famille.gouv.qc.ca")
DECISION_MAKER = ("André", "Lavoie", "andre.lavoie@famille.gouv.qc.ca")
FINANCE_A = ("Chantal", "Roy", "chantal.roy@famille.gouv.qc.ca")
FINANCE_B = ("Martin", "Fortin", "martin.fortin@famille.gouv.qc.ca")
OFFICER = ("Nadia", "Bélanger", "nadia.belanger@famille.gouv.qc.ca")
MAIN_CALL = "ECI-PILOTE"
SECOND_CALL = "ECI-RELEVE"


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


def link(scope, name: str):
    return scope.get_by_role("link", name=name, exact=True)


def button(page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def heading(page):
    return page.get_by_role("heading", level=1)


def main_menu(page):
    return page.get_by_role("navigation", name=fr("Main menu"))


def section(page, title_id: str):
    return page.locator(f"section[aria-labelledby={title_id}]")


def table_row(table, header: str):
    """Return the body row of `table` whose row header is exactly `header`."""
    return table.locator("tbody tr").filter(has=table.page.get_by_role("rowheader", name=header, exact=True))


def cells(row):
    return row.locator("td")


def sign_in(page, live_server, checkpoint, person: tuple[str, str, str]) -> None:
    """Sign in as `person`, then check the dashboard that the person's role gets."""
    login(page, live_server, person[2], PASSWORD)
    checkpoint(f"dashboard-{person[2].split('@')[0]}")


def sign_out(page) -> None:
    button(page, fr("Sign out")).click()
    expect(page).to_have_url(path_pattern("home"))


# Setup through the factories and the services


def user(person: tuple[str, str, str], *roles: str):
    first_name, last_name, email = person
    account = UserFactory(roles=list(roles), email=email, first_name=first_name, last_name=last_name)
    account.set_password(PASSWORD)
    account.save()
    return account


def local_time(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=MONTREAL)


@dataclass
class Program:
    current: FiscalYear
    previous: FiscalYear
    approved: list[Application]
    submitted: list[Application]
    prize: PrizeEdition


@pytest.fixture
def people(db):
    # A transactional test empties every table after it runs, the groups of the data migrations included.
    for role in Role.values:
        Group.objects.get_or_create(name=role)
    return {
        "manager": user(MANAGER, Role.PROGRAM_MANAGER),
        "decision_maker": user(DECISION_MAKER, Role.DECISION_MAKER),
        "finance_a": user(FINANCE_A, Role.FINANCE_OFFICER),
        "finance_b": user(FINANCE_B, Role.FINANCE_OFFICER),
        "officer": user(OFFICER, Role.PROGRAM_OFFICER),
    }


def new_call(code: str, title: str, envelopes: dict[FiscalYear, str]):
    call = CallFactory(code=code, title_fr=title, passing_score=Decimal("60"))
    # The factory gives the call an envelope of its own, but the journeys need only the ones below.
    Envelope.objects.filter(call=call).delete()
    for fiscal_year, amount in envelopes.items():
        Envelope.objects.create(call=call, fiscal_year=fiscal_year.label, amount=Decimal(amount))
    ensure_call_setup(call)
    return call


def approved_file(call, people, *, amounts, starts_on: date, submitted_at: datetime, title, organization, regions):
    """Approve a file of `call` through the decision service and give it the journey's title and regions."""
    agreement = approved_agreement(amounts, starts_on=starts_on, call=call, decision_maker=people["decision_maker"])
    application = agreement.application
    Application.objects.filter(pk=application.pk).update(
        title=title, submitted_at=submitted_at, regions=regions, officer=people["officer"]
    )
    Organization.objects.filter(pk=application.organization_id).update(name=organization)
    return agreement


def filed(call, state, *, reference, submitted_at, title, organization, regions=(), requested=()):
    """Create a file of `call` in `state`, submitted at `submitted_at`, with one requested amount per year."""
    membership = MembershipFactory(is_representative=True, organization__name=organization)
    application = ApplicationFactory(
        call=call,
        organization=membership.organization,
        created_by=membership.user,
        state=state,
        reference=reference,
        title=title,
        submitted_at=submitted_at,
        regions=list(regions),
    )
    for number, amount in enumerate(requested, start=1):
        RequestedAmount.objects.create(application=application, project_year=number, amount=Decimal(amount))
    return application


def prize_in_round_1(year: int) -> PrizeEdition:
    """Create an edition in round 1 with two jurors and two eligible nominations that one juror has scored."""
    edition = PrizeEditionFactory(year=year)
    category = CategoryFactory(edition=edition, name_fr="Milieux scolaires")
    criterion = PrizeCriterionFactory(category=category)
    jurors = [JuryMembershipFactory(edition=edition, is_president=index == 0).juror for index in range(2)]
    eligible = [NominationFactory(edition=edition, category=category, state=NominationState.ELIGIBLE) for _ in "ab"]
    NominationFactory(edition=edition, category=category, state=NominationState.INELIGIBLE)
    NominationFactory(edition=edition, category=category, state=NominationState.DRAFT)
    for nomination in eligible:
        Round1Score.objects.create(nomination=nomination, juror=jurors[0], criterion=criterion, score=Decimal("8"))
    # Categories, criteria and the jury can only be written while the edition is a draft, so the state comes last.
    PrizeEdition.objects.filter(pk=edition.pk).update(state=EditionState.SHORTLISTING)
    return edition


@pytest.fixture
def program(people) -> Program:
    current = current_fiscal_year()
    previous = FiscalYear(current.start_year - 1)
    following = current.next()
    main_call = new_call(
        MAIN_CALL,
        "Appel de projets pour des milieux de vie sans intimidation",
        {previous: "300000", current: "500000", following: "500000"},
    )
    new_call(SECOND_CALL, "Appel de projets pour la relève communautaire", {current: "250000"})

    first_day = current.start
    file_a = approved_file(
        main_call,
        people,
        amounts=("40000", "30000"),
        starts_on=first_day,
        submitted_at=local_time(first_day, 9),
        title="Brigades de pairs aidants dans les écoles secondaires",
        organization="Carrefour jeunesse de la Petite-Patrie",
        regions=["06"],
    )
    file_b = approved_file(
        main_call,
        people,
        amounts=("25000",),
        starts_on=date(current.start_year, 10, 1),
        submitted_at=local_time(first_day, 11),
        title="Ateliers de cybercivisme pour les parents",
        organization="Maison de la famille de Limoilou",
        regions=["03", "06"],
    )
    activate(file_a, people["officer"], people["decision_maker"])
    pay(file_a.installments.get(number=1), people["finance_a"], people["finance_b"], paid_on=first_day)

    submitted = [
        filed(
            main_call,
            ApplicationState.SUBMITTED,
            reference=f"{MAIN_CALL}-101",
            submitted_at=local_time(first_day + timedelta(days=1), 10),
            title="Médiation par les pairs au primaire",
            organization="Centre communautaire de Charlesbourg",
            regions=["03"],
            requested=("15000", "15000"),
        ),
        filed(
            main_call,
            ApplicationState.SUBMITTED,
            reference=f"{MAIN_CALL}-102",
            submitted_at=local_time(first_day + timedelta(days=2), 10),
            title="Sensibilisation dans les ligues de hockey mineur",
            organization="Loisirs Hochelaga",
            regions=["06"],
            requested=("20000",),
        ),
    ]
    under_review = filed(
        main_call,
        ApplicationState.UNDER_REVIEW,
        reference=f"{MAIN_CALL}-103",
        submitted_at=local_time(first_day + timedelta(days=3), 10),
        title="Prévention de l’intimidation envers les aînés",
        organization="Table de concertation des aînés de Longueuil",
        regions=["16"],
        requested=("45000",),
    )
    # Accepted by its reviewer but past its due date: open and late.
    ReviewAssignment.objects.create(
        application=under_review,
        reviewer=UserFactory(roles=[Role.REVIEWER]),
        state=AssignmentState.ACCEPTED,
        due_on=timezone.localdate() - timedelta(days=3),
        assigned_by=people["officer"],
    )
    for number, state in enumerate((ApplicationState.DECLINED, ApplicationState.WITHDRAWN), start=1):
        filed(
            main_call,
            state,
            reference=f"{MAIN_CALL}-00{number}",
            submitted_at=local_time(previous.start + timedelta(days=30 * number), 10),
            title=f"Projet de l’exercice précédent {number}",
            organization=f"Organisme de l’exercice précédent {number}",
            regions=["06"],
            requested=("10000",),
        )
    prize = prize_in_round_1(current.start_year)
    return Program(
        current=current,
        previous=previous,
        approved=[file_a.application, file_b.application],
        submitted=submitted,
        prize=prize,
    )


# The journeys


def test_program_dashboard(live_server, page, checkpoint, people, program):
    current = program.current

    # The manager opens the dashboard from the menu and reads the figures of the current fiscal year.
    login(page, live_server, MANAGER[2], PASSWORD, checkpoint)
    expect(page.get_by_role("heading", name=fr("Program oversight"), exact=True)).to_have_count(1)
    checkpoint("dashboard-helene.dufour")
    menu_link = link(main_menu(page), fr("Program dashboard"))
    menu_link.click()
    expect(page).to_have_url(path_pattern("oversight:dashboard"))
    expect(heading(page)).to_have_text(fr("Program dashboard"))
    expect(menu_link).to_have_attribute("aria-current", "page")
    expect(page.locator("#id_fiscal_year")).to_have_value(current.label)
    expect(page.locator("main")).to_contain_text(
        fr(
            "Figures of fiscal year %(year)s, from %(start)s to %(end)s.",
            year=current.label,
            start=french_date(current.start),
            end=french_date(current.end),
        )
    )

    envelopes = section(page, "envelopes-title")
    expect(envelopes.locator("img")).to_have_count(1)
    main_row = envelopes.locator("tbody tr").filter(has=link(page, MAIN_CALL))
    expect(cells(main_row)).to_have_text(["500 000,00 $", "58 500,00 $", "36 000,00 $", "441 500,00 $"])
    second_row = envelopes.locator("tbody tr").filter(has=link(page, SECOND_CALL))
    expect(cells(second_row)).to_have_text(["250 000,00 $", "0,00 $", "0,00 $", "250 000,00 $"])
    expect(envelopes.locator("tfoot td")).to_have_text(["750 000,00 $", "58 500,00 $", "36 000,00 $", "691 500,00 $"])

    funnel = section(page, "funnel-title")
    expect(funnel.locator("img")).to_have_count(1)
    expect(cells(table_row(funnel, label(ApplicationState.SUBMITTED)))).to_have_text(["2"])
    expect(cells(table_row(funnel, label(ApplicationState.UNDER_REVIEW)))).to_have_text(["1"])
    expect(cells(table_row(funnel, label(ApplicationState.APPROVED)))).to_have_text(["2"])
    expect(cells(table_row(funnel, label(ApplicationState.DECLINED)))).to_have_text(["0"])
    expect(funnel.locator("tfoot td")).to_have_text("5")

    regions = page.locator("table").filter(
        has=page.get_by_role("columnheader", name=fr("Administrative region"), exact=True)
    )
    # Applications, amount requested, approved applications, amount granted. File B is in Capitale-Nationale and
    # in Montréal, so it counts in both and its 25 000 $ is split between them.
    expected_regions = {
        AdministrativeRegion.MONTREAL: ["3", "102 500,00 $", "2", "82 500,00 $"],
        AdministrativeRegion.CAPITALE_NATIONALE: ["2", "42 500,00 $", "1", "12 500,00 $"],
        AdministrativeRegion.MONTEREGIE: ["1", "45 000,00 $", "0", "0,00 $"],
    }
    for region, figures in expected_regions.items():
        expect(cells(table_row(regions, region.label))).to_have_text(figures)
    expect(regions.locator("tfoot td")).to_have_text(["5", "190 000,00 $", "2", "95 000,00 $"])

    reviews = section(page, "reviews-title")
    expect(reviews.locator("tbody tr")).to_have_count(1)
    # Open, late, submitted: evaluated_file gives each approved file two submitted reviews.
    expect(cells(reviews.locator("tbody tr"))).to_have_text(["1", "1", "4"])

    # File A has two progress reports and a final one, file B one of each, all due after today.
    reports = section(page, "reports-title")
    expect(cells(table_row(reports, fr("Expected, not overdue")))).to_have_text(["5"])
    expect(cells(table_row(reports, fr("Overdue")))).to_have_text(["0"])
    expect(cells(table_row(reports, fr("Submitted, waiting for review")))).to_have_text(["0"])

    prize = section(page, "prize-title")
    expect(prize.locator("dl dd")).to_have_text([program.prize.title_fr, label(EditionState.SHORTLISTING)])
    expect(cells(table_row(prize, label(NominationState.ELIGIBLE)))).to_have_text(["2"])
    # Two eligible nominations times two jurors, and one juror has scored both.
    expect(cells(table_row(prize, fr("Round 1: complete score sheets")))).to_have_text(["4", "2", "–", "2"])
    checkpoint("program-dashboard")

    # The previous fiscal year has only the envelope of the main call and two files.
    page.locator("#id_fiscal_year").select_option(program.previous.label)
    button(page, fr("Show")).click()
    expect(page).to_have_url(
        re.compile(re.escape(f"{reverse('oversight:dashboard')}?fiscal_year={program.previous.label}") + "$")
    )
    expect(page.locator("#id_fiscal_year")).to_have_value(program.previous.label)
    expect(envelopes.locator("tbody tr")).to_have_count(1)
    expect(cells(envelopes.locator("tbody tr"))).to_have_text(["300 000,00 $", "0,00 $", "0,00 $", "300 000,00 $"])
    expect(cells(table_row(funnel, label(ApplicationState.DECLINED)))).to_have_text(["1"])
    expect(cells(table_row(funnel, label(ApplicationState.WITHDRAWN)))).to_have_text(["1"])
    expect(funnel.locator("tfoot td")).to_have_text("2")
    expect(section(page, "reviews-title")).to_contain_text(
        fr("No application submitted in this fiscal year has a reviewer yet.")
    )
    checkpoint("program-dashboard-previous-year")

    # Back on the current year, a count of the funnel opens the list of the same files.
    page.locator("#id_fiscal_year").select_option(current.label)
    button(page, fr("Show")).click()
    expect(page.locator("#id_fiscal_year")).to_have_value(current.label)
    table_row(funnel, label(ApplicationState.SUBMITTED)).get_by_role("link", name="2", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(reverse("applications:list")) + r"\?"))
    expect(heading(page)).to_have_text(fr("Applications"))
    expect(page.locator('input[name="state"][value="submitted"]')).to_be_checked()
    expect(page.locator("#id_submitted_from")).to_have_value(current.start.isoformat())
    expect(page.locator("#id_submitted_to")).to_have_value(current.end.isoformat())
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(2)
    for application in program.submitted:
        expect(rows.filter(has=link(page, application.reference))).to_have_count(1)
    checkpoint("applications-from-funnel")
    sign_out(page)

    # The decision maker and a finance officer open it too.
    for person, name in ((DECISION_MAKER, "decision-maker"), (FINANCE_A, "finance")):
        sign_in(page, live_server, checkpoint, person)
        link(main_menu(page), fr("Program dashboard")).click()
        expect(heading(page)).to_have_text(fr("Program dashboard"))
        expect(cells(main_row)).to_have_text(["500 000,00 $", "58 500,00 $", "36 000,00 $", "441 500,00 $"])
        checkpoint(f"program-dashboard-{name}")
        sign_out(page)

    # A program officer has neither the menu entry nor the panel, and the address gives « page not found ».
    login(page, live_server, OFFICER[2], PASSWORD)
    expect(link(main_menu(page), fr("Program dashboard"))).to_have_count(0)
    expect(page.get_by_role("heading", name=fr("Program oversight"), exact=True)).to_have_count(0)
    response = page.goto(live_server.url + reverse("oversight:dashboard"))
    assert response.status == 404
    expect(heading(page)).to_have_text(fr("Page not found"))
    expect(page.locator("main")).not_to_contain_text("441 500,00")
    checkpoint("program-dashboard-officer-not-found")


def test_applications_export(live_server, page, checkpoint, settings, people, program):
    login(page, live_server, OFFICER[2], PASSWORD)
    link(main_menu(page), fr("Applications")).click()
    expect(page).to_have_url(path_pattern("applications:list"))
    expect(page.locator("main table tbody tr")).to_have_count(7)
    page.locator('input[name="state"][value="submitted"]').check()
    button(page, fr("Filter")).click()
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(2)
    checkpoint("applications-submitted")

    # Two rows are under the limit, so the file downloads at once.
    export_links = page.locator(".export-links")
    xlsx_link = link(export_links, fr("Excel file (XLSX)"))
    expect(link(export_links, fr("CSV file"))).to_have_count(1)
    with page.expect_download() as download_info:
        xlsx_link.click()
    download = download_info.value
    today = timezone.localdate()
    assert download.suggested_filename == f"{fr('Applications')} {today:%Y-%m-%d}.xlsx"
    check_submitted_workbook(download.path(), program)
    assert not ExportJob.objects.exists()

    # Above the limit, the same link queues a job and opens its page, where the file appears once built.
    settings.EXPORT_INLINE_MAX_ROWS = 1
    xlsx_link.click()
    expect(page).to_have_url(re.compile(r"/exportations/[0-9]+/$"))
    job = ExportJob.objects.get()
    assert job.state == ExportState.DONE
    assert job.user == people["officer"]
    assert job.parameters == "state=submitted"
    expect(heading(page)).to_have_text(fr("Export: %(title)s", title=fr("Applications")))
    progress = page.locator("#export-progress")
    expect(progress.get_by_role("status")).to_contain_text(label(ExportState.DONE))
    expect(progress.get_by_role("status")).to_contain_text(
        fr("Rows written: %(processed)s of %(total)s", processed=2, total=2)
    )
    expect(progress.locator("progress")).to_have_attribute("value", "100")
    ready = link(page, fr("Download the file (%(file_format)s)", file_format="XLSX"))
    expect(ready).to_be_visible()
    checkpoint("export-job")
    with page.expect_download() as download_info:
        ready.click()
    download = download_info.value
    assert download.suggested_filename == job.filename
    check_submitted_workbook(download.path(), program)

    # A job that waits for a worker: its page follows the progress and shows the link once the worker is done.
    queued = ExportJob.objects.create(
        user=people["officer"], export_name="demandes", file_format="csv", parameters="state=submitted", total=2
    )
    page.goto(live_server.url + reverse("common:export_job", kwargs={"pk": queued.pk}))
    expect(progress.get_by_role("status")).to_contain_text(label(ExportState.PENDING))
    expect(progress.get_by_role("status")).to_contain_text(
        fr("Rows written: %(processed)s of %(total)s", processed=0, total=2)
    )
    expect(progress.locator("progress")).to_have_attribute("value", "0")
    expect(
        page.get_by_text(fr("You can leave this page: the file stays available on the page of your exports."))
    ).to_be_visible()
    expect(page.locator("[data-export-ready]")).to_be_hidden()
    checkpoint("export-job-pending")
    run_export_job(queued.pk)
    queued.refresh_from_db()
    assert queued.state == ExportState.DONE
    csv_link = link(page, fr("Download the file (%(file_format)s)", file_format="CSV"))
    # app.js reads the job's state 1 second after the page loads, then every 2 seconds until the job ends.
    expect(csv_link).to_be_visible(timeout=10_000)
    expect(progress.get_by_role("status")).to_contain_text(label(ExportState.DONE))
    expect(progress.locator("progress")).to_have_js_property("value", 100)
    expect(page.locator("[data-export-waiting]")).to_be_hidden()
    with page.expect_download() as download_info:
        csv_link.click()
    with open(download_info.value.path(), encoding="utf-8-sig", newline="") as handle:
        header, *data = list(csv.reader(handle, delimiter=";"))
    amounts = header.index(fr("Amount requested"))
    assert sorted(row[amounts] for row in data) == ["20000,00", "30000,00"]

    link(page, fr("My exports")).click()
    expect(page).to_have_url(path_pattern("common:export_jobs"))
    expect(heading(page)).to_have_text(fr("My exports"))
    job_rows = page.locator("main table tbody tr")
    expect(job_rows).to_have_count(2)
    for row, file_format in zip((job_rows.nth(0), job_rows.nth(1)), ("CSV", "XLSX"), strict=True):
        expect(row.locator("th")).to_contain_text(fr("Applications"))
        expect(row.locator("td").nth(0)).to_have_text(file_format)
        # Each link also names the list, format and request time, for screen readers.
        ready_text = fr("%(state)s: download", state=label(ExportState.DONE))
        expect(row.get_by_role("link", name=re.compile("^" + re.escape(ready_text)))).to_contain_text(file_format)
    checkpoint("my-exports")


def check_submitted_workbook(path, program: Program) -> None:
    """Check that the workbook at `path` has the two submitted files, with the amounts requested as numbers."""
    # openpyxl picks its reader from the file name's extension, which Playwright's download path lacks.
    with open(path, "rb") as handle:
        workbook = load_workbook(handle, read_only=True)
        header, *data = workbook.active.iter_rows(values_only=True)
    assert header[0] == fr("Reference number")
    references = header.index(fr("Reference number"))
    states = header.index(fr("State"))
    amounts = header.index(fr("Amount requested"))
    by_reference = {row[references]: row for row in data}
    assert sorted(by_reference) == sorted(application.reference for application in program.submitted)
    for row in data:
        assert row[states] == label(ApplicationState.SUBMITTED)
        assert isinstance(row[amounts], int | float)
    assert by_reference[f"{MAIN_CALL}-101"][amounts] == 30000
    assert by_reference[f"{MAIN_CALL}-102"][amounts] == 20000


def test_open_data_download(live_server, page, checkpoint, program):
    page.goto(live_server.url + reverse("home"))
    link(page.locator("footer"), fr("Open data: approved projects")).click()
    expect(page).to_have_url(path_pattern("oversight:open_data"))
    expect(heading(page)).to_have_text(fr("Open data: approved projects"))
    checkpoint("open-data")

    with page.expect_download() as download_info:
        link(page, fr("Approved projects, CSV file (UTF-8, semicolons, decimal comma)")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8-sig", newline="") as handle:
        header, *data = list(csv.reader(handle, delimiter=";"))
    references = header.index(fr("Reference number"))
    amounts = header.index(fr("Amount granted"))
    granted = {row[references]: row[amounts] for row in data}
    file_a, file_b = program.approved
    assert granted == {file_a.reference: "70000,00", file_b.reference: "25000,00"}
