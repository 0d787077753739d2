"""Files the user keeps (exports): written whole or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import InputError


def write_atomically(path: Path, data: bytes, *, mode: int = 0o644) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same directory and a rename.

    The temporary file has a fresh random name (created exclusively, so a planted file or
    symlink is never followed) and is removed when anything fails; ``path`` then keeps what it
    had. ``mode`` is 0o600 for a file holding a secret (private before it has its name). Every
    failure (missing or read-only folder, full disk, a path that cannot hold files) is one
    :class:`InputError` naming the path.
    """
    path = path.expanduser()
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent if str(path.parent) else ".",
                                   prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
