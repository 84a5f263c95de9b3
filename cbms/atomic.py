"""Write a published output through a temporary file beside it, so a crash never leaves half a file behind."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from cbms.errors import CLI_002, CbmsError


def publish(target: Path, write: Callable[[Path], object]) -> Path:
    """Call `write` on a temporary path in `target`'s folder, then rename it to `target`. The file gets the usual
    permissions (it is meant to be shared: it holds only aggregate, suppressed figures)."""
    tmp = target.parent / f".{target.name}.{os.getpid()}.tmp"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write(tmp)
        os.replace(tmp, target)
    except OSError as exc:
        raise CbmsError(CLI_002, path=target.parent, reason=exc.strerror or str(exc)) from exc
    finally:
        tmp.unlink(missing_ok=True)
    return target
