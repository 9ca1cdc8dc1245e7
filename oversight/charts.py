"""SVG charts of the program dashboard, drawn on the server with pygal and embedded as data: URIs.

The site's Content-Security-Policy allows `img-src data:` but no inline style or script in the page. Each
chart is therefore a standalone SVG document shown by an `<img>`. The browser renders such an image without
running scripts, and the image's own `<style>` applies inside it only. pygal always writes a configuration
`<script>`, even with `js=[]`, so an XML filter removes every script element before rendering. The page
follows each chart with a table of the same figures, for screen readers and for the exact amounts.
"""

import base64
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import pygal
from babel.numbers import format_decimal
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from pygal.style import Style

from common.money import format_money
from oversight.selectors import CallEnvelope, DistributionRow, StateCount

# Colours of the Québec design system (qc-trousse-sdg): PIV blue, green, dark blue, red, purple. Each has a
# contrast ratio of at least 3:1 with white, as WCAG 1.4.11 requires of the parts of a graphic. Series drawn
# side by side take neighbours in this order, so that blue and green, not the two blues, touch.
PALETTE = ("#095797", "#4f813d", "#223654", "#cb381f", "#6b4fa1")
TEXT_COLOUR = "#223654"
# The zero cents of an amount: the last « ,00 » or « .00 », with only the currency sign after it.
WHOLE_CENTS = re.compile(r"[.,]00(?=\D*$)")
GRID_COLOUR = "#c5cad2"

STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground=TEXT_COLOUR,
    foreground_strong=TEXT_COLOUR,
    foreground_subtle=GRID_COLOUR,
    font_family='"Open Sans", Arial, sans-serif',
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=14,
    opacity="1",
    opacity_hover="1",
    transition="none",
    colors=PALETTE,
)

WIDTH = 960
# Horizontal bar charts grow with their number of bars, so that each label keeps its line.
BAR_HEIGHT = 34
PAIR_HEIGHT = 44
MIN_HEIGHT = 240
# Value axes show about this many steps.
AXIS_STEPS = 5
# Drawing a chart with pygal costs more than most queries of the page (an estimate: 13 to 28 ms per chart,
# measured on a 2-core machine with 10 000 applications), so each process keeps the last charts it drew. The
# key is the chart's figures, labels and language, so a cached chart is never out of date. Each of the three
# charts keeps up to 64 images of 20 to 35 kB, about 7 MB at most.
CACHED_CHARTS = 64


@dataclass(frozen=True)
class Chart:
    """An SVG chart ready for `<img src="{{ chart.src }}" alt="{{ chart.alt }}">`."""

    src: str
    alt: str
    width: int
    height: int


def format_count(value) -> str:
    """Format a count with the active language's digit grouping: « 12 345 » in French, « 12,345 » in English."""
    locale = "en_CA" if (get_language() or "fr")[:2] == "en" else "fr_CA"
    return format_decimal(value, locale=locale).replace("\u202f", "\u00a0")


def format_money_label(value) -> str:
    """Format an axis position (a float that pygal computed) as a whole amount, such as « 200 000 $ ».

    The axis steps are round amounts, so their cents are always zero and only make the labels longer.
    """
    return WHOLE_CENTS.sub("", format_money(Decimal(str(value))))


def remove_scripts(root):
    """Remove every script element of the SVG tree, because pygal adds one even with `js=[]`."""
    for parent in list(root.iter()):
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return root


def to_float(amount: Decimal) -> float:
    # pygal computes bar positions in float. The table under each chart shows the exact Decimal amounts.
    return float(amount)


def count_labels(counts: Sequence[int]) -> list[int]:
    """Return whole-number axis positions from 0 to at least the largest count."""
    largest = max(counts, default=0)
    step = max(1, math.ceil(largest / AXIS_STEPS))
    return list(range(0, max(largest, 1) + step, step))


def money_labels(amounts: Sequence[Decimal]) -> list[int]:
    """Return about AXIS_STEPS round axis positions, in dollars, from 0 to at least the largest amount.

    pygal would choose about twice as many, and amounts such as « 200 000,00 $ » would then overlap.
    """
    largest = max(amounts, default=Decimal(0))
    if largest <= 0:
        return [0, 1]
    rough_step = largest / AXIS_STEPS
    magnitude = Decimal(10) ** (len(str(int(rough_step))) - 1)
    step = next(
        multiple * magnitude for multiple in (1, 2, Decimal("2.5"), 5, 10) if multiple * magnitude >= rough_step
    )
    count = math.ceil(largest / step)
    return [int(step * index) for index in range(count + 1)]


def _language() -> str:
    """Return the active language, part of each cached chart's key because its labels are translated."""
    return get_language() or ""


def render(chart, *, alt: str, height: int) -> Chart:
    svg = chart.render()
    src = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
    return Chart(src=src, alt=alt, width=WIDTH, height=height)


