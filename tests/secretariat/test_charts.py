"""The charts' geometry: bars proportional to their values, in the fixed viewBox."""

from datetime import date

from secretariat import charts
from secretariat.charts import ChartRow


def test_horizontal_bars_are_proportional_to_their_values_and_stacked_in_rows():
    chart = charts.horizontal_bar_chart(
        [ChartRow("Austria", 10, "/a"), ChartRow("France", 5, "/f"), ChartRow("Malta", 0, "")],
        width=656,
    )
    room = 656 - charts.VALUE_ROOM  # 600 for the longest bar
    assert [bar.width for bar in chart.bars] == [600, 300, 0]
    assert [bar.y for bar in chart.bars] == [21, 65, 109]
    assert [bar.label_y for bar in chart.bars] == [15, 59, 103]
    # The value sits just after the bar's end, the label above the bar.
    assert [bar.value_x for bar in chart.bars] == [room + 6, 306, 6]
    assert chart.height == 3 * charts.ROW_HEIGHT
    assert chart.total == 15
    assert chart.bars[0].row.url == "/a"


def test_a_chart_of_zeros_or_of_nothing_draws_no_bar():
    zeros = charts.horizontal_bar_chart([ChartRow("Austria", 0), ChartRow("France", 0)])
    assert [bar.width for bar in zeros.bars] == [0, 0]
    assert zeros.total == 0
    empty = charts.horizontal_bar_chart([])
    assert empty.bars == [] and empty.height == charts.ROW_HEIGHT


def test_grouped_columns_stand_on_the_baseline_side_by_side_for_each_month():
    months = [date(2026, 1, 1), date(2026, 2, 1)]
    chart = charts.grouped_column_chart(
        months, {"received": [4, 2], "decided": [0, 1]}, width=400, height=256
    )
    plot_height = 256 - charts.TOP_ROOM - charts.BOTTOM_ROOM  # 200
    assert chart.baseline_y == charts.TOP_ROOM + plot_height
    january, february = chart.groups
    assert january.month == date(2026, 1, 1)
    received, decided = january.columns
    assert (received.series, decided.series) == ("received", "decided")
    assert received.height == plot_height  # the largest value fills the plot
    assert february.columns[0].height == plot_height / 2
    assert february.columns[1].height == plot_height / 4
    assert decided.height == 0
    for group in chart.groups:
        for column in group.columns:
            assert column.y + column.height == chart.baseline_y
            assert column.value_y < column.y  # the value is written above the column
    # Each month has its own slot; its columns stay inside it, the decided one right of the other.
    assert 0 < received.x < decided.x < february.columns[0].x
    assert january.label_x == 100 and february.label_x == 300


def test_sparklines_share_one_scale_and_find_the_busiest_month():
    months = [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    lines = charts.sparklines(
        months,
        [(ChartRow("Energy", 9), [2, 6, 1]), (ChartRow("Other topics", 3), [0, 0, 3])],
    )
    energy, other = lines
    plot_height = charts.SPARK_HEIGHT - charts.SPARK_LABEL_ROOM - charts.TOP_ROOM
    assert energy.columns[1].height == plot_height
    assert other.columns[2].height == plot_height / 2  # 3 of 6, the shared largest value
    assert energy.busiest_month == date(2026, 2, 1) and energy.busiest.value == 6
    assert other.busiest_month == date(2026, 3, 1)
    assert [column.month for column in energy.columns] == months


def test_a_topic_without_posts_has_no_busiest_month():
    (line,) = charts.sparklines([date(2026, 1, 1)], [(ChartRow("Quiet", 0), [0])])
    assert line.busiest is None and line.busiest_month is None
