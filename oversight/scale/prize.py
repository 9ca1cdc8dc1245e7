"""A prize edition whose nominations closed two weeks ago, with its jury and nominations at every screening step.

The categories and their criteria come from awards.services.add_default_categories. The nominee's consent
follows awards.services.consent: a nomination in a category that requires consent is eligible only with
consent given, and a nominee who withdraws consent withdraws the nomination.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from applications.demo import demo_pdf
from awards.models import (
    DocumentKind,
    EditionState,
    JuryMembership,
    Nomination,
    NominationDocument,
    NominationState,
    PrizeEdition,
)
from awards.services import add_default_categories
from common.regions import AdministrativeRegion
from grants.models import Program
from oversight.scale import names
from oversight.scale.base import EMAIL_DOMAIN, Build, insert, split_count
from oversight.scale.files import store_placeholder
from oversight.scale.people import Org, Staff

STATE_WEIGHTS = {
    NominationState.DRAFT: 10,
    NominationState.SUBMITTED: 25,
    NominationState.INCOMPLETE: 8,
    NominationState.ELIGIBLE: 35,
    NominationState.INELIGIBLE: 14,
    NominationState.WITHDRAWN: 8,
}
COMPLETION_ITEMS = ["Joindre une deuxième lettre d’appui.", "Préciser le nombre de personnes rejointes."]
INELIGIBLE_REASON = "Les actions décrites ont eu lieu hors du Québec, ce que le règlement du prix exclut."
REFUSED_REASON = "La personne proposée a refusé de consentir à sa candidature."
WITHDRAWN_REASON = "La personne proposée a retiré son consentement."
NOMINATOR_WITHDRAWAL = "Je retire la candidature : la personne a déjà été honorée cette année."
LINK_REASON = "Au moyen du lien reçu par courriel."


@dataclass
class NominationPlan:
    """The field values of one nomination and its history; the row is built once its final state is known."""

    fields: dict
    steps: list[tuple[str, str, str, datetime, int | None, str]] = field(default_factory=list)

    @property
    def state(self) -> str:
        return self.fields["state"]

    def log(self, code: str, target: str, at: datetime, actor: int | None, reason: str = "") -> None:
        """Record a step to `target` (the current state for an event that changes none) at `at`."""
        self.steps.append((code, self.fields["state"] if self.steps else "", target, at, actor, reason))
        self.fields["state"] = target
        self.fields["updated_at"] = max(self.fields["updated_at"], at)


def _free_year(program: Program, year: int) -> int:
    taken = set(PrizeEdition.objects.filter(program=program).values_list("year", flat=True))
    while year in taken:
        year -= 1
    return year


def create_edition(build: Build, program: Program, staff: Staff) -> PrizeEdition:
    """Create the edition with the default categories and criteria, its jury, and its nominations closed."""
    clock = build.clock
    year = _free_year(program, clock.today.year)
    opens_at = clock.at(clock.today - timedelta(days=110), 9 * 60)
    closes_at = clock.at(clock.today - timedelta(days=15), 16 * 60 + 30)
    created_at = opens_at - timedelta(days=30)
    edition = PrizeEdition.objects.create(
        program=program,
        year=year,
        title_fr=f"Prix Ensemble contre l'intimidation {year}",
        title_en=f"Together Against Bullying Award {year}",
        nominations_open_at=opens_at,
        nominations_close_at=closes_at,
        round1_due_on=clock.today + timedelta(days=30),
        final_vote_due_on=clock.today + timedelta(days=60),
        created_at=created_at,
        updated_at=closes_at,
    )
    add_default_categories(edition=edition)
    insert(
        JuryMembership,
        (
            dict(edition_id=edition.pk, juror_id=juror, is_president=index == 0, added_at=created_at)
            for index, juror in enumerate(staff.jurors)
        ),
    )

    frozen_at = opens_at - timedelta(days=1)
    # The rules froze when nominations opened; an update skips the save() check that forbids changing them.
    PrizeEdition.objects.filter(pk=edition.pk).update(state=EditionState.NOMINATIONS_CLOSED, rules_frozen_at=frozen_at)
    steps = [
        ("awards.edition.created", "", "draft", staff.managers[0], created_at, ""),
        ("awards.edition.nominations_opened", "draft", "nominations_open", staff.managers[0], frozen_at, ""),
        (
            "awards.edition.nominations_closed",
            "nominations_open",
            "nominations_closed",
            None,
            closes_at + timedelta(minutes=5),
            "Date limite passée : fermeture automatique.",
        ),
    ]
    for code, source, target, actor, at, reason in steps:
        build.history.record(PrizeEdition, edition.pk, code, source, target, actor_id=actor, at=at, reason=reason)
    edition.refresh_from_db()
    return edition


def create_nominations(build: Build, edition: PrizeEdition, staff: Staff, organizations: list[Org], count: int) -> None:
    rng = build.rng
    categories = list(edition.categories.order_by("position"))
    states = [state for state, number in split_count(count, STATE_WEIGHTS).items() for _ in range(number)]
    rng.shuffle(states)
    nominators = staff.nominators + [
        org.representative_id for org in rng.sample(organizations, min(len(organizations), 100))
    ]
    plans = []
    for index, state in enumerate(states):
        category = categories[index % len(categories)] if index < len(categories) else rng.choice(categories)
        plans.append(_nomination(build, edition, category, rng.choice(nominators), index, state, staff, organizations))
    keys = insert(Nomination, (plan.fields for plan in plans))
    submitted = [(key, plan.fields) for key, plan in zip(keys, plans, strict=True) if plan.fields.get("submitted_at")]
    _insert_documents(build, submitted)
    for key, plan in zip(keys, plans, strict=True):
        for code, source, target, at, actor, reason in plan.steps:
            build.history.record(Nomination, key, code, source, target, actor_id=actor, at=at, reason=reason)


def _nominee(build: Build, category, organizations: list[Org]) -> tuple[str, str]:
    rng = build.rng
    if category.code == "organisation":
        return rng.choice(organizations).name, ""
    person = f"{rng.choice(names.FIRST_NAMES)} {rng.choice(names.LAST_NAMES)}"
    return person, rng.choice(names.NOMINEE_ORGANIZATIONS)


def _nomination(build, edition, category, nominator: int, index: int, state: str, staff: Staff, organizations):
    rng, clock = build.rng, build.clock
    name, organization = _nominee(build, category, organizations)
    created_at = clock.between(edition.nominations_open_at, edition.nominations_close_at - timedelta(days=3))
    people = rng.randint(30, 3000)
    plan = NominationPlan(
        {
            "edition_id": edition.pk,
            "category_id": category.pk,
            "nominator_id": nominator,
            "state": NominationState.DRAFT,
            "nominee_name": name,
            "nominee_email": f"candidature{index + 1:04d}@{EMAIL_DOMAIN}",
            "nominee_phone": f"418 555-{rng.randint(0, 9999):04d}",
            "nominee_organization": organization,
            "region": rng.choice(AdministrativeRegion.values),
            "nominator_relationship": rng.choice(("Collègue", "Parent", "Enseignante", "Partenaire communautaire")),
            "actions": f"{name} {rng.choice(names.NOMINATION_ACTIONS)}.",
            "reach": f"Environ {people} personnes ont participé aux activités ou en ont bénéficié.",
            "people_reached": people,
            "created_at": created_at,
            "updated_at": created_at,
        }
    )
    plan.log("awards.nomination.created", NominationState.DRAFT, created_at, nominator)
    if state != NominationState.DRAFT:
        _submit(build, plan, edition, category, nominator)
        _screen(build, plan, state, staff)
    return plan


def _submit(build: Build, plan: NominationPlan, edition: PrizeEdition, category, nominator: int) -> None:
    clock, fields = build.clock, plan.fields
    submitted_at = clock.between(fields["created_at"] + timedelta(hours=1), edition.nominations_close_at)
    fields["submitted_at"] = submitted_at
    plan.log("awards.nomination.submitted", NominationState.SUBMITTED, submitted_at, nominator)
    if category.requires_nominee_consent:
        # Only the hash of the e-mailed token is stored; this one matches no token anybody holds.
        fields["consent_token_hash"] = hashlib.sha256(build.rng.randbytes(32)).hexdigest()
        fields["consent_requested_at"] = submitted_at
        fields["consent_requested_email"] = fields["nominee_email"]
        plan.log(
            "awards.nomination.consent_requested",
            NominationState.SUBMITTED,
            submitted_at,
            nominator,
            fields["nominee_email"],
        )


def _answer_consent(build: Build, plan: NominationPlan, state: str) -> str:
    """Record the nominee's reply to the consent request; return "given", "refused" or "" (no reply yet)."""
    rng, clock, fields = build.rng, build.clock, plan.fields
    if not fields.get("consent_requested_at"):
        return ""
    answer = "given" if state == NominationState.ELIGIBLE or rng.random() < 0.5 else ""
    if state == NominationState.INELIGIBLE and not answer:
        answer = "refused"
    if not answer:
        return ""
    start = fields["consent_requested_at"]
    at = clock.between(start, min(start + timedelta(days=20), clock.now))
    fields[f"consent_{answer}_at"] = at
    plan.log(f"awards.nomination.consent_{answer}", plan.state, at, None, LINK_REASON)
    return answer


