"""The catalogs are whole: every sentence the code marks has a Chinese translation with the same
placeholders, the domains agree where they share a sentence, the glossary's terms are used, and a fresh
clone (no `.mo` files) still speaks Chinese."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

import lang
from lang import catalogs

ROOT = Path(__file__).resolve().parents[1]
_FIELDS = string.Formatter()


def _placeholders(text: str) -> set[str]:
    """The `{name}` fields of a message (format spec included: `{value:.1f}` must stay `{value:.1f}`)."""
    return {
        f"{name}:{spec}" if spec else name
        for _, name, spec, _ in _FIELDS.parse(text)
        if name is not None
    }


def _messages(domain: str) -> list[tuple[str | tuple[str, ...] | list[str], str | None]]:
    return [(m.id, m.context) for m in catalogs.template(domain) if m.id]


@pytest.mark.parametrize("domain", list(catalogs.DOMAINS))
def test_every_marked_sentence_has_a_chinese_translation(domain: str) -> None:
    """Extracted fresh from the sources, so a sentence added without `python -m lang update`
    and a translation fails here, naming the sentence."""
    po = catalogs.read("zh", domain)
    missing = []
    for msgid, context in _messages(domain):
        entry = po.get(msgid, context=context)
        strings = entry.string if entry is not None else ""
        values = strings if isinstance(strings, (list, tuple)) else [strings]
        if entry is None or entry.fuzzy or not all(values):
            missing.append(msgid if isinstance(msgid, str) else msgid[0])
    assert not missing, f"{len(missing)} untranslated in {domain}: {missing[:20]}"


@pytest.mark.parametrize("domain", list(catalogs.DOMAINS))
def test_translations_keep_the_placeholders(domain: str) -> None:
    wrong = []
    for entry in catalogs.read("zh", domain):
        if not entry.id or not entry.string:
            continue
        ids = entry.id if isinstance(entry.id, (list, tuple)) else [entry.id]
        strings = entry.string if isinstance(entry.string, (list, tuple)) else [entry.string]
        # a plural's forms all read like the plural id (the count among its fields)
        wanted = _placeholders(ids[-1])
        wrong += [(ids[0], t) for t in strings if t and _placeholders(t) != wanted]
    assert not wrong, f"placeholders differ in {domain}: {wrong[:10]}"


def test_a_sentence_in_two_domains_reads_the_same() -> None:
    """The domains are merged at run time, so one English sentence must have one Chinese sentence."""
    seen: dict[tuple[object, object], tuple[str, object]] = {}
    clashes = []
    for domain in catalogs.DOMAINS:
        for entry in catalogs.read("zh", domain):
            if not entry.id:
                continue
            key = (entry.id if isinstance(entry.id, str) else tuple(entry.id), entry.context)
            value = entry.string if isinstance(entry.string, str) else tuple(entry.string or ())
            if key in seen and seen[key][1] != value:
                clashes.append((key, seen[key][0], domain))
            seen.setdefault(key, (domain, value))
    assert not clashes


def _glossary() -> list[tuple[str, list[str]]]:
    rows = []
    for line in (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] not in {"English", "---"} and not cells[0].startswith("-"):
            rows.append((cells[0], [z.strip() for z in cells[1].split(" / ")]))
    return rows


def test_the_glossary_has_its_terms() -> None:
    assert len(_glossary()) >= 40


@pytest.mark.parametrize(("english", "chinese"), _glossary())
def test_every_translation_uses_the_glossary_term(english: str, chinese: list[str]) -> None:
    term = re.compile(rf"(?<![\w/=-]){re.escape(english)}(?![\w=-])", re.IGNORECASE)
    off = []
    for domain in catalogs.DOMAINS:
        for entry in catalogs.read("zh", domain):
            ids = entry.id if isinstance(entry.id, (list, tuple)) else [entry.id]
            strings = entry.string if isinstance(entry.string, (list, tuple)) else [entry.string]
            if not ids[0] or not any(term.search(i) for i in ids):
                continue
            for translated in strings:
                if translated and not any(z in translated for z in chinese):
                    off.append((ids[0], translated))
    assert not off, f"{english!r} is not {' / '.join(chinese)} in: {off[:5]}"


def test_a_clone_without_compiled_catalogs_compiles_them_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The `.mo` files are built, never committed: without them the `.po` is compiled at first use."""
    some = next(
        (e for e in catalogs.read("zh", "bot") if e.id and isinstance(e.id, str) and e.string),
        None,
    )
    if some is None:
        pytest.skip("no translated sentence yet")
    monkeypatch.setattr(catalogs, "LOCALE_DIR", tmp_path)
    target = catalogs.po_path("zh", "bot")
    target.parent.mkdir(parents=True)
    target.write_bytes((ROOT / "lang/locale/zh/LC_MESSAGES/bot.po").read_bytes())
    catalogs.translations.cache_clear()
    try:
        assert not catalogs.mo_path("zh", "bot").exists()
        with lang.use("zh"):
            assert lang._(str(some.id)) == some.string
    finally:
        catalogs.translations.cache_clear()


def test_language_tags_pick_a_catalog() -> None:
    assert lang.pick("zh-hans") == lang.pick("zh-Hant") == lang.pick("zh_CN") == "zh"
    assert lang.pick("en-GB") == lang.pick("fr") == lang.pick(None) == lang.pick("") == "en"
    assert lang.pick("fr", default="zh") == lang.pick(None, default="zh") == "zh"


def test_the_language_is_per_context() -> None:
    assert lang.active() == "en"
    with lang.use("zh"):
        assert lang.active() == "zh"
        with lang.use("en"):
            assert lang.active() == "en"
        assert lang.active() == "zh"
    assert lang.active() == "en"


def test_a_clinicians_language_is_remembered_and_refused_when_unknown(tmp_path: Path) -> None:
    from bot.store import Store

    store = Store(tmp_path / "l.db")
    try:
        assert store.language_of(7) is None
        store.touch_clinician(7, 70)
        assert store.language_of(7) is None
        store.choose_language(7, "zh")
        assert store.language_of(7) == "zh"
        clinician = store.clinician(7)
        assert clinician is not None
        assert clinician.language == "zh"
        with pytest.raises(ValueError, match="language"):
            store.choose_language(7, "fr")
        assert store.language_of(7) == "zh"
        store.choose_language(7, None)
        assert store.language_of(7) is None
    finally:
        store.close()


@pytest.mark.parametrize(
    ("given", "read"), [("zh-Hans", "zh"), ("ZH", "zh"), ("en", "en"), ("", "en")]
)
def test_liverbot_lang_reads_a_language_tag(
    monkeypatch: pytest.MonkeyPatch, given: str, read: str
) -> None:
    from bot.settings import Settings

    monkeypatch.setenv("LIVERBOT_LANG", given)
    assert Settings(_env_file=None).default_language == read  # type: ignore[call-arg]


def test_liverbot_lang_refuses_a_language_without_catalogs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pydantic import ValidationError

    from bot.settings import Settings

    monkeypatch.setenv("LIVERBOT_LANG", "fr")
    with pytest.raises(ValidationError, match="LIVERBOT_LANG"):
        Settings(_env_file=None)  # type: ignore[call-arg]
