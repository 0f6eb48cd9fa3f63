"""Draw an otpauth:// URI as an inline SVG QR code for authenticator enrolment."""

from __future__ import annotations

import io

from django.utils.safestring import SafeString, mark_safe


def qr_svg(data: str) -> SafeString | None:
    """Return an accessible inline SVG QR code of data, or None where segno is not installed."""
    try:
        import segno
    except ImportError:
        # The enrolment page also offers the setup link and the typed key, so it still works.
        return None
    buffer = io.BytesIO()
    segno.make(data, error="m").save(
        buffer,
        kind="svg",
        scale=4,
        xmldecl=False,
        svgns=True,
        omitsize=True,
        title="QR code to add Hustings to an authenticator app",
    )
    svg = buffer.getvalue().decode("ascii")
    # segno escapes the title and draws only paths from the data's bits, so the markup is inert.
    return mark_safe(svg.replace("<svg ", '<svg role="img" aria-label="QR code for setup" ', 1))
