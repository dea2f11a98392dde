"""Human-readable values for tables and plot labels."""

import math
import re


def format_value(value: float | None, unit: str) -> str:
    """Human form of a value: nanoseconds become ns/µs/ms/s; other units keep three significant digits."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if unit == "ns":
        for scale, name in ((1e9, "s"), (1e6, "ms"), (1e3, "µs")):
            if value >= scale:
                return f"{value / scale:.3g} {name}"
        return f"{value:.3g} ns"
    if abs(value) >= 1e3:  # 1,830 tx/s rather than 1.83e+03
        return f"{value:,.0f} {unit}".rstrip()
    return f"{value:.3g} {unit}".rstrip()


def substitute(arg: str, mapping: dict[str, str]) -> str:
    """Replaces {name} for the names in mapping only, so other braces (JSON, code) pass through."""
    return re.sub(r"\{([a-z_]+)\}", lambda m: mapping.get(m.group(1), m.group(0)), arg)


def format_ratio(ratio: float) -> str:
    """Two decimals near parity (1.00, 0.78, 17.40); two significant digits for tiny ratios (0.00043)."""
    return f"{ratio:.2f}" if ratio >= 0.1 else f"{ratio:.2g}"
