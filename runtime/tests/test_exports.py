"""The public API is exactly what ``__all__`` says, and importing it stays cheap and standalone."""

import subprocess
import sys

import faasguard_runtime

EXPECTED = [
    "EgressDenied",
    "EgressPolicy",
    "EncryptedCache",
    "FaasguardRuntimeError",
    "Keyring",
    "ResponseValidationError",
    "SafeHttpClient",
    "SecurityEvent",
    "SessionStore",
    "ShieldViolation",
    "ValidationError",
    "__version__",
    "add_sink",
    "cache",
    "emit",
    "events",
    "http",
    "remove_sink",
    "set_request_context",
    "set_stdout",
    "shield",
    "validate",
]


def test_all_is_the_documented_api():
    assert faasguard_runtime.__all__ == EXPECTED
    for name in EXPECTED:
        assert hasattr(faasguard_runtime, name), name
    # Submodules become attributes when imported; ``errors`` is reached through the names above.
    public = sorted(n for n in vars(faasguard_runtime) if not n.startswith("_") and n != "errors")
    assert public == sorted(n for n in EXPECTED if not n.startswith("_"))


def test_errors_share_one_base():
    for error in (
        faasguard_runtime.ValidationError,
        faasguard_runtime.ResponseValidationError,
        faasguard_runtime.ShieldViolation,
        faasguard_runtime.EgressDenied,
    ):
        assert issubclass(error, faasguard_runtime.FaasguardRuntimeError)


def test_import_loads_neither_the_scanner_nor_optional_extras():
    code = (
        "import sys, faasguard_runtime; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('faasguard', 'cryptography', 'redis', 'boto3', 'botocore', 'fastjsonschema')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
