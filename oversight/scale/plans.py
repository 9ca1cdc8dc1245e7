"""The plan of each application: its content, project dates and budget, and the transitions it went through.

Files are planned in memory first, then inserted. Each budget is checked with the same functions as the
review page and submit_application (applications.budget), so every submitted file of the data set would pass
the submission checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from applications.budget import add_months, check_budget, check_dates, duration_months, project_years
from applications.models import ApplicationState
from common.regions import AdministrativeRegion
from grants.models import Reach
from oversight.scale import names
from oversight.scale.base import CENT, ZERO, Build, round_to, split_integer
from oversight.scale.calls import CallInfo
from oversight.scale.people import Org

HUNDRED = Decimal(100)
# Project lengths in months, with their weights: mostly three project years, as in the program's recent calls.
PROJECT_MONTHS = {12: 4, 18: 3, 24: 5, 30: 13, 36: 75}
REACH_WEIGHTS = {Reach.LOCAL: 50, Reach.REGIONAL: 35, Reach.PROVINCIAL: 15}
PARTNERS = ("Centraide", "Caisse Desjardins du quartier", "Centre intégré de santé et de services sociaux")


class PlanError(RuntimeError):
    """A planned file breaks a rule of the program; this is a bug of the data set builder."""


@dataclass
class Event:
    """One transition of the application, as the services log it in TransitionLog."""

    code: str
    source: str
    target: str
    at: datetime
    actor_id: int | None
    reason: str = ""


@dataclass
class FilePlan:
    """Everything about one application, filled step by step by the planners, then inserted."""

    call: CallInfo
    org: Org
    group: str
    created_at: datetime
    state: str = ApplicationState.DRAFT
    updated_at: datetime | None = None
    # Sections of the form filled by a draft: 0 none, 1 the project, 2 also clienteles and calendar, 3 also
    # the budget. Submitted files have every section and their documents.
    completion: int = 4
    title: str = ""
    texts: dict[str, str] = field(default_factory=dict)
    confirmed_at: datetime | None = None
    clienteles: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    reach: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    phases: list[tuple[str, date, date, str]] = field(default_factory=list)
    requested: dict[int, Decimal] = field(default_factory=dict)
    expenses: dict[tuple[int, str], Decimal] = field(default_factory=dict)
    revenues: list[tuple[str, str, int, Decimal, bool]] = field(default_factory=list)
    subcontracting: Decimal = ZERO
    submitted_at: datetime | None = None
    sequence: int | None = None
    officer_id: int | None = None
    events: list[Event] = field(default_factory=list)
    # (requested at, sections, items, respond by, answered at or None), as in InformationRequest.
    information_request: tuple[datetime, list[str], str, date, datetime | None] | None = None
    # (index of the call's question, answer, comment), all answered at `answered_at`.
    answers: list[tuple[int, str, str]] = field(default_factory=list)
    answered_at: datetime | None = None
    inadmissibility: tuple[str, str] = ("", "")
    withdrawal_reason: str = ""
    receivable_at: datetime | None = None
    quality: float = 6.5
    assignments: list = field(default_factory=list)  # reviewing.AssignmentPlan
    mean: Decimal | None = None
    recommendation: object | None = None  # committee.RecommendationPlan
    decision: object | None = None  # committee.DecisionPlan
    pk: int | None = None

    def move(self, code: str, target: str, at: datetime, actor_id: int | None, reason: str = "") -> None:
        """Record a transition to `target` at `at`, as the service of `code` does."""
        self.events.append(Event(code, self.state, target, at, actor_id, reason))
        self.state = target
        self.touch(at)

    def touch(self, at: datetime) -> None:
        if self.updated_at is None or at > self.updated_at:
            self.updated_at = at

    @property
    def reference(self) -> str:
        return f"{self.call.call.code}-{self.sequence:04d}" if self.sequence else ""

    @property
    def representative_id(self) -> int:
        return self.org.representative_id


def region_name(code: str) -> str:
    return AdministrativeRegion(code).label.split(" – ", 1)[1]


def describe_project(build: Build, plan: FilePlan) -> None:
    """Fill the title, texts, clienteles, regions and reach of the file."""
    rng = build.rng
    codes = list(build.taxonomy.clienteles)
    plan.clienteles = [plan.org.clientele, *rng.sample([code for code in codes if code != plan.org.clientele], 2)]
    plan.clienteles = plan.clienteles[: rng.choice((1, 1, 2, 3))]
    plan.reach = rng.choices(list(REACH_WEIGHTS), list(REACH_WEIGHTS.values()))[0]
    others = [code for code in AdministrativeRegion.values if code != plan.org.region]
    extra = {Reach.LOCAL: 0, Reach.REGIONAL: rng.randint(1, 2), Reach.PROVINCIAL: rng.randint(4, len(others))}
    plan.regions = sorted([plan.org.region, *rng.sample(others, extra[plan.reach])])
    place = {
        Reach.LOCAL: plan.org.city,
        Reach.REGIONAL: region_name(plan.org.region),
        Reach.PROVINCIAL: "ensemble du Québec",
    }[plan.reach]
    action, topic = rng.choice(names.ACTIONS), rng.choice(names.TOPICS)
    audience = names.AUDIENCES[plan.org.clientele]
    plan.title = f"{action} {topic} {audience} – {place}"
    plan.texts = {
        "summary": f"Avec ce projet, {plan.org.name} offre des activités {topic} {audience}. "
        f"Elles ont lieu principalement sur le territoire de {plan.org.city}.",
        "objectives": " ".join(rng.sample(names.OBJECTIVES, 2)),
        "expected_impacts": " ".join(rng.sample(names.IMPACTS, 2)),
        "approach": " ".join(rng.sample(names.APPROACHES, 3)),
        "knowledge_base": rng.choice(names.KNOWLEDGE),
        "help_resources": rng.choice(names.HELP_RESOURCES),
    }


def plan_project(build: Build, plan: FilePlan, start: date) -> None:
    """Set the project dates from `start`, the calendar phases and a budget within the call's rules."""
    rules = plan.call.rules
    allowed = [months for months in PROJECT_MONTHS if rules.min_duration_months <= months <= rules.max_duration_months]
    months = rules.max_duration_months
    if allowed:
        months = build.rng.choices(allowed, [PROJECT_MONTHS[value] for value in allowed])[0]
    plan.starts_on = start
    plan.ends_on = add_months(start, months) - timedelta(days=1)
    problems = check_dates(rules=rules, starts_on=plan.starts_on, ends_on=plan.ends_on)
    if problems:
        raise PlanError(f"{plan.org.name}: {problems[0].message}")
    _plan_phases(build, plan)
    _plan_budget(build, plan)


