"""Layouts as Telegram HTML: the one place that knows Telegram's markup.

The assistant returns a neutral `Layout` (headline, first-screen lines, folded sections, a
footnote); here it becomes the HTML Telegram accepts (Bot API, Formatting options): the headline
in <b>, the folded detail in one <blockquote expandable> (section titles in <b> inside it), the
footnote in <i>. Every piece of text is escaped (`&`, `<`, `>`), since labels and read-back values
come from what a clinician typed, and an unescaped `<` makes Telegram refuse the whole message.
"""

from __future__ import annotations

from html import escape

from flows.render import Layout, section_text, section_title

HTML = "HTML"
"""The parse mode of every laid-out message."""


def _e(text: str) -> str:
    return escape(text, quote=False)


def html(layout: Layout) -> str:
    """The layout as Telegram HTML; its visible text is `flows.render.layout_text(layout)`."""
    head = f"<b>{_e(layout.headline)}</b>"
    if layout.byline:
        head += f" · {_e(layout.byline)}"
    parts = ["\n".join([head, *(_e(line) for line in layout.lines)])]
    sections = []
    for section in layout.folded:
        if not section.lines:
            continue
        body = section_text(section.model_copy(update={"title": ""}))
        title = f"<b>{_e(section_title(section.title))}</b>\n" if section.title else ""
        sections.append(title + _e(body))
    if sections:
        parts.append("<blockquote expandable>" + "\n\n".join(sections) + "</blockquote>")
    if layout.footnote:
        parts.append(f"<i>{_e(layout.footnote)}</i>")
    return "\n\n".join(parts)
