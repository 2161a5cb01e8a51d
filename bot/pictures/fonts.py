"""The type a picture is set in, per language: matplotlib's own DejaVu Sans, or Noto Sans CJK.

DejaVu Sans has no Chinese characters, and a server rarely has a CJK font installed, so the
Chinese picture brings its own: Noto Sans CJK SC (SIL Open Font License 1.1), from the pinned
`manimgx-fonts-cjk` package, registered with matplotlib's font manager the first time a Chinese
picture is drawn (never at import: it is a 33 MB file the English bot never needs).

That package ships the variable font, whose default instance is the Thin weight, and matplotlib's
FreeType renderer cannot select another instance (instancing it with fontTools takes minutes).
So the face is registered as the family's normal weight, and each Chinese text is drawn with a
thin stroke of its own colour, which gives the strokes a regular weight, and a wider one where
the picture asks for bold: readable on a phone, where the thin face is not.
"""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

CJK_FAMILY = "Noto Sans CJK SC"
"""The Simplified Chinese face of the Pan-CJK font (glyph shapes of the mainland standard)."""
FALLBACK = "DejaVu Sans"
"""matplotlib's own font, for any character the CJK font lacks."""
REGULAR_STROKE = 0.45
BOLD_STROKE = 1.0
"""Stroke widths (points) that bring the thin face to a regular and a bold weight."""

_lock = threading.Lock()
_registered = False


def font_file() -> Path:
    """The Noto Sans CJK collection the font package installs."""
    import manimgx_fonts_cjk

    return Path(manimgx_fonts_cjk.__file__).with_name("NotoSansCJK-VF.otf.ttc")


def register_cjk() -> None:
    """Make Noto Sans CJK SC known to matplotlib, once per process (thread-safe)."""
    global _registered
    with _lock:
        if _registered:
            return
        from matplotlib import font_manager

        manager = font_manager.fontManager
        manager.addfont(font_file())  # every face of the collection; clears the lookup cache
        # Registered at its default instance's weight (Thin, 100), the face would be found for
        # normal text only with a warning in the log for each lookup: call it the normal weight.
        for index, entry in enumerate(manager.ttflist):
            if entry.name == CJK_FAMILY and entry.fname == str(font_file()):
                manager.ttflist[index] = dataclasses.replace(entry, weight=400)
        _registered = True


def needs_cjk(language: str) -> bool:
    """Whether a picture in `language` is set in the CJK font."""
    return language == "zh"


def dress(figure: Figure, language: str) -> None:
    """Set every text of `figure` in the language's font (nothing to do in English).

    The tick labels exist only once the figure has been laid out: their font is set on the axes
    first, then the figure is drawn once without rendering, and the labels it made get their
    stroke (the ticks a later draw adds copy the first one's).
    """
    if not needs_cjk(language):
        return
    register_cjk()
    family = [CJK_FAMILY, FALLBACK]
    for axes in figure.axes:
        axes.tick_params(which="both", labelfontfamily=family)
    _stroke(figure, family)
    figure.draw_without_rendering()
    _stroke(figure, family)


def _stroke(figure: Figure, family: list[str]) -> None:
    """Every text not yet dressed: the CJK family, and a stroke for its weight."""
    from matplotlib import patheffects
    from matplotlib.text import Text

    for text in figure.findobj(Text):
        if text.get_path_effects():
            continue  # dressed already
        bold = text.get_fontweight() in ("bold", "heavy", "black", 700, 800, 900)
        text.set_fontfamily(family)
        text.set_fontweight("normal")
        width = BOLD_STROKE if bold else REGULAR_STROKE
        stroke = patheffects.withStroke(linewidth=width, foreground=text.get_color())
        text.set_path_effects([stroke])
