"""PDF documents made at test time with reportlab, with known text per page
(what was drawn is what the tests expect back, word by word), metadata, a
page holding only an image, blank pages, many pages, and a copy encrypted
with pypdf. Used by test_pdf_plugin.py and bench/bench_pdf.py."""
from __future__ import annotations

import os
import random
from datetime import datetime, timezone

# Helvetica's encoding (WinAnsi) holds these; the TrueType font below also
# Greek and Cyrillic
LATIN = ["alpha", "Beta", "gamma", "delta", "café", "über", "naïve", "Straße", "señor", "øre",
         "façade", "12.50", "2024-01-15", "€99", "x=y+1", "(paren)", "quote's", "a-b"]
WIDE = ["Ελλάδα", "Москва", "данные", "λόγος"]
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def have_dejavu() -> bool:
    return os.path.isfile(DEJAVU)


def _font(c, wide: bool) -> str:
    if not wide:
        return "Helvetica"
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", DEJAVU))
    return "DejaVu"


def random_lines(rng: random.Random, n_lines: int, per_line: int, wide=False) -> list[str]:
    vocab = LATIN + (WIDE if wide else [])
    return [" ".join(rng.choice(vocab) for _ in range(per_line)) for _ in range(n_lines)]


def _image(c, x, y):
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    img = Image.new("RGB", (64, 64))
    for i in range(64):
        for j in range(64):
            img.putpixel((i, j), ((i * 4) % 256, (j * 4) % 256, 128))
    c.drawImage(ImageReader(img), x, y, width=200, height=200)


def make_pdf(path, pages, title=None, author=None, subject=None, creator=None,
             keywords=None, wide=False, when: datetime | None = None) -> list[list[str]]:
    """pages: each a list of lines (drawn top-down), "image" (only an
    image), or "blank". Returns the lines drawn on each page ([] for image
    and blank pages)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas
    c = canvas.Canvas(str(path), pagesize=A4, invariant=when is None)
    if title is not None:
        c.setTitle(title)
    if author is not None:
        c.setAuthor(author)
    if subject is not None:
        c.setSubject(subject)
    if creator is not None:
        c.setCreator(creator)
    if keywords is not None:
        c.setKeywords(keywords)
    if when is not None:
        c.setDateFormatter(lambda _yyyy, *_a: when.astimezone(timezone.utc).strftime(
            "D:%Y%m%d%H%M%S+00'00'"))
    drawn = []
    font = _font(c, wide)
    for spec in pages:
        if spec == "image":
            _image(c, 100, 400)
            drawn.append([])
        elif spec == "blank":
            drawn.append([])
        else:
            c.setFont(font, 10)
            y = 800
            for line in spec:
                c.drawString(40, y, line)
                y -= 14
            drawn.append(list(spec))
        c.showPage()
    c.save()
    return drawn


def encrypt(src, dst, user_password: str, owner_password: str, algorithm="AES-256"):
    from pypdf import PdfWriter
    w = PdfWriter(clone_from=str(src))
    w.encrypt(user_password=user_password, owner_password=owner_password, algorithm=algorithm)
    with open(dst, "wb") as f:
        w.write(f)


def words(lines_or_text) -> list[str]:
    if isinstance(lines_or_text, str):
        return lines_or_text.split()
    return " ".join(lines_or_text).split()


def pypdf_pages(path, password=None) -> list[str]:
    """pypdf's text of each page: the independent reading."""
    from pypdf import PdfReader
    r = PdfReader(str(path))
    if r.is_encrypted:
        r.decrypt(password or "")
    return [p.extract_text() or "" for p in r.pages]


def many_pages(path, n: int, seed: int = 3, lines: int = 40, per_line: int = 10):
    rng = random.Random(seed)
    return make_pdf(path, [random_lines(rng, lines, per_line) for _ in range(n)],
                    title=f"{n} pages", author="bench")


def to_bytes(path) -> bytes:
    with open(path, "rb") as f:
        return f.read()


__all__ = ["make_pdf", "encrypt", "words", "pypdf_pages", "many_pages", "random_lines",
           "have_dejavu", "to_bytes"]
