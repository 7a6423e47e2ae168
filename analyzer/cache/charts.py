"""The report's charts as last drawn: one PNG per chart, named by a key over everything
the chart shows and the code that drew it (the report makes the keys), so a kept PNG is
exactly what drawing again would give. One PNG is kept per chart. Best effort: a folder
that cannot be read or written only costs the drawing."""

from __future__ import annotations

from pathlib import Path

from ..atomic import write_atomic

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class ChartStore:
    """Kept chart PNGs in one folder."""

    def __init__(self, folder: str | Path) -> None:
        self.dir = Path(folder)

    def get(self, stem: str, key: str) -> bytes | None:
        try:
            image = (self.dir / f"{stem}-{key}.png").read_bytes()
        except OSError:
            return None
        return image if image.startswith(PNG_SIGNATURE) else None

    def put(self, stem: str, key: str, image: bytes) -> None:
        path = self.dir / f"{stem}-{key}.png"
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            write_atomic(path, image)
            for old in self.dir.glob(f"{stem}-*.png"):
                if old != path:
                    old.unlink(missing_ok=True)
        except OSError:
            pass