def _plan_phases(build: Build, plan: FilePlan) -> None:
    count = build.rng.randint(2, len(names.PHASES))
    days = (plan.ends_on - plan.starts_on).days + 1
    plan.phases = []
    for index in range(count):
        first = plan.starts_on + timedelta(days=days * index // count)
        last = plan.starts_on + timedelta(days=days * (index + 1) // count - 1)
        title, activities = names.PHASES[index if index < count - 1 else len(names.PHASES) - 1]
        plan.phases.append((title, first, last, activities))


def _category_shares(build: Build) -> dict[str, int]:
    """Return each expense category's share of the file's expenses, in percent; some categories get none.

    Administration stays under 8 % and subcontracting under 20 %, below the program caps of 10 % and 25 %.
    """
    rng, taxonomy = build.rng, build.taxonomy
    shares: dict[str, int] = {}
    for code in taxonomy.administration:
        shares[code] = rng.randint(2, 8) if rng.random() < 0.6 else 0
    for code in taxonomy.subcontracting:
        shares[code] = rng.randint(4, 20) if rng.random() < 0.5 else 0
    others = [code for code in taxonomy.categories if code not in shares]
    weights = [rng.randint(60, 80)] + [rng.randint(3, 12) if rng.random() < 0.6 else 0 for _ in others[1:]]
    left = 100 - sum(shares.values())
    shares.update(zip(others, split_integer(left, weights), strict=True))
    return shares


def _plan_budget(build: Build, plan: FilePlan) -> None:
    rng, rules = build.rng, plan.call.rules
    years = project_years(plan.starts_on, plan.ends_on)
    shares = _category_shares(build)
    codes = list(shares)
    plan.requested, plan.expenses, plan.revenues = {}, {}, []
    yearly = Decimal(rng.randrange(150, 501)) * HUNDRED
    for year in years:
        months = duration_months(year.starts_on, year.ends_on)
        amount = max(Decimal(1000), round_to(yearly * months / 12, HUNDRED))
        plan.requested[year.number] = min(amount, rules.max_per_project_year)
    while sum(plan.requested.values(), ZERO) > rules.max_total:
        largest = max(plan.requested, key=plan.requested.get)
        plan.requested[largest] -= Decimal(1000)
    for year in years:
        _plan_year_revenues(build, plan, year.number)
        income = sum((row[3] for row in plan.revenues if row[2] == year.number), ZERO)
        # Whole dollars, so that the expenses of the year add up to its funding exactly.
        dollars = int(plan.requested[year.number] + income)
        for code, part in zip(codes, split_integer(dollars, [shares[code] for code in codes]), strict=True):
            if part:
                plan.expenses[(year.number, code)] = Decimal(part).quantize(CENT)
    plan.subcontracting = sum(
        (amount for (_year, code), amount in plan.expenses.items() if code in build.taxonomy.subcontracting), ZERO
    )
    _check_budget(build, plan, years)


def _plan_year_revenues(build: Build, plan: FilePlan, year: int) -> None:
    rng = build.rng
    requested = plan.requested[year]
    own = max(Decimal(500), round_to(requested * Decimal(rng.randint(5, 20)) / HUNDRED, HUNDRED))
    plan.revenues.append(("own", "Contribution de l’organisme", year, own, True))
    if rng.random() < 0.4:
        amount = max(Decimal(500), round_to(requested * Decimal(rng.randint(5, 30)) / HUNDRED, HUNDRED))
        source = rng.choice((f"Ville de {plan.org.city}", *PARTNERS))
        plan.revenues.append(("partner", source, year, amount, rng.random() < 0.7))
    if rng.random() < 0.15:
        amount = max(Decimal(300), round_to(requested * Decimal(5) / HUNDRED, HUNDRED))
        plan.revenues.append(("in_kind", "Prêt de locaux par un partenaire", year, amount, True))


def _check_budget(build: Build, plan: FilePlan, years) -> None:
    expenses: dict[int, dict[str, Decimal]] = {}
    for (year, code), amount in plan.expenses.items():
        expenses.setdefault(year, {})[code] = amount
    revenues: dict[int, Decimal] = {}
    for _kind, _source, year, amount, _confirmed in plan.revenues:
        revenues[year] = revenues.get(year, ZERO) + amount
    problems = check_budget(
        rules=plan.call.rules,
        years=years,
        expenses=expenses,
        administration_codes=set(build.taxonomy.administration),
        requested=plan.requested,
        revenues=revenues,
        subcontracting=plan.subcontracting,
    )
    if problems:
        raise PlanError(f"{plan.org.name}: {problems[0].message}")


def clear_draft_sections(plan: FilePlan) -> None:
    """Empty the sections a draft has not reached yet, following `completion`."""
    if plan.completion < 1:
        plan.title, plan.texts, plan.confirmed_at = "", {}, None
    if plan.completion < 2:
        plan.clienteles, plan.regions, plan.reach = [], [], ""
        plan.starts_on = plan.ends_on = None
        plan.phases = []
    if plan.completion < 3:
        plan.requested, plan.expenses, plan.revenues = {}, {}, []
        plan.subcontracting = ZERO
