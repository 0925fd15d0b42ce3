"""Real small files to attach: a PNG (with a text chunk, so a secret can be planted in its
bytes), a JPEG, a one-page PDF made by reportlab, and a file of a kind that is refused."""

from __future__ import annotations

import io

from PIL import Image
from PIL.PngImagePlugin import PngInfo


def png(text: str = "", size: tuple[int, int] = (640, 480), colour: str = "#c83") -> bytes:
    info = PngInfo()
    if text:
        info.add_text("Comment", text)
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def jpeg(size: tuple[int, int] = (480, 640), colour: str = "#38c") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="JPEG", quality=80)
    return out.getvalue()


def pdf(text: str = "Consent form") -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out, pageCompression=0)
    page.drawString(72, 720, text)
    page.showPage()
    page.save()
    return out.getvalue()


def zip_file() -> bytes:
    return b"PK\x03\x04" + b"\x00" * 64
