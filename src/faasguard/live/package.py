"""Download and unpack a live account's deployment packages (``scan aws://... --fetch-code``).

A deployment package is hostile input, however trusted the account: whoever could deploy a
function chose its bytes. So each one is

- fetched over HTTPS only, TLS verified (with ``AWS_CA_BUNDLE`` when set, as botocore does,
  else the certifi bundle botocore uses), through the proxy urllib reads from
  ``HTTPS_PROXY``/``NO_PROXY``, with no redirect followed and a socket timeout;
- bounded: a package larger than Lambda allows (:data:`MAX_PACKAGE_BYTES`) is not downloaded
  (by ``CodeSize``, ``Content-Length`` and the bytes counted), and a scan extracts at most
  :data:`MAX_SCAN_BYTES` in all;
- checked against the ``CodeSha256`` AWS recorded when it was deployed: bytes that differ are
  not used;
- extracted with the archive checks every reader of untrusted zips shares
  (:func:`faasguard.deps.artifacts.entry_problem`): absolute paths, ``..`` and symbolic links
  are refused entry by entry, while a bomb (compression ratio, declared or inflated size past
  the limit, too many entries) refuses the whole package. Files are written without their
  archive modes: nothing extracted is executable, and nothing is ever run.

Each package goes into its own folder of a temporary :class:`PackageStore` named by its ARN
(the function's, or the layer version's), so a finding inside it names
``<function ARN>/<path in the package>``, next to the live findings that name the function's
ARN. The store is removed when the scan ends.

A package that cannot be used is a notice naming the function or layer (download failed or
denied, checksum mismatch, a container image), or a finding for what says something about the
package itself (``FG0007`` unsafe archive, ``FG0020`` over the size budget); the rest of the
scan stands.
"""

from __future__ import annotations

import base64
import hashlib
import os
import posixpath
import re
import shutil
import tempfile
import threading
import urllib.error
import urllib.request
import zipfile
import zlib
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Final
from urllib.parse import urlsplit

from faasguard.deps.artifacts import MAX_ENTRIES, ArchiveProblem, entry_problem
from faasguard.live.reader import PARALLEL_CALLS, RegionSnapshot
from faasguard.loaders.interface import IssueKind, LoadIssue
from faasguard.model import Location

__all__ = [
    "MAX_PACKAGE_BYTES",
    "MAX_SCAN_BYTES",
    "PARALLEL_DOWNLOADS",
    "FetchLimits",
    "PackageStore",
    "RegionCode",
    "fetch_region",
]

#: Lambda's quota for a function's code and layers unzipped (250 MB = 262,144,000 bytes). A
#: zip is never larger than its contents, so it bounds the download too.
MAX_PACKAGE_BYTES: Final = 262_144_000
#: Extracted bytes one scan may write to the temporary folder (every region, every package).
MAX_SCAN_BYTES: Final = 4 * 1024 * 1024 * 1024
#: Downloads in flight at once per region, like the reader's calls.
PARALLEL_DOWNLOADS: Final = PARALLEL_CALLS
_CHUNK: Final = 1024 * 1024
_SAFE_NAME: Final = re.compile(r"\A[A-Za-z0-9:_$.-]+\Z")


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """How much one package and one scan may cost (the defaults are Lambda's own limits).

    Attributes:
        max_download_bytes: largest zip downloaded.
        max_unzipped_bytes: largest total size of one package once extracted.
        max_entries: most entries one package may hold.
        max_scan_bytes: extracted bytes of all packages of a scan together.
        timeout: seconds a connection may stay silent.
    """

    max_download_bytes: int = MAX_PACKAGE_BYTES
    max_unzipped_bytes: int = MAX_PACKAGE_BYTES
    max_entries: int = MAX_ENTRIES
    max_scan_bytes: int = MAX_SCAN_BYTES
    timeout: float = 60.0


@dataclass(frozen=True, slots=True)
class RegionCode:
    """The packages of one region, extracted under :attr:`PackageStore.root`.

    Attributes:
        functions: function name -> its package folder, relative to the store's root.
        layers: layer version ARN -> its package folder, relative to the store's root.
        notices: packages that could not be used, and why.
        issues: what the packages themselves showed (unsafe entries, over the budget).
        downloaded: bytes downloaded.
    """

    functions: Mapping[str, str] = field(default_factory=dict)
    layers: Mapping[str, str] = field(default_factory=dict)
    notices: tuple[str, ...] = ()
    issues: tuple[LoadIssue, ...] = ()
    downloaded: int = 0