def new_chart(chart_class, *, height: int, **options):
    chart = chart_class(
        width=WIDTH,
        height=height,
        explicit_size=True,
        style=STYLE,
        js=[],
        legend_at_bottom=True,
        legend_at_bottom_columns=3,
        print_values=False,
        show_x_guides=False,
        # Labels are short enough, and a truncated amount (« 200 00… ») would be wrong.
        truncate_label=-1,
        truncate_legend=-1,
        margin=16,
        # pygal sizes text with its own estimates, which fall short for the last axis label and the legend.
        # These margins keep both inside the image.
        margin_right=72,
        margin_bottom=32,
        **options,
    )
    # A filter, because pygal 3.1.3 has no option for it and drops unknown options without a warning.
    chart.add_xml_filter(remove_scripts)
    return chart


def envelope_chart(rows: Sequence[CallEnvelope], fiscal_year_label: str) -> Chart:
    """Draw the envelope, committed and paid amounts of each call as grouped vertical bars."""
    return _envelope_chart(
        tuple((row.call.code, row.year.envelope, row.year.committed, row.year.paid) for row in rows),
        fiscal_year_label,
        _language(),
    )


@lru_cache(maxsize=CACHED_CHARTS)
def _envelope_chart(rows: tuple[tuple[str, Decimal, Decimal, Decimal], ...], fiscal_year_label: str, language: str):
    height = 420
    chart = new_chart(
        pygal.Bar,
        height=height,
        value_formatter=format_money_label,
        y_labels=money_labels(
            [amount for _code, envelope, committed, _paid in rows for amount in (envelope, committed)]
        ),
    )
    chart.x_labels = [code for code, *_amounts in rows]
    chart.add(_("Envelope"), [to_float(envelope) for _code, envelope, _committed, _paid in rows])
    chart.add(_("Committed"), [to_float(committed) for _code, _envelope, committed, _paid in rows])
    chart.add(_("Paid"), [to_float(paid) for _code, _envelope, _committed, paid in rows])
    alt = _(
        "Bar chart of the envelope, the committed amount and the paid amount of each call for %(year)s. "
        "The table below gives the figures."
    ) % {"year": fiscal_year_label}
    return render(chart, alt=alt, height=height)


def horizontal_height(groups: int, *, group_height: int = BAR_HEIGHT) -> int:
    """Return the height of a horizontal bar chart with `groups` labels, with room for the axis and legend."""
    return max(MIN_HEIGHT, 140 + groups * group_height)


def funnel_chart(rows: Sequence[StateCount], fiscal_year_label: str) -> Chart:
    """Draw the number of applications in each state as horizontal bars, in the order of a file's life."""
    return _funnel_chart(tuple((str(row.label), row.count) for row in rows), fiscal_year_label, _language())


@lru_cache(maxsize=CACHED_CHARTS)
def _funnel_chart(rows: tuple[tuple[str, int], ...], fiscal_year_label: str, language: str) -> Chart:
    height = horizontal_height(len(rows))
    counts = [count for _label, count in rows]
    chart = new_chart(
        pygal.HorizontalBar,
        height=height,
        value_formatter=format_count,
        y_labels=count_labels(counts),
        show_legend=False,
    )
    # pygal draws the first label of a horizontal chart at the bottom, so the life order is reversed.
    chart.x_labels = [label for label, _count in reversed(rows)]
    chart.add(_("Applications"), list(reversed(counts)))
    alt = _(
        "Bar chart of the number of applications submitted in %(year)s in each state, from submitted to "
        "withdrawn. The table below gives the figures."
    ) % {"year": fiscal_year_label}
    return render(chart, alt=alt, height=height)


def region_chart(rows: Sequence[DistributionRow], fiscal_year_label: str) -> Chart:
    """Draw the requested and approved amounts of each administrative region as horizontal bars."""
    return _region_chart(
        tuple((str(row.label), row.requested, row.approved) for row in rows), fiscal_year_label, _language()
    )


@lru_cache(maxsize=CACHED_CHARTS)
def _region_chart(rows: tuple[tuple[str, Decimal, Decimal], ...], fiscal_year_label: str, language: str) -> Chart:
    height = horizontal_height(len(rows), group_height=PAIR_HEIGHT)
    chart = new_chart(
        pygal.HorizontalBar,
        height=height,
        value_formatter=format_money_label,
        y_labels=money_labels([amount for _label, requested, approved in rows for amount in (requested, approved)]),
    )
    chart.x_labels = [label for label, _requested, _approved in reversed(rows)]
    chart.add(_("Amount requested"), [to_float(requested) for _label, requested, _approved in reversed(rows)])
    chart.add(_("Amount granted"), [to_float(approved) for _label, _requested, approved in reversed(rows)])
    alt = _(
        "Bar chart of the amounts requested and granted in each administrative region for the applications "
        "submitted in %(year)s. The table below gives the figures."
    ) % {"year": fiscal_year_label}
    return render(chart, alt=alt, height=height)
