"""The life of each agreement up to now: signature, installments, reports, completion or termination.

The agreement of an approved file is built as payments.services.create_agreement builds it: its years, its
reporting calendar and its default schedule come from payments.schedule, so the installments add up to the
agreement total to the cent.

Then each step happens at its time, if that time is already past, in the order the services allow.
Activation makes the first installment due, and accepting progress report N makes installment N + 1 due.
Accepting the final report settles the holdback (payments.schedule.settle), and an agreement with nothing
left to pay is completed. Two different finance officers approve and pay each installment. A few
agreements are terminated: their pending installments are cancelled and the amount to recover is computed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from applications.budget import project_years
from oversight.scale import names
from oversight.scale.base import CENT, ZERO, Build, local_date
from oversight.scale.people import Staff
from oversight.scale.plans import FilePlan
from payments import schedule
from payments.models import AgreementState, InstallmentKind, InstallmentState, ReportKind, ReportState

TERMINATED_SHARE = 0.03
NEVER_SUBMITTED_SHARE = 0.06
REVISION_SHARE = 0.15
WITHHELD_SHARE = 0.5
REVISION_COMMENTS = "Ajouter le nombre de personnes rejointes par activité et joindre les pièces justificatives."
TERMINATION_REASON = "L’organisme a cessé ses activités et ne peut plus réaliser le projet."


@dataclass
class Step:
    """One transition of an agreement, an installment or a report, as payments.services logs it."""

    code: str
    source: str
    target: str
    at: datetime
    actor_id: int | None
    reason: str = ""


@dataclass
class Tracked:
    state: str
    steps: list[Step] = field(default_factory=list)

    def move(self, code: str, target: str, at: datetime, actor_id: int | None, reason: str = "") -> None:
        self.steps.append(Step(code, self.state, target, at, actor_id, reason))
        self.state = target


@dataclass
class ReportSim(Tracked):
    kind: str = ReportKind.PROGRESS
    number: int = 0
    due_on: date | None = None
    submitted_at: datetime | None = None
    reviewed_at: datetime | None = None
    reviewed_by: int | None = None
    revision_comments: str = ""
    accepted_at: datetime | None = None
    pk: int | None = None


@dataclass
class InstallmentSim(Tracked):
    number: int = 0
    kind: str = InstallmentKind.PROJECT_YEAR
    project_year: int | None = None
    amount: Decimal = ZERO
    due_on: date | None = None
    gate: tuple[str, int] | None = None
    became_due_at: datetime | None = None
    approved_at: datetime | None = None
    approved_by: int | None = None
    paid_at: datetime | None = None
    paid_by: int | None = None
    payment_reference: str = ""
    withheld_reason: str = ""


@dataclass
class AgreementSim(Tracked):
    plan: FilePlan | None = None
    years: list[schedule.YearAmount] = field(default_factory=list)
    total: Decimal = ZERO
    holdback_percent: Decimal = ZERO
    created_at: datetime | None = None
    updated_at: datetime | None = None
    sent_at: datetime | None = None
    document_sha256: str = ""
    signer_title: str = ""
    signed_at: datetime | None = None
    countersigned_at: datetime | None = None
    countersigned_by: int | None = None
    eligible_expenses: Decimal | None = None
    final_payment: Decimal | None = None
    amount_to_recover: Decimal | None = None
    terminated_at: datetime | None = None
    reports: dict[tuple[str, int], ReportSim] = field(default_factory=dict)
    installments: list[InstallmentSim] = field(default_factory=list)

    def move(self, code: str, target: str, at: datetime, actor_id: int | None, reason: str = "") -> None:
        super().move(code, target, at, actor_id, reason)
        self.updated_at = at


def new_agreement(plan: FilePlan) -> AgreementSim:
    """Build the draft agreement of an approved file, with the years, calendar and schedule of create_agreement."""
    rules = plan.call.rules
    granted = {year: amount for year, (_label, amount) in plan.decision.amounts.items()}
    years = [
        schedule.YearAmount(year.number, year.starts_on, year.ends_on, granted.get(year.number, ZERO))
        for year in project_years(plan.starts_on, plan.ends_on)
    ]
    at = plan.decision.decided_at
    sim = AgreementSim(state=AgreementState.DRAFT, plan=plan, years=years, created_at=at, updated_at=at)
    sim.total = sum((year.amount for year in years), ZERO)
    sim.holdback_percent = rules.holdback_percent
    sim.steps.append(Step("payments.agreement.created", "", AgreementState.DRAFT, at, plan.decision.decided_by))

    days = {"progress_days": rules.progress_report_days, "final_days": rules.final_report_days}
    for planned in schedule.reporting_calendar(years, **days):
        sim.reports[(planned.kind, planned.number)] = ReportSim(
            state=ReportState.EXPECTED, kind=planned.kind, number=planned.number, due_on=planned.due_on
        )

    for planned in schedule.default_schedule(years, holdback_percent=rules.holdback_percent, **days):
        sim.installments.append(
            InstallmentSim(
                state=InstallmentState.SCHEDULED,
                number=planned.number,
                kind=planned.kind,
                project_year=planned.project_year,
                amount=planned.amount,
                due_on=planned.due_on,
                gate=planned.gate,
            )
        )
    return sim


class Simulator:
    """Play the life of one agreement; a step happens only if its instant is not after `horizon`."""

    def __init__(self, build: Build, staff: Staff, sim: AgreementSim, horizon: datetime, references: list[int]):
        self.build, self.rng, self.clock = build, build.rng, build.clock
        self.staff, self.sim, self.horizon = staff, sim, horizon
        self.plan = sim.plan
        # Shared counter of payment references, so that each payment has its own number.
        self.references = references

    def happened(self, moment: datetime | None) -> bool:
        return moment is not None and moment <= self.horizon

    def run(self) -> None:
        if not self._sign():
            return
        for installment in self.sim.installments:
            if installment.gate is None:
                self._make_due(installment, self.sim.countersigned_at, self.sim.countersigned_by)
        for (kind, number), report in sorted(self.sim.reports.items(), key=lambda item: item[1].due_on):
            accepted_at = self._report(report)
            if kind == ReportKind.PROGRESS:
                self._after_progress_report(report, number, accepted_at)
        self._complete()

    def _stops_at(self, state: str) -> bool:
        """Return whether the agreement of a late approval stays at `state`, whatever the time."""
        return self.plan.decision.agreement_stage == state

    def _sign(self) -> bool:
        sim, plan, clock = self.sim, self.plan, self.clock
        sent_at = clock.later(sim.created_at, 5, 20)
        if self._stops_at(AgreementState.DRAFT) or not self.happened(sent_at):
            return False
        sim.sent_at = sent_at
        sim.document_sha256 = hashlib.sha256(f"{plan.reference}:{sent_at.isoformat()}".encode()).hexdigest()
        sim.move("payments.agreement.sent", AgreementState.SENT_FOR_SIGNATURE, sent_at, plan.officer_id)
        signed_at = clock.later(sent_at, 2, 15)
        if self._stops_at(AgreementState.SENT_FOR_SIGNATURE) or not self.happened(signed_at):
            return False
        sim.signed_at, sim.signer_title = signed_at, self.rng.choice(names.SIGNER_TITLES)
        sim.move("payments.agreement.signed", AgreementState.SIGNED_BY_ORGANIZATION, signed_at, plan.representative_id)
        countersigned_at = clock.later(signed_at, 1, 8)
        if self._stops_at(AgreementState.SIGNED_BY_ORGANIZATION) or not self.happened(countersigned_at):
            return False
        sim.countersigned_at, sim.countersigned_by = countersigned_at, self.rng.choice(self.staff.decision_makers)
        sim.move("payments.agreement.activated", AgreementState.ACTIVE, countersigned_at, sim.countersigned_by)
        return True

    def _make_due(self, installment: InstallmentSim, at: datetime, actor: int | None) -> None:
        """Make an installment due, then approve and pay it as time allows; a 0 $ installment is cancelled."""
        if installment.state != InstallmentState.SCHEDULED:
            return
        if installment.amount == 0:
            installment.move("payments.installment.cancelled", InstallmentState.CANCELLED, at, actor)
            return
        installment.became_due_at = at
        installment.move("payments.installment.due", InstallmentState.DUE, at, actor)
        # Finance works through its queue in batches, so an installment may wait some weeks at each step.
        approved_at = self.clock.later(at, 1, 30)
        if not self.happened(approved_at):
            return
        approver = self.rng.choice(self.staff.finance)
        installment.approved_at, installment.approved_by = approved_at, approver
        installment.move("payments.installment.approved", InstallmentState.APPROVED, approved_at, approver)
        paid_at = self.clock.later(approved_at, 1, 15)
        if not self.happened(paid_at):
            return
        payer = self.rng.choice([pk for pk in self.staff.finance if pk != approver])
        self.references[0] += 1
        installment.paid_at, installment.paid_by = paid_at, payer
        installment.payment_reference = f"VIR-{local_date(paid_at).year}-{self.references[0]:06d}"
        installment.move("payments.installment.paid", InstallmentState.PAID, paid_at, payer)

    def _report(self, report: ReportSim) -> datetime | None:
        """Submit and review a report as time allows; return when it was accepted, or None."""
        rng, clock, plan = self.rng, self.clock, self.plan
        if rng.random() < NEVER_SUBMITTED_SHARE:
            return None
        day = report.due_on + timedelta(days=rng.randint(-20, 25))
        submitted_at = max(clock.during_office_hours(day), clock.later(self.sim.countersigned_at, 1, 10))
        if not self.happened(submitted_at):
            return None
        report.submitted_at = submitted_at
        report.move("payments.report.submitted", ReportState.SUBMITTED, submitted_at, plan.representative_id)

        reviewed_at = clock.later(submitted_at, 3, 40)
        if rng.random() < REVISION_SHARE and self.happened(reviewed_at):
            report.reviewed_at, report.reviewed_by = reviewed_at, plan.officer_id
            report.revision_comments = REVISION_COMMENTS
            report.move(
                "payments.report.revision_requested",
                ReportState.REVISION_REQUESTED,
                reviewed_at,
                plan.officer_id,
                REVISION_COMMENTS,
            )
            submitted_at = clock.later(reviewed_at, 4, 20)
            if not self.happened(submitted_at):
                return None
            report.submitted_at = submitted_at
            report.move("payments.report.submitted", ReportState.SUBMITTED, submitted_at, plan.representative_id)
            reviewed_at = clock.later(submitted_at, 3, 15)

        if not self.happened(reviewed_at):
            return None
        if report.kind == ReportKind.FINAL and not self._settle(reviewed_at):
            return None
        report.reviewed_at, report.reviewed_by, report.accepted_at = reviewed_at, plan.officer_id, reviewed_at
        report.move("payments.report.accepted", ReportState.ACCEPTED, reviewed_at, plan.officer_id)
        if report.kind == ReportKind.FINAL:
            holdback = self._holdback()
            self._make_due(holdback, reviewed_at, plan.officer_id)
        return reviewed_at

    def _after_progress_report(self, report: ReportSim, number: int, accepted_at: datetime | None) -> None:
        gated = next((item for item in self.sim.installments if item.gate == (ReportKind.PROGRESS, number)), None)
        if gated is None:
            return
        if accepted_at is not None:
            self._make_due(gated, accepted_at, self.plan.officer_id)
            return
        overdue_at = self.clock.at(report.due_on + timedelta(days=35))
        if report.state == ReportState.EXPECTED and self.happened(overdue_at) and self.rng.random() < WITHHELD_SHARE:
            gated.withheld_reason = f"Rapport d’étape {number} en retard."
            gated.move(
                "payments.installment.withheld",
                InstallmentState.WITHHELD,
                overdue_at,
                self.plan.officer_id,
                gated.withheld_reason,
            )

    def _holdback(self) -> InstallmentSim:
        return next(item for item in self.sim.installments if item.kind == InstallmentKind.HOLDBACK)

    def _settle(self, at: datetime) -> bool:
        """Settle the holdback as payments.reports does, or return False while a yearly installment is unpaid."""
        sim = self.sim
        yearly = [item for item in sim.installments if item.kind == InstallmentKind.PROJECT_YEAR]
        if any(item.state in InstallmentState.pending() or (item.paid_at and item.paid_at > at) for item in yearly):
            return False
        paid = sum((item.amount for item in yearly if item.state == InstallmentState.PAID), ZERO)
        factor = self.rng.choice((Decimal("1.05"), Decimal("1"), Decimal("1"), Decimal("0.97"), Decimal("0.85")))
        eligible = (sim.total * factor).quantize(CENT)
        holdback = self._holdback()
        settlement = schedule.settle(holdback=holdback.amount, eligible_expenses=eligible, already_paid=paid)
        unused = holdback.amount - settlement.final_payment
        if settlement.final_payment > 0 and unused > 0:
            holdback.amount = settlement.final_payment
            rest = InstallmentSim(
                state=InstallmentState.SCHEDULED,
                number=len(sim.installments) + 1,
                kind=InstallmentKind.UNUSED,
                amount=unused,
                due_on=holdback.due_on,
                gate=holdback.gate,
            )
            rest.move("payments.installment.cancelled", InstallmentState.CANCELLED, at, self.plan.officer_id)
            sim.installments.append(rest)
        elif settlement.final_payment == 0:
            holdback.move("payments.installment.cancelled", InstallmentState.CANCELLED, at, self.plan.officer_id)
        sim.eligible_expenses, sim.final_payment = eligible, settlement.final_payment
        sim.amount_to_recover = settlement.to_recover
        return True

    def _complete(self) -> None:
        sim = self.sim
        final = sim.reports[(ReportKind.FINAL, 0)]
        if final.state != ReportState.ACCEPTED:
            return
        if any(item.state in InstallmentState.pending() for item in sim.installments):
            return
        settled = [item.paid_at or final.accepted_at for item in sim.installments] + [final.accepted_at]
        sim.move("payments.agreement.completed", AgreementState.COMPLETED, max(settled), self.plan.officer_id)

    def terminate(self) -> bool:
        """End the active agreement at the horizon, unless an installment is approved and not yet paid."""
        sim = self.sim
        if sim.state != AgreementState.ACTIVE:
            return False
        if any(item.state == InstallmentState.APPROVED for item in sim.installments):
            return False
        at, actor = self.horizon, self.rng.choice(self.staff.decision_makers)
        for item in sim.installments:
            if item.state in InstallmentState.pending():
                item.move("payments.installment.cancelled", InstallmentState.CANCELLED, at, actor, TERMINATION_REASON)
        paid = sum((item.amount for item in sim.installments if item.state == InstallmentState.PAID), ZERO)
        eligible = (paid * Decimal(self.rng.randint(50, 95)) / 100).quantize(CENT)
        settlement = schedule.settle(holdback=ZERO, eligible_expenses=eligible, already_paid=paid)
        sim.eligible_expenses, sim.final_payment = eligible, ZERO
        sim.amount_to_recover, sim.terminated_at = settlement.to_recover, at
        sim.move("payments.agreement.terminated", AgreementState.TERMINATED, at, actor, TERMINATION_REASON)
        return True


def simulate(build: Build, plan: FilePlan, staff: Staff, references: list[int]) -> AgreementSim:
    """Return the agreement of an approved file in its state of today, terminated in a few cases."""
    clock = build.clock
    if build.rng.random() < TERMINATED_SHARE:
        horizon = clock.later(plan.decision.decided_at, 90, 700)
        if horizon < clock.now:
            sim = new_agreement(plan)
            simulator = Simulator(build, staff, sim, horizon, references)
            simulator.run()
            if simulator.terminate():
                return sim
    sim = new_agreement(plan)
    Simulator(build, staff, sim, clock.now, references).run()
    return sim
