"""The input memo: a file unchanged since an earlier import is not read again, and
anything that could make its remembered content wrong makes the import read it."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from analyzer import read_history
from analyzer.cache.inputs import InputMemo
from analyzer.ingest import sources

DATA = Path(__file__).resolve().parent / "data"
RUN = DATA / "dtcooper__garmin-fr110-run-2013.fit"
WALK = DATA / "dtcooper__garmin-fenix5-walk-with-dynamics.fit"


@pytest.fixture
def reads(monkeypatch):
    """Names of the files actually read; files count as settled at once."""
    monkeypatch.setattr(InputMemo, "SETTLE_S", 0.0)
    seen: list[str] = []
    real = sources._read_file

    def counting(path, info):
        seen.append(os.path.basename(path))
        yield from real(path, info)

    monkeypatch.setattr(sources, "_read_file", counting)
    return seen


def _import(folder: Path, cache: Path):
    return read_history([folder], cache=cache, workers=1, progress=False)


def _summary(history) -> list[tuple]:
    return [(f.path, f.status, f.reason, f.sha256) for f in history.files]


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "runs"
    folder.mkdir()
    shutil.copy(RUN, folder / "run.fit")
    shutil.copy(WALK, folder / "walk.fit")
    (folder / "broken.fit").write_bytes(b"\x0e\x10" + b"\x00" * 30)  # read, then not decoded
    (folder / "broken.fit.gz").write_bytes(b"\x1f\x8b" + b"\x00" * 30)  # cannot be read
    return folder


def test_an_unchanged_file_is_not_read_again(tmp_path, reads):
    folder, cache = _folder(tmp_path), tmp_path / "cache"
    first = _import(folder, cache)
    assert sorted(reads) == ["broken.fit", "broken.fit.gz", "run.fit", "walk.fit"]
    reads.clear()
    second = _import(folder, cache)
    # A file that cannot be read is read (and reported) every time; the others are not,
    # and one that could not be decoded keeps its reason (from its cache entry).
    assert reads == ["broken.fit.gz"]
    assert _summary(second) == _summary(first)
    assert second.activities.equals(first.activities)
    assert {f.sha256 for f in second.files if f.sha256} == {
        hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob("*.fit")
    }


def test_a_rewritten_file_is_read_again_even_with_its_old_times(tmp_path, reads):
    folder, cache = _folder(tmp_path), tmp_path / "cache"
    _import(folder, cache)
    target = folder / "run.fit"
    before = target.stat()
    # Another file's bytes of the same length, with the old modification time put back:
    # only the change time (which no program can set) tells.
    body = WALK.read_bytes()
    target.write_bytes(body[: before.st_size].ljust(before.st_size, b"\x00"))
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    reads.clear()
    second = _import(folder, cache)
    assert "run.fit" in reads
    (rec,) = [f for f in second.files if f.path.endswith("run.fit")]
    assert rec.sha256 == hashlib.sha256(target.read_bytes()).hexdigest()


def test_a_file_whose_cache_entry_went_is_read_and_decoded_again(tmp_path, reads):
    folder, cache = _folder(tmp_path), tmp_path / "cache"
    first = _import(folder, cache)
    (rec,) = [f for f in first.files if f.path.endswith("run.fit")]
    first.cache.store.path(rec.sha256).unlink()
    reads.clear()
    second = _import(folder, cache)
    assert sorted(reads) == ["broken.fit.gz", "run.fit"]
    assert second.decoded == 1
    assert _summary(second) == _summary(first)


def test_a_recent_file_is_not_remembered(tmp_path, reads, monkeypatch):
    monkeypatch.setattr(InputMemo, "SETTLE_S", 3600.0)  # every file is "just written"
    folder, cache = _folder(tmp_path), tmp_path / "cache"
    _import(folder, cache)
    reads.clear()
    _import(folder, cache)
    assert sorted(reads) == ["broken.fit", "broken.fit.gz", "run.fit", "walk.fit"]


def test_archive_members_are_remembered_with_their_labels(tmp_path, reads):
    folder = tmp_path / "export"
    folder.mkdir()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("activities/run.fit", RUN.read_bytes())
        zf.writestr("activities/walk.fit", WALK.read_bytes())
    (folder / "export.zip").write_bytes(buf.getvalue())
    cache = tmp_path / "cache"
    first = _import(folder, cache)
    reads.clear()
    second = _import(folder, cache)
    assert reads == []
    assert _summary(second) == _summary(first)
    assert len([f for f in second.files if "export.zip" in f.path]) == 2


def test_a_damaged_memo_is_ignored(tmp_path, reads):
    folder, cache = _folder(tmp_path), tmp_path / "cache"
    first = _import(folder, cache)
    memo = next(cache.glob("catalog/*/inputs.json"))
    entries = json.loads(memo.read_text())["files"]
    assert sorted(Path(p).name for p in entries) == ["broken.fit", "run.fit", "walk.fit"]
    memo.write_text('{"version": 1, "files": {"x": 3}')  # cut short
    reads.clear()
    assert _summary(_import(folder, cache)) == _summary(first)
    assert sorted(reads) == ["broken.fit", "broken.fit.gz", "run.fit", "walk.fit"]


def test_a_file_named_twice_is_remembered_once(tmp_path, reads):
    folder, cache = _folder(tmp_path), tmp_path / "cache"
    twice = [folder, folder / "run.fit"]
    first = read_history(twice, cache=cache, workers=1, progress=False)
    second = read_history(twice, cache=cache, workers=1, progress=False)
    assert _summary(second) == _summary(first)
    assert [f.status for f in second.files if f.path.endswith("run.fit")] == ["imported", "duplicate"]
