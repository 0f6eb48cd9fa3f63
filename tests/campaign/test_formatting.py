"""The small formatting subset: paragraphs, lists, bold, italic and web links, and nothing else."""

from __future__ import annotations

from hustings.campaign.formatting import to_html


def test_paragraphs_line_breaks_and_lists() -> None:
    assert to_html("One\ntwo\n\n- a\n- b") == "<p>One<br>two</p><ul><li>a</li><li>b</li></ul>"


def test_bold_italic_and_web_links() -> None:
    assert to_html("**Bold**, *italic* and [a link](https://example.org/a?b=1&c=2)") == (
        "<p><strong>Bold</strong>, <em>italic</em> and "
        '<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc noopener noreferrer">'
        "a link</a></p>"
    )


def test_links_to_anything_but_web_addresses_stay_as_typed() -> None:
    for address in ("javascript:alert(1)", "data:text/html,x", "vbscript:x", "/relative"):
        assert to_html(f"[x]({address})") == f"<p>[x]({address})</p>"


def test_typed_html_is_shown_as_text() -> None:
    assert to_html('<b onclick="x()">hi</b>') == '<p>&lt;b onclick="x()"&gt;hi&lt;/b&gt;</p>'


def test_stars_inside_words_and_lone_stars_are_left_alone() -> None:
    assert to_html("2 * 3 * 4 and a*b*c") == "<p>2 * 3 * 4 and a*b*c</p>"


def test_a_link_address_cannot_break_out_of_its_attribute() -> None:
    # A quote ends the address, so this is no link at all: it stays text, with no element made.
    html = to_html('[x](https://example.org/"onmouseover="alert(1))')

    assert html == '<p>[x](https://example.org/"onmouseover="alert(1))</p>'
