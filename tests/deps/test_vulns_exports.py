"""The public surface of faasguard.deps.vulns is exactly what __all__ says."""

import importlib
import pkgutil
from pathlib import Path

import faasguard.deps.vulns as vulns

EXPECTED = {
    "DB_ENV_VAR", "DEFAULT_API_URL", "DEFAULT_BASE_URL", "DEFAULT_STALE_DAYS",
    "SUPPORTED_ECOSYSTEMS", "Affected", "ApiLimits", "ArchiveError", "DownloadError",
    "EcosystemStatus", "Event", "ImportReport", "MatchedVulnerability", "OsvApiError",
    "OsvApiSource", "PackageQuery", "Range", "RecordError", "RetryPolicy", "Severity",
    "SeverityLevel", "SkippedEntry", "SourceStatus", "Store", "StoreError", "StoreSource",
    "StoreStatus", "UnsafeURLError", "UpdateLimits", "UpdateResult", "Vulnerability",
    "VulnerabilityDataError", "VulnerabilitySource", "ZipBombError", "ZipLimits",
    "default_db_path", "import_zip", "is_stale", "match", "parse_vulnerability",
    "parse_vulnerability_json", "smallest_fix", "status", "update", "update_store",
}  # fmt: skip


def test_all_is_exact_and_resolvable():
    assert set(vulns.__all__) == EXPECTED
    assert len(vulns.__all__) == len(EXPECTED)
    for name in vulns.__all__:
        assert getattr(vulns, name) is not None


def test_every_error_derives_from_the_base():
    errors = [getattr(vulns, name) for name in vulns.__all__ if name.endswith("Error")]
    assert errors
    assert all(issubclass(error, vulns.VulnerabilityDataError) for error in errors)


def test_modules_do_not_import_the_rest_of_faasguard():
    """The layer is self-contained: only faasguard.deps.vulns.* and third-party imports."""
    for info in pkgutil.iter_modules(vulns.__path__):
        module = importlib.import_module(f"faasguard.deps.vulns.{info.name}")
        source = Path(module.__file__).read_text(encoding="utf-8")
        for line in source.splitlines():
            stripped = line.strip()
            if stripped.startswith(("from faasguard", "import faasguard")):
                assert stripped.startswith("from faasguard.deps.vulns"), (info.name, stripped)
