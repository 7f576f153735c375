"""The geometry of the dashboard's charts, computed here so that the templates only draw.

Each function takes figures (rows from secretariat.selectors) and returns plain dataclasses
with SVG coordinates in a fixed viewBox; the SVG scales with the page through CSS. No text is
made here: labels come translated from the selectors, and the templates add the rest.
"""

from dataclasses import dataclass, field
from datetime import date

# The viewBox width of the charts; the height follows from the number of rows. Bar charts sit
# two abreast on a wide screen, so they are narrower: their words keep about 14px on screen.
CHART_WIDTH = 640
BAR_CHART_WIDTH = 480


@dataclass(frozen=True)
class ChartRow:
    """One figure to chart: what it is, how many, and the list it counts (may be empty)."""

    label: str
    value: int
    url: str = ""
    key: str = ""


@dataclass(frozen=True)
class HorizontalBar:
    row: ChartRow
    x: float
    y: float
    width: float
    height: float
    label_y: float
    value_x: float
    value_y: float
    row_y: float
    row_height: float


@dataclass(frozen=True)
class HorizontalBarChart:
    bars: list[HorizontalBar]
    width: int
    height: int

    @property
    def total(self) -> int:
        return sum(bar.row.value for bar in self.bars)


# A row: its label on one line, the bar under it with its value just after the bar's end.
ROW_HEIGHT = 44
LABEL_BASELINE = 15
BAR_TOP = 21
BAR_HEIGHT = 16
VALUE_GAP = 6
# Room kept at the right for the longest value ("12345").
VALUE_ROOM = 56


def horizontal_bar_chart(
    rows: list[ChartRow], *, width: int = BAR_CHART_WIDTH
) -> HorizontalBarChart:
    """Bars from the left, one under the other, each labelled above and valued at its end."""
    largest = max((row.value for row in rows), default=0)
    room = width - VALUE_ROOM
    bars = []
    for index, row in enumerate(rows):
        top = index * ROW_HEIGHT
        bar_width = round(room * row.value / largest, 1) if largest else 0
        bars.append(
            HorizontalBar(
                row=row,
                x=0,
                y=top + BAR_TOP,
                width=bar_width,
                height=BAR_HEIGHT,
                label_y=top + LABEL_BASELINE,
                value_x=round(bar_width + VALUE_GAP, 1),
                value_y=top + BAR_TOP + BAR_HEIGHT - 3,
                # The whole row takes the pointer, not only the bar and its words.
                row_y=top,
                row_height=ROW_HEIGHT,
            )
        )
    return HorizontalBarChart(bars=bars, width=width, height=max(len(rows), 1) * ROW_HEIGHT)


@dataclass(frozen=True)
class Column:
    series: str
    value: int
    x: float
    y: float
    width: float
    height: float
    value_x: float
    value_y: float
    month: date | None = None


@dataclass(frozen=True)
class ColumnGroup:
    month: date
    columns: list[Column]
    label_x: float


@dataclass(frozen=True)
class ColumnChart:
    groups: list[ColumnGroup]
    width: int
    height: int
    baseline_y: float
    month_label_y: float
    year_label_y: float
    series: list[str] = field(default_factory=list)


# Room above the plot for the value labels, and under it for the month and the year.
TOP_ROOM = 18
BOTTOM_ROOM = 38
GROUP_PADDING = 0.2


def grouped_column_chart(
    months: list[date],
    series: dict[str, list[int]],
    *,
    width: int = CHART_WIDTH,
    height: int = 220,
) -> ColumnChart:
    """Columns side by side for each month, one per series (in the dict's order), each valued
    above its top. `series` maps a key to one value per month."""
    keys = list(series)
    largest = max((value for values in series.values() for value in values), default=0)
    plot_height = height - TOP_ROOM - BOTTOM_ROOM
    baseline = TOP_ROOM + plot_height
    group_width = width / max(len(months), 1)
    padding = group_width * GROUP_PADDING / 2
    column_width = (group_width - 2 * padding) / max(len(keys), 1)
    groups = []
    for month_index, month in enumerate(months):
        left = month_index * group_width + padding
        columns = []
        for key_index, key in enumerate(keys):
            value = series[key][month_index]
            column_height = round(plot_height * value / largest, 1) if largest else 0
            x = round(left + key_index * column_width, 1)
            columns.append(
                Column(
                    series=key,
                    value=value,
                    x=x,
                    y=round(baseline - column_height, 1),
                    width=round(column_width - 1, 1),
                    height=column_height,
                    value_x=round(x + column_width / 2, 1),
                    value_y=round(baseline - column_height - 4, 1),
                    month=month,
                )
            )
        groups.append(
            ColumnGroup(
                month=month,
                columns=columns,
                label_x=round(month_index * group_width + group_width / 2, 1),
            )
        )
    return ColumnChart(
        groups=groups,
        width=width,
        height=height,
        baseline_y=baseline,
        month_label_y=baseline + 15,
        year_label_y=baseline + 31,
        series=keys,
    )


@dataclass(frozen=True)
class Sparkline:
    """One series of monthly columns, for a chart made of small multiples (one per topic)."""

    row: ChartRow
    columns: list[Column]
    months: list[date]
    width: int
    height: int
    baseline_y: float
    month_label_y: float

    @property
    def busiest(self) -> Column | None:
        """The month with the most activity (the latest of equals), or None when all are 0."""
        best = None
        for column in self.columns:
            if column.value and (best is None or column.value >= best.value):
                best = column
        return best

    @property
    def busiest_month(self) -> date | None:
        busiest = self.busiest
        return busiest.month if busiest else None


SPARK_HEIGHT = 80
# Room under each small chart for the months' initials.
SPARK_LABEL_ROOM = 18


def sparklines(
    months: list[date],
    rows: list[tuple[ChartRow, list[int]]],
    *,
    width: int = CHART_WIDTH,
    height: int = SPARK_HEIGHT,
) -> list[Sparkline]:
    """Small column charts sharing one scale, so that topics compare at a glance."""
    largest = max((value for _row, values in rows for value in values), default=0)
    baseline = height - SPARK_LABEL_ROOM
    plot_height = baseline - TOP_ROOM
    slot = width / max(len(months), 1)
    column_width = round(slot * (1 - GROUP_PADDING), 1)
    charts = []
    for row, values in rows:
        columns = []
        for index, value in enumerate(values):
            column_height = round(plot_height * value / largest, 1) if largest else 0
            x = round(index * slot + slot * GROUP_PADDING / 2, 1)
            columns.append(
                Column(
                    series=row.key,
                    value=value,
                    x=x,
                    y=round(baseline - column_height, 1),
                    width=column_width,
                    height=column_height,
                    value_x=round(x + column_width / 2, 1),
                    value_y=round(baseline - column_height - 4, 1),
                    month=months[index],
                )
            )
        charts.append(
            Sparkline(
                row=row,
                columns=columns,
                months=months,
                width=width,
                height=height,
                baseline_y=baseline,
                month_label_y=baseline + 14,
            )
        )
    return charts