def _screen(build: Build, plan: NominationPlan, state: str, staff: Staff) -> None:
    rng, clock, fields = build.rng, build.clock, plan.fields
    consent = _answer_consent(build, plan, state)
    officer = rng.choice(staff.officers + staff.managers[:1])
    at = clock.between(fields["updated_at"], clock.now)
    if state == NominationState.INCOMPLETE:
        fields["incomplete_items"] = COMPLETION_ITEMS
        plan.log("awards.nomination.completion_requested", state, at, officer, "\n".join(COMPLETION_ITEMS))
    elif state in (NominationState.ELIGIBLE, NominationState.INELIGIBLE):
        fields["screened_by_id"], fields["screened_at"] = officer, at
        if state == NominationState.INELIGIBLE:
            fields["ineligibility_reason"] = REFUSED_REASON if consent == "refused" else INELIGIBLE_REASON
        code = "declared_eligible" if state == NominationState.ELIGIBLE else "declared_ineligible"
        plan.log(f"awards.nomination.{code}", state, at, officer, fields.get("ineligibility_reason", ""))
    elif state == NominationState.WITHDRAWN:
        _withdraw(plan, consent, at)


def _withdraw(plan: NominationPlan, consent: str, at: datetime) -> None:
    fields = plan.fields
    actor, reason = fields["nominator_id"], NOMINATOR_WITHDRAWAL
    if consent == "given":
        # The nominee withdrew consent through the link, which withdraws the nomination.
        fields["consent_withdrawn_at"] = at
        plan.log("awards.nomination.consent_withdrawn", plan.state, at, None, WITHDRAWN_REASON)
        actor, reason = None, WITHDRAWN_REASON
    fields["withdrawn_at"], fields["withdrawal_reason"] = at, reason
    plan.log("awards.nomination.withdrawn", NominationState.WITHDRAWN, at, actor, reason)


def _insert_documents(build: Build, nominations: list[tuple[int, dict]]) -> None:
    content = demo_pdf(title="Lettre d’appui", lines=["Document d’essai du jeu de données à grande échelle."])
    name = store_placeholder("awards/scale/lettre-appui.pdf", content)
    digest = hashlib.sha256(content).hexdigest()
    insert(
        NominationDocument,
        (
            dict(
                nomination_id=key,
                kind=DocumentKind.SUPPORT_LETTER,
                file=name,
                filename="Lettre d’appui.pdf",
                content_type="application/pdf",
                size=len(content),
                sha256=digest,
                uploaded_by_id=fields["nominator_id"],
                uploaded_at=build.clock.between(fields["created_at"], fields["submitted_at"]),
            )
            for key, fields in nominations
        ),
    )
