"""The gettext catalogs: where they live, which sources feed which, and how they are built with Babel.

`python -m lang extract` writes the templates (`lang/locale/<domain>.pot`, not kept in git: they are
derived) from the sources, `update` merges a fresh extraction into every language's `.po` (new sentences
appear untranslated, sentences gone from the code are dropped), and `compile` writes the `.mo` files
(not kept in git either). The install (`make`) compiles; a `.mo` that is missing or older than its `.po`
(a fresh clone, a catalog edited since) is compiled in memory at first use, so a clone that only ran
`make run` or `make test` still speaks every language.

Four domains keep the catalogs by subject, so a translator reviewing the plan's wording does not wade
through Telegram errors: `plan` (the plan's words: `lang/plan_words.py`, `flows/render.py`), `dialogue`
(questions, buttons, hints and input errors: the rest of `flows/`), `course` (sessions, follow-ups,
reminders, the timeline picture, the calendar and the files), `bot` (the rest of `bot/`: the assistant,
the store's messages, Telegram and the terminal). At run time the domains of one language are merged.
"""

from __future__ import annotations

import io
import sys
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.support import NullTranslations, Translations

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
LOCALE_DIR = HERE / "locale"
TRANSLATED = ("zh",)
"""Languages with catalogs; English is the message ids themselves."""

DOMAINS: dict[str, tuple[str, ...]] = {
    "plan": ("lang/plan_words.py", "flows/render.py"),
    "dialogue": ("flows",),
    "course": (
        "bot/course.py",
        "bot/course_commands.py",
        "bot/course_view.py",
        "bot/calendar_ics.py",
        "bot/export.py",
        "bot/file_commands.py",
        "bot/files.py",
        "bot/wording.py",
        "bot/pictures",
        "bot/tg/reminders.py",
    ),
    "bot": ("bot",),
}
"""Which sources feed which domain, as paths from the repository root. A file belongs to the first
domain that names it or its folder, so `flows/render.py` is in `plan`, the rest of `flows/` in `dialogue`."""

KEYWORDS = {
    "_": None,
    "N_": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
}
PROJECT = "liverbot"
HEADER = dict(project=PROJECT, version="0.1", copyright_holder="the liverbot authors", fuzzy=False)


def sources(domain: str) -> list[Path]:
    """The Python files whose sentences belong to `domain`, in a stable order."""
    found = {p for name in DOMAINS[domain] for p in _expand(name) if _owner(p) == domain}
    return sorted(found)


def _expand(name: str) -> list[Path]:
    path = ROOT / name
    if path.is_dir():
        return sorted(p for p in path.rglob("*.py") if "__pycache__" not in p.parts)
    return [path] if path.exists() else []


def _owner(path: Path) -> str:
    """The domain a file belongs to: the one naming it most specifically (a file beats its folder)."""
    best: tuple[int, str] | None = None
    for domain, names in DOMAINS.items():
        for name in names:
            target = ROOT / name
            if path == target or target in path.parents:
                depth = len(target.parts)
                if best is None or depth > best[0]:
                    best = (depth, domain)
    return best[1] if best else ""


def template(domain: str) -> Catalog:
    """A fresh template of `domain`, extracted from its sources with Babel."""
    catalog = Catalog(domain=domain, charset="utf-8", **HEADER)  # type: ignore[arg-type]
    for path in sources(domain):
        found = extract_from_file(
            "python", path, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)
        )
        where = str(path.relative_to(ROOT))
        for lineno, message, comments, context in found:
            catalog.add(
                message, locations=[(where, lineno)], auto_comments=comments, context=context
            )
    return catalog


def po_path(language: str, domain: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"


def mo_path(language: str, domain: str) -> Path:
    return po_path(language, domain).with_suffix(".mo")


def read(language: str, domain: str) -> Catalog:
    """The `.po` catalog of one language and domain (an empty one when it does not exist yet)."""
    path = po_path(language, domain)
    if not path.exists():
        return Catalog(locale=language, domain=domain, **HEADER)  # type: ignore[arg-type]
    with path.open("rb") as f:
        return read_po(f, locale=language, domain=domain)


def _write_po(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, catalog, width=100, sort_output=False, ignore_obsolete=True)


def extract() -> None:
    """Write `lang/locale/<domain>.pot` for every domain."""
    for domain in DOMAINS:
        _write_po(template(domain), LOCALE_DIR / f"{domain}.pot")


def update() -> None:
    """Merge every template into every language's catalog: new sentences arrive untranslated."""
    for domain in DOMAINS:
        fresh = template(domain)
        for language in TRANSLATED:
            catalog = read(language, domain)
            catalog.update(fresh, no_fuzzy_matching=True, update_creation_date=False)
            _write_po(catalog, po_path(language, domain))


def _mo_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def compile_all() -> None:
    """Write the `.mo` of every language and domain (the install does this; first use does it in memory)."""
    for language in TRANSLATED:
        for domain in DOMAINS:
            if po_path(language, domain).exists():
                mo_path(language, domain).write_bytes(_mo_bytes(read(language, domain)))


def _domain_translations(language: str, domain: str) -> Translations | None:
    po, mo = po_path(language, domain), mo_path(language, domain)
    if not po.exists():
        return None
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as f:
            return Translations(f, domain=domain)
    return Translations(io.BytesIO(_mo_bytes(read(language, domain))), domain=domain)


@cache
def translations(language: str) -> NullTranslations:
    """All the domains of `language` merged into one lookup (English ids fall through unchanged)."""
    merged: Translations | None = None
    for domain in DOMAINS:
        found = _domain_translations(language, domain)
        if found is None:
            continue
        merged = found if merged is None else merged.merge(found)
    return merged if merged is not None else NullTranslations()


def main(argv: list[str] | None = None) -> int:
    """`python -m lang extract|update|compile`."""
    args = sys.argv[1:] if argv is None else argv
    steps = {"extract": extract, "update": update, "compile": compile_all}
    if len(args) != 1 or args[0] not in steps:
        print("usage: python -m lang extract|update|compile", file=sys.stderr)
        return 2
    steps[args[0]]()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
