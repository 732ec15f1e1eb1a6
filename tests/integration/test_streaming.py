"""Uploads and downloads stream: a file far larger than the memory they may use goes through.

Not a timed test: tracemalloc counts the bytes Python allocates (in this process, the emulator's
threads included), which does not depend on how busy the machine is.
"""

from __future__ import annotations

import hashlib
import tracemalloc
from pathlib import Path

from pdfco_client.emulator import Emulator
from tests.integration.conftest import make_client

SIZE = 96 * 1024 * 1024
#: What the whole round trip may allocate at its peak: a few 1 MiB chunks, not the file.
ALLOWED_PEAK = 16 * 1024 * 1024


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def test_a_large_file_round_trips_in_bounded_memory(tmp_path: Path) -> None:
    source = tmp_path / "large.bin"
    block = bytes(range(256)) * 4096  # 1 MiB that no layer can compress away
    with source.open("wb") as handle:
        for _ in range(SIZE // len(block)):
            handle.write(block)
    with Emulator(max_upload_bytes=SIZE + 1) as emu, make_client(emu) as client:
        tracemalloc.start()
        try:
            uploaded = client.upload(source)
            copy = client.download(uploaded.url, tmp_path / "copy.bin")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert uploaded.size == SIZE
    assert copy.stat().st_size == SIZE
    assert _digest(copy) == _digest(source)
    assert peak < ALLOWED_PEAK, f"peak {peak / 2**20:.1f} MiB for a {SIZE / 2**20:.0f} MiB file"
