"""Safe streaming of OSV ``all.zip`` archives.

An archive may come from a network download, so it is treated as hostile: the central
directory is checked against entry-count, size and compression-ratio caps before anything is
decompressed, and every entry is read with a byte budget so that a lying header cannot make it
inflate past its cap. OSV exports are flat (``<ID>.json`` at the top), so any entry with a
directory part, ``..``, a drive letter or a non-``.json`` name is skipped with a reason rather
than interpreted.

Whole-archive violations raise :class:`ZipBombError` (the importer then rolls back everything);
single bad entries are reported as :class:`SkippedEntry` and the import goes on.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from faasguard.deps.vulns.interface import ArchiveError, SkippedEntry, ZipBombError

__all__ = ["ZipLimits", "iter_json_entries"]

_MIB = 1024 * 1024
_CHUNK = 256 * 1024


@dataclass(frozen=True, slots=True)
class ZipLimits:
    """Caps applied to an archive before and while it is read.

    The defaults leave room for OSV's largest real export (npm, with its malicious-package
    records: a few hundred thousand entries of a few KiB each) while refusing classic bombs.

    Attributes:
        max_entries: Most entries the central directory may list.
        max_entry_size: Largest uncompressed size of one entry, in bytes.
        max_total_size: Largest total uncompressed size, in bytes.
        max_ratio: Largest compression ratio (uncompressed / compressed) of an entry bigger
            than ``ratio_floor``, and of the whole archive.
        ratio_floor: Entries up to this uncompressed size are exempt from the ratio check: a
            small, repetitive JSON file legitimately compresses well.
    """

    max_entries: int = 1_000_000
    max_entry_size: int = 16 * _MIB
    max_total_size: int = 4096 * _MIB
    max_ratio: float = 100.0
    ratio_floor: int = 1 * _MIB


def iter_json_entries(
    path: Path, *, limits: ZipLimits, skipped: list[SkippedEntry]
) -> Iterator[tuple[str, bytes]]:
    """Yield the ``.json`` entries of an OSV archive, one at a time.

    Args:
        path: The zip file.
        limits: Caps to enforce.
        skipped: Receives one :class:`SkippedEntry` per entry not yielded.

    Yields:
        ``(entry name, uncompressed bytes)``.

    Raises:
        ArchiveError: The file is not a readable zip archive.
        ZipBombError: A cap is exceeded.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArchiveError(f"{path}: not a readable zip archive: {exc}") from None
    with archive:
        infos = archive.infolist()
        _check_directory(path, infos, limits)
        seen: set[str] = set()
        total = 0
        for info in infos:
            reason = _name_problem(info)
            if reason is None and info.filename in seen:
                reason = "duplicate entry name"
            if reason is not None:
                if not info.is_dir():
                    skipped.append(SkippedEntry(info.filename, reason))
                continue
            seen.add(info.filename)
            try:
                data = _read_capped(archive, info, limits)
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError) as exc:
                # CRC mismatch, encryption, unknown compression: this entry only is unusable.
                skipped.append(SkippedEntry(info.filename, f"unreadable entry: {exc}"))
                continue
            total += len(data)
            if total > limits.max_total_size:
                raise ZipBombError(
                    f"{path}: more than {limits.max_total_size} bytes once uncompressed"
                )
            yield info.filename, data


def _check_directory(path: Path, infos: list[zipfile.ZipInfo], limits: ZipLimits) -> None:
    if len(infos) > limits.max_entries:
        raise ZipBombError(f"{path}: {len(infos)} entries, more than {limits.max_entries}")
    declared = 0
    compressed = 0
    for info in infos:
        if info.file_size > limits.max_entry_size:
            raise ZipBombError(
                f"{path}: entry {info.filename!r} is {info.file_size} bytes uncompressed, "
                f"more than {limits.max_entry_size}"
            )
        if info.file_size > limits.ratio_floor and (
            info.file_size > limits.max_ratio * max(info.compress_size, 1)
        ):
            raise ZipBombError(
                f"{path}: entry {info.filename!r} compression ratio above {limits.max_ratio:g}"
            )
        declared += info.file_size
        compressed += info.compress_size
    if declared > limits.max_total_size:
        raise ZipBombError(f"{path}: {declared} bytes uncompressed, more than the cap")
    if declared > limits.ratio_floor and declared > limits.max_ratio * max(compressed, 1):
        raise ZipBombError(f"{path}: archive compression ratio above {limits.max_ratio:g}")


def _name_problem(info: zipfile.ZipInfo) -> str | None:
    name = info.filename
    if info.is_dir():
        return "directory entry"
    if "/" in name or "\\" in name or ".." in name or ":" in name or name.startswith("."):
        return "entry name has a path (OSV archives are flat)"
    if not name.lower().endswith(".json"):
        return "not a .json entry"
    return None


def _read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ZipLimits) -> bytes:
    # The header's size is what the caps were checked against; a stream that inflates past
    # it is a forged header, so the read stops one byte over the cap and refuses the archive.
    budget = min(limits.max_entry_size, info.file_size)
    parts: list[bytes] = []
    size = 0
    with archive.open(info) as stream:
        while True:
            chunk = stream.read(min(_CHUNK, budget + 1 - size))
            if not chunk:
                break
            size += len(chunk)
            if size > budget:
                raise ZipBombError(
                    f"{archive.filename}: entry {info.filename!r} inflates past its "
                    "declared size or the per-entry cap"
                )
            parts.append(chunk)
    return b"".join(parts)
