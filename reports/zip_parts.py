"""A ZIP archive from parts deflated beforehand, so that several parts can be deflated at once.

``zipfile`` deflates each member as it is written, one at a time; a workbook's large worksheets
are deflated here on several threads (zlib lets go of the GIL) and only then put together.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

_LEVEL = 1
"""zlib's fastest level: worksheet XML is repetitive, so it still shrinks about tenfold."""
_LIMIT = 0xFFFFFFFF
"""Sizes and offsets above this need ZIP64, which an Excel worklist (at most 1,048,576 rows) never does."""


@dataclass(frozen=True, slots=True)
class Part:
    """One member, deflated: its name, deflated bytes, CRC-32, size before deflating and date."""

    name: str
    deflated: bytes
    crc: int
    size: int
    date_time: tuple[int, int, int, int, int, int] = (1980, 1, 1, 0, 0, 0)


def deflate(name: str, data: bytes | Sequence[bytes],
            date_time: tuple[int, int, int, int, int, int] = (1980, 1, 1, 0, 0, 0)) -> Part:
    """A member's data (or its pieces, in order, not joined first) deflated as ZIP holds it, with its CRC-32."""
    pieces = [data] if isinstance(data, bytes) else data
    compressor = zlib.compressobj(_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    deflated, crc = [], 0
    for piece in pieces:
        deflated.append(compressor.compress(piece))
        crc = zlib.crc32(piece, crc)
    deflated.append(compressor.flush())
    return Part(name, b"".join(deflated), crc, sum(len(piece) for piece in pieces), date_time)


def archive(parts: list[Part]) -> bytes:
    """The ZIP archive of the parts, in order."""
    local: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for part in parts:
        name = part.name.encode("utf-8")
        year, month, day, hour, minute, second = part.date_time
        time = hour << 11 | minute << 5 | second // 2
        date = (year - 1980) << 9 | month << 5 | day
        if max(part.size, len(part.deflated), offset) > _LIMIT:
            raise ValueError(f"{part.name}: too large for a ZIP archive without ZIP64")
        fields = (20, 0x800, 8, time, date, part.crc, len(part.deflated), part.size, len(name))
        header = struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, 0) + name
        central.append(struct.pack("<IH", 0x02014B50, 20) + struct.pack("<HHHHHIIIHHHHHII", *fields, 0, 0, 0, 0, 0,
                                                                        offset) + name)
        local += [header, part.deflated]
        offset += len(header) + len(part.deflated)
    directory = b"".join(central)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), len(directory), offset, 0)
    return b"".join(local) + directory + end
