"""Printed forms carry the case number as a QR code: inline SVG, drawn here (no CDN, no image files)."""

from __future__ import annotations

from html import escape

import segno
from markupsafe import Markup


def qr(text: str, scale: int = 3) -> Markup:
    """A QR code of `text` as inline SVG, in a span that names what it encodes."""
    svg = segno.make_qr(text, error="m").svg_inline(scale=scale, svgclass="qr-svg", lineclass="qr-line")
    return Markup(f'<span class="qr" data-qr="{escape(text)}">{svg}</span>')
