import io
import os
import zipfile

from faasguard.deps.artifacts import (
    ArchiveProblem,
    InstalledPackage,
    read_build_dir,
    read_zip,
)
from faasguard.fs import ScanFS

METADATA = "Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\nlong description\n"


def _zip(path, entries):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            if isinstance(name, zipfile.ZipInfo):
                zf.writestr(name, data)
            else:
                zf.writestr(name, data)


def test_lambda_zip_packages_and_lines(tmp_path):
    _zip(
        tmp_path / "fn.zip",
        [
            ("handler.py", "import requests\n\ndef handler(e, c):\n    return requests.get('x')\n"),
            ("requests/__init__.py", "a = 1\nb = 2\n"),
            (
                "requests-2.19.1.dist-info/METADATA",
                METADATA.format(name="requests", version="2.19.1"),
            ),
            ("requests-2.19.1.dist-info/top_level.txt", "requests\n"),
            ("PyYAML-5.3.1.dist-info/METADATA", METADATA.format(name="PyYAML", version="5.3.1")),
            ("PyYAML-5.3.1.dist-info/top_level.txt", "_yaml\nyaml\n"),
            ("yaml/__init__.py", "x = 1\n"),
            ("node_modules/lodash/package.json", '{"name": "lodash", "version": "4.17.15"}'),
            (
                "node_modules/@aws-sdk/client-s3/package.json",
                '{"name": "@aws-sdk/client-s3", "version": "3.400.0"}',
            ),
            (
                "node_modules/lodash/test/fixture/package.json",
                '{"name": "fixture", "version": "0.0.0"}',
            ),
            ("node_modules/lodash/lodash.js", "var a;\nvar b;\n\nvar c;\n"),
        ],
    )
    contents = read_zip(ScanFS(tmp_path), "fn.zip")
    assert contents.problems == ()
    assert contents.packages == (
        InstalledPackage("pyyaml", "5.3.1", "PyPI", "PyYAML-5.3.1.dist-info/METADATA"),
        InstalledPackage("requests", "2.19.1", "PyPI", "requests-2.19.1.dist-info/METADATA"),
        InstalledPackage(
            "@aws-sdk/client-s3", "3.400.0", "npm", "node_modules/@aws-sdk/client-s3/package.json"
        ),
        InstalledPackage("lodash", "4.17.15", "npm", "node_modules/lodash/package.json"),
    )
    assert contents.own_lines == 3
    assert contents.library_lines == 6  # requests 2 + yaml 1 + lodash.js 3
    assert contents.top_levels == {"pyyaml": ("_yaml", "yaml"), "requests": ("requests",)}


def test_hostile_entries_are_refused(tmp_path):
    link = zipfile.ZipInfo("evil-link")
    link.external_attr = 0o120777 << 16
    _zip(
        tmp_path / "bad.zip",
        [
            ("../../etc/cron.d/evil", "x"),
            ("/abs/path.py", "x"),
            (link, "/etc/passwd"),
            ("ok.py", "print(1)\n"),
        ],
    )
    contents = read_zip(ScanFS(tmp_path), "bad.zip")
    assert contents.problems == (
        ArchiveProblem(
            "path-escape",
            "bad.zip",
            "../../etc/cron.d/evil",
            "entry '../../etc/cron.d/evil' escapes the archive with '..'",
        ),
        ArchiveProblem(
            "path-escape", "bad.zip", "/abs/path.py", "entry '/abs/path.py' has an absolute path"
        ),
        ArchiveProblem("symlink", "bad.zip", "evil-link", "entry 'evil-link' is a symbolic link"),
    )
    assert contents.own_lines == 1


def test_zip_bomb_is_refused_without_inflating(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("zeros.py", b"\0" * (20 * 1024 * 1024))
    (tmp_path / "bomb.zip").write_bytes(buffer.getvalue())
    contents = read_zip(ScanFS(tmp_path), "bomb.zip")
    assert [(p.kind, p.entry) for p in contents.problems] == [("bomb", "zeros.py")]
    assert contents.problems[0].message.startswith("entry 'zeros.py' expands ")
    assert contents.library_lines == 0 and contents.own_lines == 0


def test_corrupt_zip(tmp_path):
    (tmp_path / "c.zip").write_bytes(b"PK\x03\x04 not really")
    contents = read_zip(ScanFS(tmp_path), "c.zip")
    assert [p.kind for p in contents.problems] == ["corrupt"]
    assert contents.problems[0].message == "not a readable zip: File is not a zip file"


def test_build_dir_and_symlinks(tmp_path):
    build = tmp_path / ".aws-sam" / "build" / "Fn"
    (build / "jinja2-2.10.dist-info").mkdir(parents=True)
    (build / "jinja2-2.10.dist-info" / "METADATA").write_text(
        METADATA.format(name="Jinja2", version="2.10")
    )
    (build / "jinja2").mkdir()
    (build / "jinja2" / "__init__.py").write_text("a = 1\n")
    (build / "app.py").write_text("import jinja2\n\ndef handler(e, c):\n    pass\n")
    (tmp_path / "secret.txt").write_text("x")
    os.symlink(tmp_path / "secret.txt", build / "link.txt")
    contents = read_build_dir(ScanFS(tmp_path), ".aws-sam/build/Fn")
    assert contents.packages == (
        InstalledPackage("jinja2", "2.10", "PyPI", "jinja2-2.10.dist-info/METADATA"),
    )
    assert contents.problems == (
        ArchiveProblem(
            "symlink",
            ".aws-sam/build/Fn",
            ".aws-sam/build/Fn/link.txt",
            ".aws-sam/build/Fn/link.txt is a symbolic link; not followed",
        ),
    )
    assert (contents.own_lines, contents.library_lines) == (3, 1)
