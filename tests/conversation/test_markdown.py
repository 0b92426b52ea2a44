"""Rendering: one line of prose skips the parser and renders exactly as the parser would."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lumoflow.conversation import markdown

KNOWN = ("ann", "bob.k")
# Prose pieces, and the characters and openings that make a body Markdown (or not one line).
PIECES = st.sampled_from(
    [
        *"abzAZÅøé019²Ⅻ ,.'?!;:()/%@#-",
        *'_*~[]<>&\\|`"\n\t+=',
        "@ann",
        "@bob.k",
        "@Ann.",
        "@carl",
        "#tag",
        "#1a",
        "#",
        "  ",
        "1. ",
        "- ",
        "# ",
        "> ",
        "http://x.y",
        "e\u0301",
    ]
)
BODIES = st.builds(
    lambda first, rest: first + "".join(rest),
    st.sampled_from(["a", "Z", "Å", "", "#", "@", "1", " "]),
    st.lists(PIECES, max_size=14),
)


@given(BODIES)
def test_any_body_renders_as_the_parser_renders_it(body: str) -> None:
    # given the same body with a final line break, which always goes through the parser
    # (CommonMark drops that break from the paragraph)
    parsed = body + "\n"
    # when both are rendered and their references extracted
    # then the results are the same
    assert markdown.render(body, known_people=KNOWN) == markdown.render(parsed, known_people=KNOWN)
    assert markdown.extract(body) == markdown.extract(parsed)


@pytest.mark.parametrize(
    "body,html",
    [
        (
            "Thanks @ann for the help with 12.5%! #Launch",
            '<p>Thanks <a href="/people/ann" class="mention" rel="nofollow noopener">@ann</a>'
            " for the help with 12.5%! "
            '<a href="/hashtags/launch" class="hashtag" rel="nofollow noopener">#Launch</a></p>\n',
        ),
        ("Happy birthday, Åse! Hope you have a great day.", None),
        ("Ask @carl: is it (still) on?", "<p>Ask @carl: is it (still) on?</p>\n"),
    ],
)
def test_prose_renders_links_for_known_people_and_hashtags(body: str, html: str | None) -> None:
    # when
    out = markdown.render(body, known_people=KNOWN)
    # then
    assert out == (html or f"<p>{body}</p>\n")
    assert markdown.extract(body) == markdown.extract(body + "\n")


@pytest.mark.parametrize(
    "body,html",
    [
        (
            "![pixel](https://tracker.example/p.gif)",
            '<p><a href="https://tracker.example/p.gif" rel="nofollow noopener">pixel</a></p>\n',
        ),
        (
            "![](http://tracker.example/p.gif)",
            '<p><a href="http://tracker.example/p.gif" rel="nofollow noopener">'
            "http://tracker.example/p.gif</a></p>\n",
        ),
        (
            '![a *b*](//tracker.example/p.gif "T")',
            '<p><a href="//tracker.example/p.gif" title="T" rel="nofollow noopener">a b</a></p>\n',
        ),
        (
            "[![logo](https://tracker.example/l.png)](https://example.com)",
            '<p><a href="https://example.com" rel="nofollow noopener">logo</a></p>\n',
        ),
        ("![chart](/attachments/3)", '<p><img src="/attachments/3" alt="chart"></p>\n'),
    ],
)
def test_images_from_elsewhere_become_links(body: str, html: str) -> None:
    # when a post shows an image from another site (a tracking pixel, say)
    # then it is a link to it, which the browser loads only when someone follows it;
    # an image from the site itself stays an image
    assert markdown.render(body) == html


def test_no_rendered_image_points_elsewhere() -> None:
    # given a reference-style image, an image in a table and one in a list
    body = (
        "![x][ref]\n\n| a |\n|---|\n| ![y](https://t.example/y.png) |\n\n"
        "- ![z](HTTPS://t.example/z.png)\n\n[ref]: https://t.example/x.png\n"
    )

    # when
    html = markdown.render(body)

    # then
    assert "<img" not in html
    assert html.count('href="https://t.example/') == 2 and 'href="HTTPS://t.example/z.png"' in html
