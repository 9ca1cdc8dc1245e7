"""Insert the simulated agreements with their years, reports (and what the organization reported) and installments."""

from __future__ import annotations

from decimal import Decimal

from common.fiscal import fiscal_year_of
from oversight.scale import names
from oversight.scale.agreements import AgreementSim, ReportSim, Tracked
from oversight.scale.base import ZERO, Build, insert, local_date
from payments.models import (
    Agreement,
    AgreementYear,
    Installment,
    Report,
    ReportExpense,
    ReportKind,
    ReportReach,
    ReportRevenue,
)
from payments.services import default_conditions

HUNDRED = Decimal(100)


def insert_agreements(build: Build, sims: list[AgreementSim]) -> None:
    agreements = insert(Agreement, (_agreement(sim) for sim in sims))
    insert(
        AgreementYear,
        (
            dict(
                agreement_id=agreement_id,
                number=year.number,
                starts_on=year.starts_on,
                ends_on=year.ends_on,
                amount=year.amount,
            )
            for agreement_id, sim in zip(agreements, sims, strict=True)
            for year in sim.years
        ),
    )
    reports = [
        (agreement_id, sim, report)
        for agreement_id, sim in zip(agreements, sims, strict=True)
        for report in sim.reports.values()
    ]
    rows = insert(Report, (_report(agreement_id, sim, report) for agreement_id, sim, report in reports))
    for key, (_agreement_id, _sim, report) in zip(rows, reports, strict=True):
        report.pk = key
    _insert_report_content(build, [(sim, report) for _pk, sim, report in reports if report.submitted_at])
    installments = insert(
        Installment,
        (
            _installment(agreement_id, sim, item)
            for agreement_id, sim in zip(agreements, sims, strict=True)
            for item in sim.installments
        ),
    )
    _record(build, agreements, sims, installments)


def _agreement(sim: AgreementSim) -> dict:
    plan = sim.plan
    signed = sim.signed_at is not None
    return dict(
        application_id=plan.pk,
        state=sim.state,
        total=sim.total,
        holdback_percent=sim.holdback_percent,
        starts_on=sim.years[0].starts_on,
        ends_on=sim.years[-1].ends_on,
        conditions=default_conditions(None),
        sent_at=sim.sent_at,
        sent_document_sha256=sim.document_sha256,
        signer_name=plan.org.representative_name if signed else "",
        signer_title=sim.signer_title if signed else "",
        signed_at=sim.signed_at,
        signed_by_id=plan.representative_id if signed else None,
        signed_document_sha256=sim.document_sha256 if signed else "",
        countersigned_at=sim.countersigned_at,
        countersigned_by_id=sim.countersigned_by,
        eligible_expenses=sim.eligible_expenses,
        final_payment=sim.final_payment,
        amount_to_recover=sim.amount_to_recover,
        termination_reason=sim.steps[-1].reason if sim.terminated_at else "",
        terminated_at=sim.terminated_at,
        created_at=sim.created_at,
        updated_at=sim.updated_at,
    )


def _report(agreement_id: int, sim: AgreementSim, report: ReportSim) -> dict:
    written = report.submitted_at is not None
    final = report.kind == ReportKind.FINAL
    return dict(
        agreement_id=agreement_id,
        kind=report.kind,
        number=report.number,
        state=report.state,
        due_on=report.due_on,
        activities=names.REPORT_TEXTS["activities"] if written else "",
        indicators=names.REPORT_TEXTS["indicators"] if written else "",
        difficulties=names.REPORT_TEXTS["difficulties"] if written else "",
        results=names.REPORT_TEXTS["results"] if written and final else "",
        submitted_at=report.submitted_at,
        submitted_by_id=sim.plan.representative_id if written else None,
        reviewed_at=report.reviewed_at,
        reviewed_by_id=report.reviewed_by,
        revision_comments=report.revision_comments,
    )


def _insert_report_content(build: Build, reports: list[tuple[AgreementSim, ReportSim]]) -> None:
    """Insert the people reached and the expenses of each report the organization filled in."""
    rng, taxonomy = build.rng, build.taxonomy
    reach, expenses, revenues = [], [], []
    for sim, report in reports:
        plan = sim.plan
        for code in plan.clienteles:
            reach.append(dict(report_id=report.pk, clientele_id=taxonomy.clienteles[code], people=rng.randint(20, 600)))
        spent = Decimal(rng.randint(85, 100)) / HUNDRED
        if report.kind == ReportKind.FINAL:
            for (year, code), amount in sorted(plan.expenses.items()):
                expenses.append(_expense(report, taxonomy.categories[code], year, amount * spent))
            own = sum((row[3] for row in plan.revenues), ZERO)
            revenues.append(dict(report_id=report.pk, source="Contribution de l’organisme", amount=own))
            continue
        # A progress report gives the expenses to date, all years up to its own added together (year 0).
        to_date: dict[str, Decimal] = {}
        for (year, code), amount in plan.expenses.items():
            if year <= report.number:
                to_date[code] = to_date.get(code, ZERO) + amount
        for code, amount in sorted(to_date.items()):
            expenses.append(_expense(report, taxonomy.categories[code], 0, amount * spent))
    insert(ReportReach, reach)
    insert(ReportExpense, expenses)
    insert(ReportRevenue, revenues)


def _expense(report: ReportSim, category_id: int, year: int, amount: Decimal) -> dict:
    return dict(report_id=report.pk, category_id=category_id, project_year=year, amount=amount.quantize(Decimal(1)))


def _installment(agreement_id: int, sim: AgreementSim, item) -> dict:
    gate = sim.reports[item.gate].pk if item.gate else None
    return dict(
        agreement_id=agreement_id,
        number=item.number,
        kind=item.kind,
        project_year=item.project_year,
        gate_report_id=gate,
        amount=item.amount,
        due_on=item.due_on,
        # save() sets the fiscal year, but bulk_create does not call save().
        fiscal_year=fiscal_year_of(item.due_on).label,
        state=item.state,
        became_due_at=item.became_due_at,
        approved_at=item.approved_at,
        approved_by_id=item.approved_by,
        paid_on=local_date(item.paid_at) if item.paid_at else None,
        payment_reference=item.payment_reference,
        paid_by_id=item.paid_by,
        withheld_reason=item.withheld_reason,
    )


def _record(build: Build, agreements, sims: list[AgreementSim], installments) -> None:
    history = build.history
    rows = iter(installments)
    for agreement_id, sim in zip(agreements, sims, strict=True):
        _record_steps(history, Agreement, agreement_id, sim)
        for report in sim.reports.values():
            _record_steps(history, Report, report.pk, report)
        for item in sim.installments:
            _record_steps(history, Installment, next(rows), item)


def _record_steps(history, model, pk: int, tracked: Tracked) -> None:
    for step in tracked.steps:
        history.record(
            model, pk, step.code, step.source, step.target, actor_id=step.actor_id, at=step.at, reason=step.reason
        )
