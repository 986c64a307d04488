"""Untrusted text (URL parameters, uploads, what a student types) made safe to show as Markdown.

Streamlit renders the body of ``st.markdown``, ``st.warning``, ``st.caption`` ... as Markdown
(CommonMark + GitHub extensions, ``$...$`` math, ``:red[...]`` colour directives, emoji and
``:material/...:`` icons). Text that comes from outside goes through `md_escape` first, so
it shows as the characters it is made of, and through `clip` (or `quote`) so it stays short.
"""

import re
import unicodedata

__all__ = ["md_escape", "clip", "quote"]

#: every ASCII punctuation character: CommonMark lets any of them be backslash-escaped
#: (spec 0.31, section 2.4 "Backslash escapes"), and \X then always renders as X
_ASCII_PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")
#: control, format (bidi overrides, zero-width) and surrogate characters: shown as U+FFFD
_INVISIBLE = ("Cc", "Cf", "Cs")


def md_escape(text):
    """Plain text -> Markdown that renders as that text, with no markup of any kind.

    Every ASCII punctuation character gets a backslash, which is what CommonMark defines
    for showing it literally. That neutralises links ``[t](u)``, images ``![t](u)``,
    autolinks ``<u>`` and bare ``http://`` / ``www.`` links, ``**bold**`` / ``_italic_``,
    HTML tags and ``&`` entities, backticks, ``$math$``, Streamlit's ``:red[...]``
    directives and ``:material/...:`` icons, ``~strike~``, tables, and line-start
    markers (``#``, ``>``, ``-``, ``+``, ``1.``). Whitespace runs, newlines included, become
    one space and the ends are stripped, so the text stays on one line (no new paragraph,
    heading or list item, no indented code block); other control and format characters
    (e.g. right-to-left overrides) become U+FFFD.

    Args:
        text: anything; ``str(text)`` is escaped.

    Returns:
        str, safe to put anywhere in a Markdown body outside code spans:
        ``md_escape("[a](b) *c*")`` is ``r"\\[a\\]\\(b\\) \\*c\\*"``.
    """
    flat = " ".join(str(text).split())
    shown = "".join("\ufffd" if unicodedata.category(c) in _INVISIBLE else c for c in flat)
    return _ASCII_PUNCTUATION.sub(r"\\\1", shown)


def clip(text, limit=40):
    """`text` cut to at most `limit` characters, ending in '…' if it was cut.

    Args:
        text: anything; ``str(text)`` is clipped.
        limit: the most characters kept, >= 1 (the '…' counts as one).

    Returns:
        str: ``clip("a" * 5000)`` has 40 characters.
    """
    text = str(text)
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


def quote(text, limit=40):
    """`text` as a quoted Python literal (its repr) for a notice, at most ``limit + 2`` characters.

    Clipped as `clip` does, then shorter still where escapes make the literal long: a control
    character shows as ``\\x1f`` (4 characters) and an astral one as ``\\U0001bca0`` (10), so 40
    such characters would otherwise quote as 400.

    Args:
        text: anything; ``str(text)`` is quoted.
        limit: the most characters of `text` kept, >= 1 (the '…' of a cut counts as one).

    Returns:
        str: ``quote("ab")`` is ``"'ab'"``; ``quote("a" * 99)`` is ``repr("a" * 39 + "…")``.
    """
    n = limit
    while True:
        q = repr(clip(text, n))
        if len(q) <= limit + 2 or n <= 1:
            return q
        n -= 1  # keep one character fewer until the escapes fit
