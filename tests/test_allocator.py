"""The command line asks Polars' allocator to keep freed memory; a user's own setting and library use are left alone."""

from __future__ import annotations

import os
import subprocess
import sys

KEEP = "dirty_decay_ms:30000,muzzy_decay_ms:30000"


def _allocator_setting(code: str, **env: str) -> str:
    clean = {name: value for name, value in os.environ.items() if name != "_RJEM_MALLOC_CONF"}
    done = subprocess.run([sys.executable, "-c", f"{code}; import os; print(os.environ['_RJEM_MALLOC_CONF'])"],
                          capture_output=True, text=True, check=True, env={**clean, **env})
    return done.stdout.strip()


def test_the_command_line_keeps_freed_memory_after_polars_own_setting() -> None:
    setting = _allocator_setting("import refcheck.cli, polars")
    assert setting.endswith(KEEP)  # NOTE: Polars 2.1 appends the override to its own; the last value wins


def test_a_setting_the_user_made_wins() -> None:
    setting = _allocator_setting("import refcheck.cli", _RJEM_MALLOC_CONF="dirty_decay_ms:0")
    assert setting.endswith(",dirty_decay_ms:0") and KEEP not in setting


def test_a_program_using_the_library_keeps_polars_setting() -> None:
    assert KEEP not in _allocator_setting("import refcheck.checks")
