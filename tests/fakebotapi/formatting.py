"""Parse `parse_mode` text the way Telegram does, closely enough to catch escaping bugs.

Telegram checks the text limit (1-4096 characters) after entity parsing, refuses unsupported
HTML tags and unescaped MarkdownV2 characters with "can't parse entities", and trims leading
and trailing whitespace. A fake that skipped this would let the commonest bot bugs through.
Entity offsets and lengths are in UTF-16 code units, as in the Bot API.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

Entity = dict[str, Any]


class FormattingError(ValueError):
    """Telegram's 'can't parse entities' answer; the message is Telegram's wording."""


@dataclass
class Formatted:
    """Text as the user sees it, with the entities Telegram would derive from the markup."""

    text: str
    entities: list[Entity] = field(default_factory=list)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def parse_formatted(
    text: str, parse_mode: str | None, entities: list[Entity] | None = None
) -> Formatted:
    """Plain text and entities of a message text; raises FormattingError like Telegram."""
    mode = (parse_mode or "").lower()
    if not mode:
        result = Formatted(text, list(entities or []))
    elif mode == "html":
        result = _parse_html(text)
    elif mode == "markdownv2":
        result = _MarkdownV2(text).parse()
    elif mode == "markdown":
        result = _parse_markdown_legacy(text)
    else:
        raise FormattingError(f"unsupported parse_mode {parse_mode!r}")
    return _trim(result)


def _trim(result: Formatted) -> Formatted:
    """Telegram strips surrounding whitespace; entity offsets move with the text."""
    stripped = result.text.lstrip()
    shift = utf16_len(result.text) - utf16_len(stripped)
    stripped = stripped.rstrip()
    end = utf16_len(stripped)
    entities: list[Entity] = []
    for entity in result.entities:
        start = max(entity["offset"] - shift, 0)
        stop = min(entity["offset"] + entity["length"] - shift, end)
        if stop > start:
            entities.append({**entity, "offset": start, "length": stop - start})
    return Formatted(stripped, entities)


# -- HTML ---------------------------------------------------------------------------------

_HTML_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}
_HTML_SPECIAL = frozenset({"span", "a", "tg-emoji", "blockquote", "tg-time"})


_HTML_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
"""The only named entities Telegram reads (Bot API, HTML style); numeric ones are all read."""


