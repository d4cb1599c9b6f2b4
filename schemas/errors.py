"""Errors every layer can raise: one line that says where and what, never a record value."""

from __future__ import annotations

from collections.abc import Sequence


class RefcheckError(Exception):
    """Bad input, reported to the user as one line: ``<where>: <problem>``."""


class SchemaError(RefcheckError):
    """A schema file is invalid; the message starts with ``file:line: path.in.document:``."""

    def __init__(self, message: str, place: tuple[str, int] | None = None) -> None:
        super().__init__(message)
        self.place = place
        """The file and line the error is at, when it is at one: the order errors are shown in."""


class MissingFile(SchemaError):
    """The schema or mapping file named is not there."""


class UnknownName(SchemaError):
    """A name the document uses but does not define (a field, code list, rule): its parent may define it.

    When the parent a schema extends cannot be read, these are left out: the rest is still checked.
    """


MAX_SHOWN = 50
"""The most errors one run shows: past that, the rest are counted."""


class SchemaErrors(SchemaError):
    """Every error found in a schema or mapping, one per line, so that one run reports them all."""

    def __init__(self, errors: Sequence[SchemaError]) -> None:
        self.errors = _in_file_order(errors)
        lines = [str(error) for error in self.errors[:MAX_SHOWN]]
        if len(self.errors) > MAX_SHOWN:
            lines.append(f"and {len(self.errors) - MAX_SHOWN} more errors; fix these and run again")
        self.lines = tuple(lines)
        """What is shown, one error a line: each is printed on its own line (its text joined by newlines)."""
        super().__init__("\n".join(lines), self.errors[0].place if self.errors else None)


def all_of(errors: Sequence[SchemaError]) -> SchemaError:
    """The one error to raise for ``errors``: itself when there is one, else all of them together."""
    return errors[0] if len(errors) == 1 else SchemaErrors(errors)


def _in_file_order(errors: Sequence[SchemaError]) -> tuple[SchemaError, ...]:
    """Each error once, file by file (in the order the files were met) and by line within a file."""
    unique: dict[str, SchemaError] = {}
    for error in errors:
        for single in error.errors if isinstance(error, SchemaErrors) else (error,):
            unique.setdefault(str(single), single)
    files: dict[str, int] = {}
    for error in unique.values():
        if error.place is not None:
            files.setdefault(error.place[0], len(files))

    def order(error: SchemaError) -> tuple[int, int]:
        return (-1, 0) if error.place is None else (files[error.place[0]], error.place[1])

    return tuple(sorted(unique.values(), key=order))
