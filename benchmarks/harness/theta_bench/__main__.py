import importlib.util
import sys

# numpy, matplotlib, pandas and tqdm come from Debian's packages; say so instead of a traceback.
_missing = [m for m in ("numpy", "matplotlib", "pandas", "tqdm") if importlib.util.find_spec(m) is None]
if _missing:
    print(f"bench: {sys.executable} lacks {', '.join(_missing)}; run ./scripts/bootstrap (Debian: "
          "python3-numpy python3-matplotlib python3-pandas python3-tqdm)", file=sys.stderr)
    sys.exit(2)

from .cli import main  # noqa: E402

sys.exit(main())
