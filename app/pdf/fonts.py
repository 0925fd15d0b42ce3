"""The CJK font of every PDF: found once, registered with reportlab, embedded and subset.

reportlab embeds TrueType-outline fonts only (.ttf, .ttc); it refuses OpenType/CFF fonts
such as Noto Sans CJK .otf, and its built-in `STSong-Light` is never embedded, so a reader
without that font would show boxes. We therefore look for a TrueType CJK font: first one
bundled by the installer in `resources/fonts/` (fonts are never committed), then the usual
system locations of Windows, macOS and Linux. A file reportlab refuses is skipped.

Some CJK fonts (Droid Sans Fallback) have no Latin letters; `runs()` splits text into
pieces by which font has the glyph, with Helvetica as the Latin fallback.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from app import paths
from app.errors import AftercareError
from app.i18n import _

FONT_NAME = "AftercareCJK"
LATIN_FALLBACK = "Helvetica"  # one of the 14 standard fonts every PDF reader has

# (path, how many faces to try in a .ttc). Order matters: the first usable one wins.
SYSTEM_FONTS: tuple[str, ...] = (
    # Windows
    r"C:\Windows\Fonts\msyh.ttc",
    r"C:\Windows\Fonts\msyh.ttf",
    r"C:\Windows\Fonts\simsun.ttc",
    r"C:\Windows\Fonts\simhei.ttf",
    # macOS (PingFang is CFF on recent systems and is then refused and skipped)
    "/System/Library/Fonts/PingFang.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
    # Linux
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/arphic/ukai.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)

# A font must have these to be a CJK font worth using at all.
_REQUIRED_CJK = "保密个案张"


@dataclass(frozen=True)
class FontInfo:
    name: str  # the name registered with reportlab
    path: Path
    subfont_index: int
    has_latin: bool  # False: Latin letters are drawn in LATIN_FALLBACK


def _candidates() -> list[Path]:
    bundled = paths.resource_path("resources", "fonts")
    found: list[Path] = []
    if bundled.is_dir():
        found += sorted(
            p for p in bundled.iterdir() if p.suffix.lower() in (".ttf", ".ttc") and p.is_file()
        )
    found += [Path(p) for p in SYSTEM_FONTS]
    return found


def _try_load(path: Path) -> tuple[TTFont, int] | None:
    """The first face of `path` that reportlab accepts and that has Chinese glyphs."""
    if not path.is_file():
        return None
    faces = range(4) if path.suffix.lower() == ".ttc" else range(1)
    for index in faces:
        try:
            font = TTFont(FONT_NAME, str(path), subfontIndex=index)
        except Exception:  # reportlab raises TTFError, struct.error, OSError, ... : skip it
            continue
        cmap = font.face.charToGlyph
        if all(ord(c) in cmap for c in _REQUIRED_CJK):
            return font, index
    return None


@functools.cache
def cjk_font() -> FontInfo:
    """The registered CJK font; raises AftercareError when this computer has none."""
    for path in _candidates():
        loaded = _try_load(path)
        if loaded is None:
            continue
        font, index = loaded
        pdfmetrics.registerFont(font)
        cmap = font.face.charToGlyph
        has_latin = all(ord(c) in cmap for c in "AZaz09")
        return FontInfo(FONT_NAME, path, index, has_latin)
    raise AftercareError(
        _(
            "No Chinese font was found to print PDFs. Reinstall Aftercare, or install a "
            "TrueType Chinese font (for example Microsoft YaHei or WenQuanYi Micro Hei) "
            "and try again."
        )
    )


def _registered() -> TTFont:
    """The CJK font as reportlab registered it (always a TrueType font: see cjk_font)."""
    font = pdfmetrics.getFont(cjk_font().name)
    assert isinstance(font, TTFont)
    return font


@functools.cache
def _glyphs() -> frozenset[int]:
    return frozenset(_registered().face.charToGlyph)


def runs(text: str) -> list[tuple[str, str]]:
    """`text` cut into (font name, piece) runs: CJK font where it has the glyph, else Latin."""
    info = cjk_font()
    glyphs = _glyphs()
    out: list[tuple[str, str]] = []
    for ch in text:
        if ch.isspace() and ch != "\n" and ord(ch) not in glyphs:
            # e.g. babel's narrow no-break space before "PM", missing in some fonts; a line
            # break stays one, for layout.markup to turn into <br/>
            ch = " "
        font = info.name if ord(ch) in glyphs else LATIN_FALLBACK
        if out and out[-1][0] == font:
            out[-1] = (font, out[-1][1] + ch)
        else:
            out.append((font, ch))
    return out


def string_width(text: str, size: float) -> float:
    return sum(pdfmetrics.stringWidth(piece, font, size) for font, piece in runs(text))


# --- runtime check that a PDF carries its font ---------------------------------------------

_DESCRIPTOR = re.compile(rb"\bobj\s*<<(?:(?!>>).)*?/Type\s*/FontDescriptor(?:(?!>>).)*>>", re.S)
_FONT_NAME = re.compile(rb"/FontName\s*/([^\s/<>\[\]()]+)")


def embedded_fonts(pdf_bytes: bytes) -> set[str]:
    """The names of fonts whose outlines are embedded in the PDF (a descriptor with /FontFile2).

    reportlab writes object dictionaries uncompressed (only streams are compressed), so a
    scan of the bytes finds every font descriptor; pypdf is a dev dependency only and not
    needed here. Subset prefixes (`ABCDEF+`) are removed from the names.
    """
    names: set[str] = set()
    for match in _DESCRIPTOR.finditer(pdf_bytes):
        body = match.group(0)
        if b"/FontFile2" not in body and b"/FontFile3" not in body:
            continue
        found = _FONT_NAME.search(body)
        if found:
            name = found.group(1).decode("latin-1")
            names.add(name.split("+", 1)[1] if "+" in name else name)
    return names


def cjk_font_embedded(pdf_bytes: bytes) -> bool:
    """Whether the PDF embeds (a subset of) our CJK font: the installer's self-check."""
    face = _registered().face.name
    face_name = face.decode("latin-1") if isinstance(face, bytes) else str(face)
    return any(n == face_name or n.startswith(face_name + "-") for n in embedded_fonts(pdf_bytes))
