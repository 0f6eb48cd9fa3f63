"""The tally's bar chart is a well-formed, labelled SVG image whose bars are to scale."""

from __future__ import annotations

from xml.etree import ElementTree

from hustings.nominations.templatetags.nomination_tags import (
    LABEL_WIDTH,
    VALUE_WIDTH,
    WIDTH,
    Bar,
    bar_chart,
    describe,
    render_bar_chart,
)

SVG = "{http://www.w3.org/2000/svg}"
PLOT = WIDTH - LABEL_WIDTH - VALUE_WIDTH


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)


def chart(bars: list[Bar], threshold: int | None = None) -> ElementTree.Element:
    return parse(
        render_bar_chart(
            bars,
            title="Nominations",
            description=describe(bars, threshold),
            ident="c1",
            threshold=threshold,
        )
    )


def test_chart_is_an_image_named_by_its_title_and_description() -> None:
    root = chart([Bar("Aisha Rahman", 3)])
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{SVG}title").text == "Nominations"  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc").text == "Aisha Rahman: 3."  # type: ignore[union-attr]


def test_bars_are_drawn_to_scale_against_the_largest_value() -> None:
    rects = chart([Bar("A", 10), Bar("B", 5), Bar("C", 0)]).findall(f"{SVG}rect")
    assert [int(rect.get("width", "")) for rect in rects] == [PLOT, PLOT // 2, 0]


def test_scale_stretches_to_a_threshold_no_one_has_reached() -> None:
    root = chart([Bar("A", 2), Bar("B", 1)], threshold=4)
    assert [int(r.get("width", "")) for r in root.findall(f"{SVG}rect")] == [PLOT // 2, PLOT // 4]
    (line,) = root.findall(f"{SVG}line")
    assert int(line.get("x1", "")) == LABEL_WIDTH + PLOT


def test_bars_short_of_the_threshold_are_drawn_in_another_colour() -> None:
    rects = chart([Bar("A", 5), Bar("B", 4)], threshold=5).findall(f"{SVG}rect")
    assert rects[0].get("fill") != rects[1].get("fill")


def test_description_says_how_many_reached_the_threshold() -> None:
    text = describe([Bar("A", 5), Bar("B", 4), Bar("C", 7)], 5)
    assert text == "A: 5; B: 4; C: 7. 2 of 3 have reached the threshold of 5."
    assert describe([], 5) == "No nominations yet."


def test_labels_are_escaped_and_long_ones_shortened() -> None:
    root = chart([Bar("<script>alert(1)</script>", 1), Bar("X" * 40, 1)])
    labels = [t.text for t in root.findall(f"{SVG}text")][::2]
    assert labels[0] == "<script>alert(1)</script>"  # as text: the parser saw no element
    assert root.find(f"{SVG}script") is None
    assert labels[1] == "X" * 25 + "…"


def test_template_tag_reads_labels_and_values_from_attributes_or_keys() -> None:
    svg = bar_chart(
        [{"name": "A", "count": 2}, {"name": "B", "count": 1}],
        label="name",
        value="count",
        title="T",
        ident="t",
    )
    root = parse(svg)
    assert [t.text for t in root.findall(f"{SVG}text")] == ["A", "2", "B", "1"]
