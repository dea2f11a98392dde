"""Recorded anchor figures, read from the markdown tables in ../shared/data.

The figures stay where they were recorded (anchors.md, evm-benchmarks/ANCHOR.md); the harness reads them
at run time so a corrected figure there reaches every report without an edit here. A row that is missing
or unreadable becomes a labelled skip, never a crash.
"""

import os
import re
from dataclasses import dataclass
from pathlib import Path

_UNIT_NS = {"ns": 1.0, "µs": 1e3, "us": 1e3, "μs": 1e3, "ms": 1e6, "s": 1e9}
_NUMBER = r"([0-9][0-9,]*(?:\.[0-9]+)?)"
_PART = re.compile(_NUMBER + r"(?:\s*[–-]\s*" + _NUMBER + r")?\s*(ns|µs|μs|us|ms|s)?\b")


def shared_data_dir(repo: Path) -> Path:
    """Where the shared data lives: $THETA_SHARED_DATA, else ../shared/data beside the repository."""
    env = os.environ.get("THETA_SHARED_DATA")
    return Path(env) if env else (repo.parent / "shared" / "data")


def parse_tables(text: str) -> list[list[list[str]]]:
    """Every markdown table in text as rows of cells, header row first, separator row dropped."""
    tables: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in text.splitlines() + [""]:
        stripped = line.strip()
        if stripped.startswith("|"):
            cells = [c.strip() for c in stripped.strip("|").split("|")]
            if not all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                current.append(cells)
        elif current:
            tables.append(current)
            current = []
    return tables


@dataclass
class Figure:
    """One recorded time, in nanoseconds; low/high when the record gives a range."""

    ns: float
    low_ns: float
    high_ns: float
    text: str


def parse_time(text: str, part: int = 0) -> Figure | None:
    """Parse '24.4 µs', '0.31–0.33 ms', '15.1 / 44.1 µs' (part picks a side of the slash)."""
    pieces = [p.strip() for p in text.split("/")]
    matches = [_PART.search(p) for p in pieces]
    if part >= len(matches) or matches[part] is None:
        return None
    # '15.1 / 44.1 µs': a side without its own unit takes the unit written after the last side.
    units = [m.group(3) for m in matches if m is not None and m.group(3)]
    m = matches[part]
    unit = m.group(3) or (units[-1] if units else None)
    if unit is None:
        return None
    scale = _UNIT_NS[unit]
    low = float(m.group(1).replace(",", "")) * scale
    high = float(m.group(2).replace(",", "")) * scale if m.group(2) else low
    return Figure(ns=(low + high) / 2, low_ns=low, high_ns=high, text=pieces[part])


SUM = -1  # as a part: the sum of all sides ('24 µs / 45 µs' read as 69 µs)


def _sum_parts(text: str) -> Figure | None:
    figures = []
    for i in range(text.count("/") + 1):
        figure = parse_time(text, i)
        if figure is None:
            return None
        figures.append(figure)
    return Figure(
        ns=sum(f.ns for f in figures),
        low_ns=sum(f.low_ns for f in figures),
        high_ns=sum(f.high_ns for f in figures),
        text=" + ".join(f.text for f in figures),
    )


class RecordedFigures:
    """Lookup of recorded figures by (file, row label); caches each parsed file."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self._cache: dict[str, list[list[list[str]]]] = {}

    def tables(self, relpath: str) -> list[list[list[str]]] | None:
        if relpath not in self._cache:
            path = self.data_dir / relpath
            if not path.is_file():
                return None
            self._cache[relpath] = parse_tables(path.read_text(encoding="utf-8"))
        return self._cache[relpath]

    def lookup(self, relpath: str, row: str, column: int = 1, part: int = 0) -> Figure | str:
        """The figure, or a one-line reason why there is none."""
        tables = self.tables(relpath)
        if tables is None:
            return f"{relpath} not found under {self.data_dir}"
        for table in tables:
            for cells in table[1:]:
                if cells and cells[0] == row and column < len(cells):
                    figure = _sum_parts(cells[column]) if part == SUM else parse_time(cells[column], part)
                    if figure is not None:
                        return figure
                    return f"{relpath}: row '{row}' has no time in column {column}"
        return f"{relpath}: no row '{row}'"

    def rows(self, relpath: str, table_index: int = 0) -> list[list[str]]:
        """Body rows of one table (used to map a whole table onto cases, as for EVM)."""
        tables = self.tables(relpath) or []
        return tables[table_index][1:] if table_index < len(tables) else []
