"""Shared tools of the scale data set: the clock, batched inserts, historical timestamps and the transition log."""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils import timezone
from psycopg.types.json import Jsonb

from common.models import TransitionLog
from grants.models import Clientele, ExpenseCategory

MONTREAL = ZoneInfo("America/Montreal")
# Rows per INSERT statement. bulk_create lowers it further where the database limits the number of parameters
# (SQLite), so the same value works on both databases.
BATCH_SIZE = 2000
# Prefix of the codes of the calls the data set creates; finding one of them means the data set is loaded.
CALL_CODE_PREFIX = "SCALE"
# Domain of the e-mail addresses of every person the data set creates. The .example domain never resolves.
EMAIL_DOMAIN = "scale.example"
# Apps whose models the data set fills; their auto_now fields are switched off while it writes.
FILLED_APPS = ("accounts", "grants", "applications", "reviews", "payments", "awards", "common")
ZERO = Decimal(0)
CENT = Decimal("0.01")
OFFICE_OPENS = 8 * 60 + 30  # 8:30, in minutes after midnight
OFFICE_CLOSES = 17 * 60


class Clock:
    """The instant the data set is built; every event of the data set happens before it."""

    def __init__(self, now: datetime, rng: random.Random):
        self.now = now
        self.today = timezone.localdate(now)
        self.rng = rng

    def at(self, day: date, minutes: int = OFFICE_OPENS) -> datetime:
        """Return `minutes` after midnight on `day`, Montréal time."""
        return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=MONTREAL)

    def during_office_hours(self, day: date) -> datetime:
        return self.at(day, self.rng.randrange(OFFICE_OPENS, OFFICE_CLOSES))

    def later(self, start: datetime, low_days: int, high_days: int) -> datetime:
        """Return an office-hours instant `low_days` to `high_days` days after `start`, and always after it."""
        day = timezone.localtime(start, MONTREAL).date() + timedelta(days=self.rng.randint(low_days, high_days))
        moment = self.during_office_hours(day)
        if moment <= start:
            moment = start + timedelta(minutes=self.rng.randint(20, 240))
        return moment

    def between(self, start: datetime, end: datetime) -> datetime:
        """Return a random instant in [start, end], or `start` when the range is empty."""
        span = (end - start).total_seconds()
        if span <= 0:
            return start
        return start + timedelta(seconds=self.rng.uniform(0, span))

    def has_happened(self, moment: datetime | None) -> bool:
        return moment is not None and moment <= self.now


def local_date(moment: datetime) -> date:
    return timezone.localtime(moment, MONTREAL).date()