class PackageStore:
    """A temporary folder holding a scan's extracted packages; removed by :meth:`close`."""

    def __init__(self, limits: FetchLimits | None = None) -> None:
        self.limits = limits or FetchLimits()
        self.root = Path(tempfile.mkdtemp(prefix="faasguard-code-"))
        self._downloads = self.root / ".downloads"
        self._downloads.mkdir()
        self._lock = threading.Lock()
        self._written = 0

    def __enter__(self) -> PackageStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Remove every package fetched."""
        shutil.rmtree(self.root, ignore_errors=True)

    def take(self, size: int) -> bool:
        """Count ``size`` extracted bytes against the scan's budget; False when over it."""
        with self._lock:
            if self._written + size > self.limits.max_scan_bytes:
                return False
            self._written += size
            return True

    def scratch(self) -> Path:
        """A fresh file name for one download."""
        handle, name = tempfile.mkstemp(suffix=".zip", dir=self._downloads)
        os.close(handle)
        return Path(name)


class _Refused(Exception):  # noqa: N818 - a package refused, with the issue that says why
    def __init__(self, issue: LoadIssue | None, notice: str | None = None) -> None:
        super().__init__(notice or (issue.message if issue else ""))
        self.issue = issue
        self.notice = notice


def fetch_region(
    snap: RegionSnapshot,
    store: PackageStore,
    *,
    refresh: Callable[[str, str], str | None] | None = None,
    ca_bundle: str | None = None,
) -> RegionCode:
    """Download and extract the package of each zip function and layer version of a region.

    Args:
        snap: the region as read, with ``layers=True`` (each layer version's location).
        store: where the packages go.
        refresh: (``"function"``, name) or (``"layer"``, version ARN) -> a fresh package URL
            (``GetFunction`` or ``GetLayerVersion`` again), for a URL that expired while the
            rest of the account was read (they live 10 minutes).
        ca_bundle: the CA bundle the account's API calls verify with (the profile's
            ``ca_bundle`` or ``AWS_CA_BUNDLE``); None: ``AWS_CA_BUNDLE``, else certifi's.

    Returns:
        Where each package went, and what could not be used.
    """
    app = f"aws://{snap.region}"
    opener = _opener(ca_bundle)
    jobs: list[_Job] = []
    notices: list[str] = []
    for got in snap.functions:
        conf = got.get("Configuration") or {}
        name = str(conf.get("FunctionName"))
        what = f"{app}: function {name}"
        if str(conf.get("PackageType") or "Zip") == "Image":
            image = (got.get("Code") or {}).get("ImageUri") or "its image"
            notices.append(
                f"{what}: package not fetched: container image ({image}); its code and "
                "dependencies are not analysed"
            )
            continue
        jobs.append(
            _Job(
                kind="function",
                key=name,
                arn=str(conf.get("FunctionArn") or name),
                what=what,
                url=(got.get("Code") or {}).get("Location"),
                sha=conf.get("CodeSha256"),
                size=conf.get("CodeSize"),
            )
        )
    for arn, got in sorted(snap.layer_versions.items()):
        content = got.get("Content") or {}
        jobs.append(
            _Job(
                kind="layer",
                key=arn,
                arn=arn,
                what=f"{app}: layer {arn}",
                url=content.get("Location"),
                sha=content.get("CodeSha256"),
                size=content.get("CodeSize"),
            )
        )

    # Downloads end in any order, but the scan's extraction budget is taken in the jobs' order,
    # so which package is over it does not depend on timing: job i waits for job i-1 to have
    # taken its share (or given up). Jobs start in order, so the one waited for is running.
    taken = [threading.Event() for _ in jobs]
    zips = _SharedZips(jobs)

    def run(index: int) -> tuple[_Job, str | None, list[LoadIssue], str | None, int]:
        job = jobs[index]
        turn = _Turn(taken[index - 1] if index else None, taken[index])
        try:
            folder, downloaded, refused = _fetch(
                job, store, opener, refresh, app, turn, zips, index
            )
        except _Refused as whole:
            return job, None, [whole.issue] if whole.issue else [], whole.notice, 0
        except Exception as exc:  # a bug or a disk error: this package only is lost
            shutil.rmtree(store.root / _folder_name(job), ignore_errors=True)
            notice = f"{job.what}: package not used: {type(exc).__name__}: {exc}"
            return job, None, [], notice, 0
        finally:
            turn.done()
        return job, folder, refused, None, downloaded

    functions: dict[str, str] = {}
    layers: dict[str, str] = {}
    issues: list[LoadIssue] = []
    total = 0
    # pool.map keeps the jobs' order: the notices and issues do not depend on timing.
    with ThreadPoolExecutor(max_workers=PARALLEL_DOWNLOADS) as pool:
        for job, folder, found, notice, downloaded in pool.map(run, range(len(jobs))):
            total += downloaded
            issues.extend(found)
            if notice is not None:
                notices.append(notice)
            if folder is not None:
                (functions if job.kind == "function" else layers)[job.key] = folder
    return RegionCode(functions, layers, tuple(notices), tuple(issues), total)


