"""The public API is exactly what ``__all__`` says, and importing it stays cheap and standalone."""

import subprocess
import sys
import types

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
    # Submodules become attributes when imported (``errors``, ``powertools`` by other tests); they
    # are reached through their own names, not part of the package's flat API.
    public = sorted(
        n
        for n in dir(faasguard_runtime)
        if not n.startswith("_")
        and (n in EXPECTED or not isinstance(getattr(faasguard_runtime, n), types.ModuleType))
    )
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
        "('faasguard', 'cryptography', 'redis', 'boto3', 'botocore', 'fastjsonschema',"
        " 'pydantic', 'aws_lambda_powertools')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_validate_alone_imports_neither_the_http_client_nor_the_cache_nor_the_shield():
    # Cold start: a function using only @validate pays only for validate (issue 10, section 6).
    code = (
        "import sys; from faasguard_runtime.validate import validate; "
        "validate(event_schema={'type': 'object'}); "
        "import faasguard_runtime; assert faasguard_runtime.validate is validate; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('ssl', 'http', 'email', 'socket', 'pydantic')"
        " or m.startswith(('faasguard_runtime.cache', 'faasguard_runtime.http',"
        " 'faasguard_runtime.shield'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_package_validate_is_the_decorator_whatever_is_imported_first():
    code = (
        "import faasguard_runtime.validate.envelopes, faasguard_runtime; "
        "from faasguard_runtime.validate.decorator import validate; "
        "from faasguard_runtime import validate as top; print(top is validate)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