def round_to(amount: Decimal, step: Decimal) -> Decimal:
    """Round an amount half-up to a multiple of `step` (100 $, 1 000 $…), with two decimal places."""
    return ((amount / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step).quantize(CENT)


def round_up(amount: Decimal, step: Decimal) -> Decimal:
    """Round an amount up to the next multiple of `step`, with two decimal places."""
    units = (amount / step).to_integral_value(rounding="ROUND_CEILING")
    return (units * step).quantize(CENT)


def split_integer(total: int, weights: list[int]) -> list[int]:
    """Divide the whole number `total` in proportion to whole-number `weights` by the largest remainder.

    The parts add up to `total` exactly; a weight of 0 gets 0 unless every weight is 0.
    """
    weight_sum = sum(weights)
    if weight_sum == 0:
        return [0] * len(weights)
    parts = [total * weight // weight_sum for weight in weights]
    remainders = sorted(range(len(weights)), key=lambda index: -(total * weights[index] % weight_sum))
    for index in remainders[: total - sum(parts)]:
        parts[index] += 1
    return parts


def split_count(total: int, weights: dict[str, int]) -> dict[str, int]:
    """Divide `total` items among the keys of `weights` by the largest remainder.

    When `total` allows it, every key gets at least one item, so that a small data set still has every state.
    """
    keys = list(weights)
    minimum = 1 if total >= len(keys) else 0
    parts = split_integer(total - minimum * len(keys), [weights[key] for key in keys])
    return {key: minimum + part for key, part in zip(keys, parts, strict=True)}


def insert(model: type[models.Model], rows: Iterable[dict]) -> list[int]:
    """Insert rows given as {field attname: value} dicts; return their primary keys, in the order of `rows`.

    On PostgreSQL the rows go through COPY, with primary keys taken from the table's sequence first. The
    reason is speed: bulk_create spends about 0.1 ms of Python per row preparing values, and 50 000
    TransitionLog rows took 4.8 s with bulk_create and 0.8 s with COPY (PostgreSQL 15, 2-CPU machine).
    Elsewhere bulk_create inserts them in batches of BATCH_SIZE. Neither calls save() nor sends signals. A
    field that a row leaves out gets its model default, and an auto_now field gets no current time, so rows
    must give their dates.
    """
    rows = list(rows)
    if not rows:
        return []
    if connection.vendor == "postgresql":
        return _copy(model, rows)
    objects = [model(**row) for row in rows]
    model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
    return [item.pk for item in objects]


def _copy(model: type[models.Model], rows: list[dict]) -> list[int]:
    meta = model._meta
    quote = connection.ops.quote_name
    fields = list(meta.concrete_fields)
    names = [field.attname for field in fields]
    defaults = {field.attname: field.get_default() for field in fields}
    json_positions = [index for index, field in enumerate(fields) if isinstance(field, models.JSONField)]
    key_position = fields.index(meta.pk)
    columns = ", ".join(quote(field.column) for field in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(rows)],
        )
        keys = [row[0] for row in cursor.fetchall()]
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for key, row in zip(keys, rows, strict=True):
                values = [row.get(name, defaults[name]) for name in names]
                values[key_position] = key
                for position in json_positions:
                    values[position] = Jsonb(values[position])
                copy.write_row(values)
    return keys


@contextmanager
def historical_timestamps() -> Iterator[None]:
    """Let the builders write past dates into auto_now and auto_now_add fields, then restore those fields.

    bulk_create and Model.save call each field's pre_save, which replaces the value of an auto_now or
    auto_now_add field with the current time, so a file submitted three years ago would show today's date.
    Inside this block, those fields keep the value the builder sets, and a builder that leaves one empty
    gets an IntegrityError.
    NOTE: the switch is global to the process, so nothing else should write these models meanwhile.
    """
    switched = []
    for app_label in FILLED_APPS:
        for model in apps.get_app_config(app_label).get_models():
            for model_field in model._meta.concrete_fields:
                if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
                    switched.append((model_field, model_field.auto_now, model_field.auto_now_add))
                    model_field.auto_now = model_field.auto_now_add = False
    try:
        yield
    finally:
        for model_field, auto_now, auto_now_add in switched:
            model_field.auto_now, model_field.auto_now_add = auto_now, auto_now_add


@dataclass
class History:
    """TransitionLog rows gathered while the data set is built, written in batches by `save`."""

    rows: list[tuple] = field(default_factory=list)
    content_types: dict[type, int] = field(default_factory=dict)

    def record(
        self,
        model: type[models.Model],
        object_id: int,
        code: str,
        source: str,
        target: str,
        *,
        actor_id: int | None,
        at: datetime,
        reason: str = "",
    ) -> None:
        if model not in self.content_types:
            self.content_types[model] = ContentType.objects.get_for_model(model, for_concrete_model=False).pk
        self.rows.append((self.content_types[model], str(object_id), code, source, target, actor_id, reason, at))

    def save(self) -> None:
        """Write the gathered rows and forget them."""
        fields = ("content_type_id", "object_id", "transition", "source", "target", "actor_id", "reason", "created_at")
        insert(TransitionLog, (dict(zip(fields, row, strict=True)) for row in self.rows))
        self.rows = []


@dataclass
class Build:
    """State shared by every builder: the seeded random generator, the clock, the history and the password hash."""

    rng: random.Random
    clock: Clock
    history: History
    password_hash: str
    taxonomy: Taxonomy

    # Document type pk → stored name, size, SHA-256 and file name of the placeholder PDF that every
    # attachment of that type points to.
    placeholder_files: dict[int, tuple[str, int, str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Taxonomy:
    """Primary keys of the clienteles and expense categories by code, and which categories the caps concern."""

    clienteles: dict[str, int]
    categories: dict[str, int]
    subcontracting: frozenset[str]
    administration: frozenset[str]

    @classmethod
    def load(cls) -> Taxonomy:
        categories = list(ExpenseCategory.objects.order_by("position"))
        return cls(
            clienteles=dict(Clientele.objects.order_by("position").values_list("code", "pk")),
            categories={category.code: category.pk for category in categories},
            subcontracting=frozenset(category.code for category in categories if category.is_subcontracting),
            administration=frozenset(category.code for category in categories if category.is_administration),
        )