@dataclass(frozen=True, slots=True)
class _Turn:
    """When one package may take its share of the scan's budget: after the one before it."""

    before: threading.Event | None
    mine: threading.Event

    def wait(self) -> None:
        if self.before is not None:
            self.before.wait()

    def done(self) -> None:
        self.mine.set()


@dataclass(frozen=True, slots=True)
class _Job:
    kind: str  # "function" or "layer"
    key: str  # function name, or layer version ARN
    arn: str
    what: str  # "aws://us-east-1: function export", for notices
    url: Any
    sha: Any
    size: Any


class _SharedZips:
    """Each distinct package of a region downloaded once, however many functions deploy it.

    Functions built from one artifact share its ``CodeSha256`` (the Serverless Framework
    packages a whole service into one zip by default), so an account of 500 functions may hold
    20 packages. The first job (in the jobs' order, so the outcome never depends on timing)
    for a digest downloads and checks the zip; the others wait for it and extract the same file
    into their own folder, so findings still name each function's ARN. If that download fails,
    each waiting job downloads on its own, so every failure is reported against its own
    function. The file is removed when the last job using it is done.
    """

    def __init__(self, jobs: list[_Job]) -> None:
        self._lock = threading.Lock()
        self._users: dict[str, int] = {}
        self._owner: dict[str, int] = {}
        for index, job in enumerate(jobs):
            if isinstance(job.sha, str):
                self._users[job.sha] = self._users.get(job.sha, 0) + 1
                self._owner.setdefault(job.sha, index)
        self._zips = {sha: _Zip() for sha in self._owner}

    def claim(self, sha: str, index: int) -> tuple[_Zip, bool]:
        """The zip for ``sha``, and True when job ``index`` is the one to download it.

        The owner is the first job with that digest; the pool starts jobs in order, so it is
        already running when a job waits for it.
        """
        return self._zips[sha], self._owner[sha] == index

    def release(self, sha: str) -> None:
        """One job is done with ``sha``'s file; the last one removes it."""
        with self._lock:
            self._users[sha] -= 1
            last = self._users[sha] == 0
        path = self._zips[sha].path
        if last and path is not None:
            path.unlink(missing_ok=True)


@dataclass(slots=True)
class _Zip:
    """One shared download: its file once checked (None while pending or when it failed)."""

    ready: threading.Event = field(default_factory=threading.Event)
    path: Path | None = None


def _fetch(
    job: _Job,
    store: PackageStore,
    opener: urllib.request.OpenerDirector,
    refresh: Callable[[str, str], str | None] | None,
    app: str,
    turn: _Turn,
    zips: _SharedZips,
    index: int,
) -> tuple[str, int, list[LoadIssue]]:
    """One package, downloaded (or shared, see :class:`_SharedZips`), checked and extracted.

    ``turn``: see :class:`_Turn`.

    Returns:
        Its folder, the bytes downloaded, and the entries refused (as issues).

    Raises:
        _Refused: the package is not used; the notice or issue says why.
    """
    if not isinstance(job.sha, str):
        return _fetch_own(job, store, opener, refresh, app, turn, None)
    shared, mine = zips.claim(job.sha, index)
    try:
        if mine:
            return _fetch_own(job, store, opener, refresh, app, turn, shared)
        shared.ready.wait()
        if shared.path is None:  # that download failed: try on our own, for our own notice
            return _fetch_own(job, store, opener, refresh, app, turn, None)
        folder = _folder_name(job)
        return folder, 0, _extract(shared.path, store, folder, job, app, turn)
    finally:
        if mine:
            shared.ready.set()  # never leave a waiter hanging, whatever happened
        zips.release(job.sha)


