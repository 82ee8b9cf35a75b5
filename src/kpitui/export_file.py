"""Writing an export to a file without ever destroying one: never over the database's own files, and always
through a temporary file in the same folder renamed into place, so a refused or failed export leaves an
existing file exactly as it was (DESIGN.md section 7)."""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from kpitui.domain.errors import InvalidInput

DATABASE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def refuse_database_files(output: Path, database: Path | None) -> Path:
    """The file the export will replace (a symbolic link is followed), refused when it is the database or one
    of the files SQLite keeps beside it."""
    target = output.expanduser().resolve()
    if database is not None:
        home = database.resolve()
        for suffix in DATABASE_COMPANIONS:
            own = home.with_name(home.name + suffix)
            if target == own or (target.exists() and own.exists() and os.path.samefile(target, own)):
                raise InvalidInput(f"--output {output} is the database's own file ({own.name}): export to "
                                   "another file; nothing was written")
    if target.is_dir():
        raise InvalidInput(f"--output {output} is a folder: name a file")
    return target


@contextmanager
def replacing(target: Path) -> Iterator[TextIO]:
    """A text file that becomes `target` only when the block ends without error."""
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise InvalidInput(f"cannot write {target}: {exc.strerror or exc}; nothing was written") from None
    try:
        with os.fdopen(descriptor, "w", newline="", encoding="utf-8") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        if target.exists():
            shutil.copymode(target, temporary)  # replacing a file keeps its permissions
        os.replace(temporary, target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise InvalidInput(f"cannot write {target}: {exc.strerror or exc}; nothing was written") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
