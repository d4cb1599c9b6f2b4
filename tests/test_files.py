"""Writing outputs: a failed write names the file it was for and leaves nothing behind."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from refcheck.reports.files import write_atomically


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full to fill a disk")
def test_a_full_disk_during_a_polars_write_names_the_output_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "worklists" / "bridgend.csv"
    frame = pl.DataFrame({"record_id": [f"R{i}" for i in range(100_000)]})
    with pytest.raises(OSError) as raised:
        write_atomically(target, lambda _: frame.write_csv("/dev/full"))  # NOTE: Polars' own error, no file named
    assert raised.value.filename == str(target) and "No space left" in str(raised.value.strerror)
    assert list(target.parent.iterdir()) == []
