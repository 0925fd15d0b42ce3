"""Attachments for the demo vault: drawn photos and scanned-looking forms, all invented.

A few open cases get a photo (a drawn head and shoulders on a coloured ground, never a real
face), a signed consent form (a PDF) and an ID-card scan (an image with no real number), and
a medical report filed under Medical by the health worker, so the window shows each kind of
attachment and each section's rights on the demo vault.
"""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from app.pdf.layout import draw_text
from app.services import Services

_GROUNDS = ("#c9dff2", "#f2dcc9", "#d5ecd4", "#e6d5f0", "#f0e8c4", "#d4e6e6")
_HAIR = ("#2b211c", "#3b2a20", "#1d1d1d", "#4a3426")
_SKIN = ("#f1c9a5", "#e0ac82", "#d79f74", "#f3d2b3")
_CLOTHES = ("#4a6fa5", "#a54a5e", "#5a8a5a", "#8a6a3a", "#6a5a8a")


def drawn_photo(seed: int, size: int = 360) -> bytes:
    """A JPEG of a drawn figure: ground, shoulders, head, hair; different for each seed."""
    pick = random.Random(seed)
    image = Image.new("RGB", (size, size), pick.choice(_GROUNDS))
    draw = ImageDraw.Draw(image)
    s = size / 360
    draw.rounded_rectangle(
        (70 * s, 250 * s, 290 * s, 420 * s), radius=int(70 * s), fill=pick.choice(_CLOTHES)
    )
    draw.rectangle((160 * s, 210 * s, 200 * s, 262 * s), fill=(skin := pick.choice(_SKIN)))
    hair = pick.choice(_HAIR)
    draw.ellipse((105 * s, 60 * s, 255 * s, 230 * s), fill=hair)
    draw.ellipse((120 * s, 85 * s, 240 * s, 235 * s), fill=skin)
    draw.chord((112 * s, 62 * s, 248 * s, 170 * s), 180, 360, fill=hair)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def id_card_scan(seed: int) -> bytes:
    """A PNG shaped like an identity card, with the photo and blank lines, no number."""
    card = Image.new("RGB", (856, 540), "#eef3f7")
    draw = ImageDraw.Draw(card)
    draw.rounded_rectangle((8, 8, 848, 532), radius=28, outline="#9fb3c8", width=4)
    for row in range(5):
        y = 90 + row * 70
        draw.rectangle((60, y, 60 + 300 - row * 30, y + 18), fill="#c5d3df")
    photo = Image.open(io.BytesIO(drawn_photo(seed, 260)))
    card.paste(photo.resize((220, 260)), (580, 120))
    out = io.BytesIO()
    card.save(out, format="PNG")
    return out.getvalue()


def form_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page form: a title, lines of text and a signature line (CJK text embedded)."""
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    width, height = A4
    draw_text(page, width / 2, height - 90, title, 18, align="centre")
    for number, line in enumerate(lines):
        draw_text(page, 72, height - 150 - number * 26, line, 11)
    page.line(72, 160, 260, 160)
    draw_text(page, 72, 142, "签名 / Signature", 9)
    page.showPage()
    page.save()
    return out.getvalue()


CONSENT_LINES = [
    "本人已了解救助管理站提供的服务内容，同意接受以下服务：",
    "☐ 生活照料  ☐ 医疗救治  ☐ 心理辅导  ☐ 法律援助  ☐ 家庭寻亲",
    "本人同意在去除身份信息后将个案数据用于统计。",
    "（演示文件，所有内容均为虚构）",
]
MEDICAL_LINES = [
    "体检结论：一般情况良好，建议定期复查。",
    "（演示文件，所有内容均为虚构）",
]


def add_demo_attachments(caseworker: Services, health: Services, numbers: list[str]) -> int:
    """Attach photos, forms and a medical report to the first of `numbers`; returns how many."""
    added = 0
    for index, number in enumerate(numbers[:6]):
        caseworker.attachments.add(number, drawn_photo(index), title="照片", photo=True)
        added += 1
        if index < 3:
            caseworker.attachments.add(
                number, form_pdf("知情同意书", CONSENT_LINES), title="知情同意书（已签署）",
                section="consent",
            )  # fmt: skip
            caseworker.attachments.add(number, id_card_scan(index), title="身份证复印件")
            added += 2
        if index < 2:
            health.attachments.add(
                number, form_pdf("体检报告", MEDICAL_LINES), title="体检报告", section="medical"
            )
            added += 1
    return added