class _HtmlParser(HTMLParser):
    """Telegram's HTML: the tags it allows, balanced, and every `<`, `>` and `&` outside a tag
    written as an entity (an unescaped one is refused, as Telegram refuses it)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.parts: list[str] = []
        self.pos = 0
        self.stack: list[tuple[str, Entity | None, int]] = []
        self.entities: list[Entity] = []

    def handle_data(self, data: str) -> None:
        for char in "<>&":
            if char in data:
                raise FormattingError(
                    f"Unescaped {char!r} in the text: write it as an HTML entity"
                )
        self._text(data)

    def _text(self, data: str) -> None:
        self.parts.append(data)
        self.pos += utf16_len(data)

    def handle_entityref(self, name: str) -> None:
        if name not in _HTML_NAMED_ENTITIES:
            raise FormattingError(f'Unsupported HTML entity "&{name};"')
        self._text(_HTML_NAMED_ENTITIES[name])

    def handle_charref(self, name: str) -> None:
        try:
            code = int(name[1:], 16) if name[:1] in "xX" else int(name)
            self._text(chr(code))
        except (ValueError, OverflowError):
            raise FormattingError(f'Unsupported HTML entity "&#{name};"') from None

    def unknown_decl(self, data: str) -> None:
        raise FormattingError("Unsupported HTML declaration")

    def handle_comment(self, data: str) -> None:
        raise FormattingError("Unsupported HTML comment")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise FormattingError(f'Unsupported start tag "{tag}"')

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        entity: Entity | None
        if tag in _HTML_SIMPLE:
            entity = {"type": _HTML_SIMPLE[tag]}
            if tag == "code" and self.stack and self.stack[-1][0] == "pre":
                pre = self.stack[-1][1]
                language = values.get("class", "").removeprefix("language-")
                if pre is not None and language:
                    pre["language"] = language
                entity = None
        elif tag not in _HTML_SPECIAL:
            raise FormattingError(f'Unsupported start tag "{tag}"')
        else:
            if tag == "blockquote" and any(t == "blockquote" for t, _, _ in self.stack):
                raise FormattingError("Blockquote entities can't be nested")
            entity = self._special(tag, values)
        self.stack.append((tag, entity, self.pos))

    def _special(self, tag: str, values: dict[str, str]) -> Entity:
        if tag == "span":
            if values.get("class") != "tg-spoiler":
                raise FormattingError('Tag "span" must have class "tg-spoiler"')
            return {"type": "spoiler"}
        if tag == "a":
            href = values.get("href", "")
            if href.startswith("tg://user?id="):
                return {"type": "text_mention", "user": {"id": int(href[13:] or 0)}}
            return {"type": "text_link", "url": href}
        if tag == "tg-emoji":
            return {"type": "custom_emoji", "custom_emoji_id": values.get("emoji-id", "")}
        if tag == "tg-time":
            return {"type": "date_time", "unix_time": int(values.get("unix", "0") or 0)}
        kind = "expandable_blockquote" if "expandable" in values else "blockquote"
        return {"type": kind}

    def handle_endtag(self, tag: str) -> None:
        if not self.stack:
            raise FormattingError(f'Unexpected end tag "{tag}"')
        open_tag, entity, start = self.stack.pop()
        if open_tag != tag:
            raise FormattingError(f'Can\'t find end tag corresponding to start tag "{open_tag}"')
        if entity is not None and self.pos > start:
            self.entities.append({**entity, "offset": start, "length": self.pos - start})


def _parse_html(text: str) -> Formatted:
    parser = _HtmlParser()
    parser.feed(text)
    parser.close()
    if parser.stack:
        raise FormattingError(
            f'Can\'t find end tag corresponding to start tag "{parser.stack[-1][0]}"'
        )
    entities = sorted(parser.entities, key=lambda e: (e["offset"], -e["length"]))
    return Formatted("".join(parser.parts), entities)


# -- MarkdownV2 ---------------------------------------------------------------------------

_MD2_TOGGLES = {
    "*": "bold",
    "_": "italic",
    "__": "underline",
    "~": "strikethrough",
    "||": "spoiler",
}
_MD2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")


class _MarkdownV2:
    """A small MarkdownV2 reader: reports what Telegram refuses, yields plain text + entities."""

    def __init__(self, text: str) -> None:
        self.src = text
        self.i = 0
        self.out: list[str] = []
        self.pos = 0
        self.stack: list[tuple[str, int, int]] = []  # marker, utf16 start, source index
        self.entities: list[Entity] = []
        self.quote_start: int | None = None
        self._pre_language = ""

    def _emit(self, chars: str) -> None:
        self.out.append(chars)
        self.pos += utf16_len(chars)

    def _byte_offset(self, index: int) -> int:
        return len(self.src[:index].encode("utf-8"))

    def parse(self) -> Formatted:
        src = self.src
        while self.i < len(src):
            if self.i == 0 or src[self.i - 1] == "\n":
                self._line_start()
            ch = src[self.i]
            if ch == "\\":
                self._escape()
            elif self.stack and self.stack[-1][0] in ("`", "```"):
                self._in_code()
            elif ch == "`":
                self._open_code()
            elif src.startswith("__", self.i) or src.startswith("||", self.i):
                self._toggle(src[self.i : self.i + 2])
            elif ch in "*_~":
                self._toggle(ch)
            elif ch == "[":
                self.stack.append(("[", self.pos, self.i))
                self.i += 1
            elif ch == "]":
                self._close_link()
            elif ch in _MD2_RESERVED:
                raise FormattingError(
                    f"Character '{ch}' is reserved and must be escaped with the preceding '\\'"
                )
            else:
                self._emit(ch)
                self.i += 1
        self._end_quote()
        if self.stack:
            marker, _, index = self.stack[-1]
            name = _entity_name(marker)
            raise FormattingError(
                f"Can't find end of {name} entity at byte offset {self._byte_offset(index)}"
            )
        entities = sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))
        return Formatted("".join(self.out), entities)

    def _line_start(self) -> None:
        if self.src.startswith(">", self.i) and not self.stack:
            if self.quote_start is None:
                self.quote_start = self.pos
            self.i += 1
        else:
            self._end_quote()

    def _end_quote(self) -> None:
        if self.quote_start is None:
            return
        end = self.pos - (1 if self.out and self.out[-1].endswith("\n") else 0)
        if end > self.quote_start:
            self.entities.append(
                {
                    "type": "blockquote",
                    "offset": self.quote_start,
                    "length": end - self.quote_start,
                }
            )
        self.quote_start = None

    def _escape(self) -> None:
        nxt = self.src[self.i + 1 : self.i + 2]
        if not nxt or not (0 < ord(nxt) < 127):
            raise FormattingError(
                "Character '\\' is reserved and must be escaped with the preceding '\\'"
            )
        self._emit(nxt)
        self.i += 2

    def _open_code(self) -> None:
        if self.src.startswith("```", self.i):
            self.i += 3
            newline = self.src.find("\n", self.i)
            language = self.src[self.i : newline] if newline >= 0 else ""
            marker_index = self.i - 3
            if newline >= 0 and language and " " not in language and "`" not in language:
                self.i = newline + 1
            else:
                language = ""
            self.stack.append(("```", self.pos, marker_index))
            self._pre_language = language
        else:
            self.stack.append(("`", self.pos, self.i))
            self.i += 1

    def _in_code(self) -> None:
        marker = self.stack[-1][0]
        if self.src.startswith(marker, self.i):
            _, start, _ = self.stack.pop()
            entity: Entity = {"type": "pre" if marker == "```" else "code"}
            if marker == "```" and self._pre_language:
                entity["language"] = self._pre_language
            self._add(entity, start)
            self.i += len(marker)
        elif self.src[self.i] == "`":
            raise FormattingError(
                "Character '`' is reserved and must be escaped with the preceding '\\'"
            )
        else:
            self._emit(self.src[self.i])
            self.i += 1

    def _toggle(self, marker: str) -> None:
        markers = [m for m, _, _ in self.stack]
        if markers and markers[-1] == marker:
            _, start, _ = self.stack.pop()
            self._add({"type": _MD2_TOGGLES[marker]}, start)
        elif marker in markers:
            inner = self.stack[-1]
            raise FormattingError(
                f"Can't find end of {_entity_name(inner[0])} entity at byte offset "
                f"{self._byte_offset(inner[2])}"
            )
        else:
            self.stack.append((marker, self.pos, self.i))
        self.i += len(marker)

    def _close_link(self) -> None:
        if not self.stack or self.stack[-1][0] != "[":
            raise FormattingError(
                "Character ']' is reserved and must be escaped with the preceding '\\'"
            )
        _, start, _ = self.stack.pop()
        self.i += 1
        if not self.src.startswith("(", self.i):
            raise FormattingError(
                "Character '[' is reserved and must be escaped with the preceding '\\'"
            )
        url: list[str] = []
        self.i += 1
        while self.i < len(self.src) and self.src[self.i] != ")":
            step = 2 if self.src[self.i] == "\\" else 1
            url.append(self.src[self.i + step - 1])
            self.i += step
        if self.i >= len(self.src):
            raise FormattingError("Can't find end of a URL")
        self.i += 1
        self._add({"type": "text_link", "url": "".join(url)}, start)

    def _add(self, entity: Entity, start: int) -> None:
        if self.pos > start:
            self.entities.append({**entity, "offset": start, "length": self.pos - start})


def _entity_name(marker: str) -> str:
    names = {
        "*": "Bold",
        "_": "Italic",
        "__": "Underline",
        "~": "Strikethrough",
        "||": "Spoiler",
        "`": "Code",
        "```": "Pre",
        "[": "TextUrl",
    }
    return names[marker]


# -- legacy Markdown ----------------------------------------------------------------------

_LEGACY = {"*": "bold", "_": "italic", "`": "code", "```": "pre"}


def _parse_markdown_legacy(text: str) -> Formatted:
    """Legacy Markdown: no nesting, '\\' escapes only _ * ` [ outside entities."""
    out: list[str] = []
    entities: list[Entity] = []
    pos = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and text[i + 1 : i + 2] in ("_", "*", "`", "["):
            chunk, i = text[i + 1], i + 2
        elif ch == "[" and (link := _legacy_link(text, i)) is not None:
            inner, url, i = link
            if inner:
                entities.append(
                    {"type": "text_link", "url": url, "offset": pos, "length": utf16_len(inner)}
                )
            chunk = inner
        elif ch in _LEGACY:
            marker = "```" if text.startswith("```", i) else ch
            end = text.find(marker, i + len(marker))
            if end < 0:
                offset = len(text[:i].encode("utf-8"))
                raise FormattingError(
                    f"Can't find end of the entity starting at byte offset {offset}"
                )
            chunk = text[i + len(marker) : end]
            if chunk:
                entities.append(
                    {"type": _LEGACY[marker], "offset": pos, "length": utf16_len(chunk)}
                )
            i = end + len(marker)
        else:
            chunk, i = ch, i + 1
        out.append(chunk)
        pos += utf16_len(chunk)
    return Formatted("".join(out), entities)


def _legacy_link(text: str, i: int) -> tuple[str, str, int] | None:
    """Parse `[text](url)` at i; None when it is not a complete link (then '[' is literal)."""
    close = text.find("](", i)
    end = text.find(")", close + 2) if close >= 0 else -1
    if close < 0 or end < 0:
        return None
    return text[i + 1 : close], text[close + 2 : end], end + 1
