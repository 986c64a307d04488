"""Tests for micrograd/text.py: Markdown escaping of untrusted text, and clipping."""

import re
import string
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd.text import clip, md_escape, quote

ATTACKS = [
    "![t](http://host/pixel.png)", "[Click here to log in](http://host/phish)", ":red[**Your session expired**]",
    "<img src=x onerror=alert(1)>", "<b>bold</b>", "`code`", "```\nblock\n```", "$x^2$", "$$\\int$$",
    "# heading", "> quote", "- item", "+ item", "1. item", "***", "a\n\n# b", "<http://host>",
    "http://host/phish", "www.host.com", "me@host.com", "&lt;b&gt;", "~~gone~~", "| a | b |", "_it_",
    ":material/warning: :streamlit:", "[^1]", "\\*not bold\\*", "line one\nline two", "    indented code",
]


def _literal_text(escaped):
    """What a CommonMark renderer shows for `escaped`, if every markup character in it is escaped.

    CommonMark 0.31, section 2.4: a backslash before an ASCII punctuation character shows that
    character, and only such a character can start markup (links, images, emphasis, code, HTML,
    entities, directives, math, block markers). So the text renders literally if, read left to
    right, every ASCII punctuation character is either an escape's backslash or the character it
    escapes, and it has no line break. Returns the shown text, or raises AssertionError naming the
    first live character.
    """
    out, i = [], 0
    while i < len(escaped):
        c = escaped[i]
        if c == "\\":
            assert i + 1 < len(escaped) and escaped[i + 1] in string.punctuation, (escaped, i)
            out.append(escaped[i + 1])
            i += 2
            continue
        assert c not in string.punctuation, f"live markup character {c!r} at {i} in {escaped!r}"
        assert c not in "\n\r", f"a line break at {i} in {escaped!r}"
        out.append(c)
        i += 1
    return "".join(out)


def test_attacks_render_as_their_own_characters():
    for text in ATTACKS:
        escaped = md_escape(text)
        assert _literal_text(escaped) == " ".join(text.split()), text
        assert not re.match(r"\s*([#>+\-*]|\d+\.)", escaped), text  # no line-start marker


def test_exact_escapes():
    assert md_escape("[a](b) *c*") == r"\[a\]\(b\) \*c\*"
    assert md_escape(":red[x]") == r"\:red\[x\]"
    assert md_escape("a\\b") == r"a\\b"
    assert md_escape("x1 plain 3") == "x1 plain 3"  # letters, digits, spaces untouched
    assert md_escape(42) == "42"


def test_whitespace_and_invisible_characters():
    assert md_escape("  a\n\n# b\tc\r\n  ") == r"a \# b c"
    assert md_escape("ok\u202egnp.exe") == "ok\ufffdgnp\\.exe"  # a right-to-left override
    assert md_escape("a\x00b\u200bc") == "a\ufffdb\ufffdc"
    assert md_escape("ünï ∞ 😀") == "ünï ∞ 😀"  # other unicode is shown as it is


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_renders_as_itself(text):
    # shown: the text on one line (whitespace runs -> one space), invisible characters as U+FFFD
    expected = "".join("\ufffd" if unicodedata.category(c) in ("Cc", "Cf", "Cs") else c
                       for c in " ".join(text.split()))
    assert _literal_text(md_escape(text)) == expected


def test_clip():
    assert clip("abc") == "abc" and clip("a" * 40) == "a" * 40
    cut = clip("k" * 5000)
    assert len(cut) == 40 and cut == "k" * 39 + "…"
    assert clip("abcdef", limit=4) == "abc…"
    assert clip(12345, limit=3) == "12…"


def test_quote_keeps_a_notice_short_whatever_the_escapes():
    # hypothesis found it: 36 characters quoted as 131 (\x1f is 4 characters, \U0001bca0 is 10)
    raw = "0" * 21 + "\x1f" * 5 + "\x08" * 2 + "\U00011747\U00018cd6\U00018cd6" + "\U00018d09" * 4 + "\U0001bca0"
    assert len(raw) < 40 and len(repr(clip(raw))) == 131
    q = quote(raw)
    assert len(q) <= 42 and q.startswith("'" + "0" * 21 + "\\x1f") and q.endswith("…'")
    assert quote("ab") == "'ab'" and quote("a" * 40) == repr("a" * 40)
    assert quote("a" * 99) == repr("a" * 39 + "…") and quote("\U0001bca0" * 50, limit=5) == repr("…")