def _fetch_own(
    job: _Job,
    store: PackageStore,
    opener: urllib.request.OpenerDirector,
    refresh: Callable[[str, str], str | None] | None,
    app: str,
    turn: _Turn,
    shared: _Zip | None,
) -> tuple[str, int, list[LoadIssue]]:
    """Download, check and extract one package; with ``shared``, publish the checked zip."""
    limits = store.limits
    if not isinstance(job.url, str) or not job.url:
        raise _Refused(None, f"{job.what}: package not fetched: AWS gave no package location")
    if isinstance(job.size, int) and job.size > limits.max_download_bytes:
        raise _Refused(_too_large(job, app, job.size, limits.max_download_bytes))
    scratch = store.scratch()
    try:
        try:
            digest, size = _download(opener, job.url, scratch, limits, job, app)
        except urllib.error.HTTPError as exc:
            fresh = refresh(job.kind, job.key) if exc.code == 403 and refresh else None
            if not fresh:
                raise _Refused(None, _failed(job, exc)) from None
            # A presigned URL lives 10 minutes: one read of a large account can outlast it.
            try:
                digest, size = _download(opener, fresh, scratch, limits, job, app)
            except (urllib.error.URLError, OSError, ValueError) as again:
                raise _Refused(None, _failed(job, again)) from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise _Refused(None, _failed(job, exc)) from None
        if not isinstance(job.sha, str) or digest != job.sha:
            raise _Refused(
                None,
                f"{job.what}: package not used: its SHA-256 ({digest}) is not the CodeSha256 "
                f"AWS recorded ({job.sha}); the bytes downloaded are not what was deployed",
            )
        if shared is not None:  # checked: the functions sharing it may use it now
            shared.path = scratch
            shared.ready.set()
        folder = _folder_name(job)
        return folder, size, _extract(scratch, store, folder, job, app, turn)
    finally:
        if shared is None or shared.path is None:
            scratch.unlink(missing_ok=True)


def _failed(job: _Job, exc: BaseException) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        reason = f"HTTP {exc.code} {exc.reason}"
    elif isinstance(exc, urllib.error.URLError):
        reason = str(exc.reason)
    else:
        reason = f"{type(exc).__name__}: {exc}"
    return f"{job.what}: package not fetched: {reason}; its code and dependencies are not analysed"


def _too_large(job: _Job, app: str, size: int, limit: int) -> LoadIssue:
    return LoadIssue(
        IssueKind.BUDGET,
        f"{job.kind} package {job.key} is {size} bytes, over the {limit}-byte limit "
        "(Lambda's 250 MB); not downloaded, its code and dependencies are not analysed",
        Location(job.arn),
        app,
    )


def _folder_name(job: _Job) -> str:
    """The package's folder: its ARN (one path component), else a digest of it.

    Windows refuses ``:`` in a file name: there the digest names every package.
    """
    if os.name != "nt" and _SAFE_NAME.match(job.arn) and job.arn not in (".", ".."):
        return job.arn
    return f"{job.kind}-{hashlib.sha256(job.arn.encode()).hexdigest()[:16]}"


# -- download ---------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A package URL answers with the bytes; a redirect (maybe to http://) is refused."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        raise urllib.error.HTTPError(newurl, code, f"redirect refused ({msg})", headers, fp)


def _opener(ca_bundle: str | None = None) -> urllib.request.OpenerDirector:
    import ssl

    context = ssl.create_default_context(cafile=ca_bundle or _ca_bundle())
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    # ProxyHandler() reads HTTPS_PROXY/NO_PROXY (and their lower-case forms) from the
    # environment, as botocore does for the API calls.
    return urllib.request.build_opener(
        urllib.request.ProxyHandler(),
        urllib.request.HTTPSHandler(context=context),
        _NoRedirect(),
    )


def _ca_bundle() -> str | None:
    """The CA bundle botocore verifies with: ``AWS_CA_BUNDLE``, else certifi's."""
    explicit = os.environ.get("AWS_CA_BUNDLE")
    if explicit:
        return explicit
    try:
        from botocore.httpsession import get_cert_path

        path = get_cert_path(True)
    except Exception:  # a botocore without it: the system's store
        return None
    return path if isinstance(path, str) else None


