"""The `kb` executable: Ctrl-C at any moment is one line and exit 130, never a traceback."""

from __future__ import annotations

import sys


def run() -> None:
    try:
        from .cli import main
    except KeyboardInterrupt:  # still importing
        sys.stderr.write("kb: interrupted\n")
        sys.exit(130)
    main()