def _download(
    opener: urllib.request.OpenerDirector,
    url: str,
    scratch: Path,
    limits: FetchLimits,
    job: _Job,
    app: str,
) -> tuple[str, int]:
    """Stream ``url`` into ``scratch``; the base64 SHA-256 (as Lambda writes it) and size."""
    if urlsplit(url).scheme != "https":
        raise ValueError(f"not an HTTPS URL ({urlsplit(url).scheme or 'no'} scheme); refused")
    request = urllib.request.Request(url, headers={"User-Agent": "faasguard"})  # noqa: S310 - https checked above
    digest = hashlib.sha256()
    size = 0
    with opener.open(request, timeout=limits.timeout) as answer, scratch.open("wb") as out:
        declared = answer.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > limits.max_download_bytes:
            raise _Refused(_too_large(job, app, int(declared), limits.max_download_bytes))
        while True:
            chunk = answer.read(_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > limits.max_download_bytes:
                raise _Refused(_too_large(job, app, size, limits.max_download_bytes))
            digest.update(chunk)
            out.write(chunk)
    return base64.b64encode(digest.digest()).decode("ascii"), size


# -- extraction -------------------------------------------------------------------------------


def _extract(
    scratch: Path, store: PackageStore, folder: str, job: _Job, app: str, turn: _Turn
) -> list[LoadIssue]:
    """Extract a checked package into ``store.root / folder``; the entries refused.

    Raises:
        _Refused: a bomb, unreadable or over a limit: the package is not used at all.
    """
    dest = store.root / folder
    label = f"{job.kind} package {job.key}"
    try:
        problems = _unzip(scratch, dest, store, label, turn)
    except _Bomb as bomb:
        shutil.rmtree(dest, ignore_errors=True)
        raise _Refused(
            LoadIssue(
                IssueKind.BUDGET if bomb.budget else IssueKind.UNSAFE_ARCHIVE,
                f"{bomb}; the package was not extracted, its code and dependencies are not "
                "analysed",
                Location(job.arn),
                app,
            )
        ) from None
    return [
        LoadIssue(
            IssueKind.UNSAFE_ARCHIVE, f"{label}: {problem.message}; refused", Location(job.arn), app
        )
        for problem in problems
    ]


class _Bomb(Exception):  # noqa: N818 - the package as a whole is refused
    def __init__(self, message: str, *, budget: bool = False) -> None:
        super().__init__(message)
        self.budget = budget


def _unzip(
    path: Path, dest: Path, store: PackageStore, label: str, turn: _Turn
) -> list[ArchiveProblem]:
    """Write the safe entries of a zip under ``dest``; the entries refused, one by one.

    Raises:
        _Bomb: the archive is unreadable, a bomb, or over a limit: nothing of it is used.
    """
    limits = store.limits
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise _Bomb(f"{label}: not a readable zip archive: {exc}") from None
    problems: list[ArchiveProblem] = []
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_entries:
            raise _Bomb(f"{label}: {len(infos)} entries, over the {limits.max_entries} limit")
        declared = sum(info.file_size for info in infos)
        if declared > limits.max_unzipped_bytes:
            raise _Bomb(
                f"{label}: expands to {declared} bytes, over the {limits.max_unzipped_bytes}-byte "
                "limit (Lambda's 250 MB unzipped; a zip bomb?)"
            )
        checked = [(info, entry_problem(label, info)) for info in infos]
        for _, problem in checked:
            if problem is not None and problem.kind == "bomb":
                raise _Bomb(f"{label}: {problem.message}")
        turn.wait()
        room = store.take(declared)
        turn.done()
        if not room:
            raise _Bomb(
                f"{label}: the scan has already extracted {limits.max_scan_bytes} bytes of "
                "packages",
                budget=True,
            )
        dest.mkdir()
        seen: set[str] = set()
        written = 0
        for info, problem in checked:
            if problem is not None:
                problems.append(problem)
                continue
            name = posixpath.normpath(info.filename.replace("\\", "/"))
            if name in (".", ""):
                continue  # the archive's own folder entry
            if name in seen:
                problems.append(
                    ArchiveProblem(
                        "duplicate", label, info.filename, f"entry {info.filename!r} repeated"
                    )
                )
                continue
            seen.add(name)
            target = dest / name
            try:
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                written += _write_entry(
                    archive, info, target, label, limits.max_unzipped_bytes - written
                )
            except OSError as exc:
                # A file and a folder of one name ("lib" and "lib/x.py"): the second is refused.
                problems.append(
                    ArchiveProblem(
                        "corrupt",
                        label,
                        info.filename,
                        f"entry {info.filename!r} cannot be written ({exc.strerror or exc})",
                    )
                )
    return problems


def _write_entry(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, label: str, room: int
) -> int:
    """Copy one entry, stopping where its header says it ends (a forged header is a bomb)."""
    budget = min(info.file_size, room)
    size = 0
    try:
        with archive.open(info) as stream, target.open("xb") as out:
            while True:
                chunk = stream.read(min(_CHUNK, budget + 1 - size))
                if not chunk:
                    break
                size += len(chunk)
                if size > budget:
                    raise _Bomb(f"{label}: entry {info.filename!r} inflates past its declared size")
                out.write(chunk)
    except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, EOFError) as exc:
        # A CRC mismatch, an encrypted entry: the archive is not what it says.
        raise _Bomb(f"{label}: entry {info.filename!r} is unreadable: {exc}") from None
    target.chmod(0o644)
    return size
