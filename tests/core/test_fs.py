import os

import pytest

from faasguard.errors import FileTooLargeError, OutsideRootError, ParseError
from faasguard.fs import ScanFS


@pytest.fixture()
def root(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "vars.yml").write_text("a: 1\n")
    (tmp_path / "outside.txt").write_text("secret\n")
    scan_root = tmp_path / "app"
    return scan_root


def test_join_inside_root(root):
    fs = ScanFS(root)
    assert fs.join("", "./vars.yml", referrer="serverless.yml", line=3) == "vars.yml"
    assert fs.join("sub", "../vars.yml", referrer="sub/x.yml", line=1) == "vars.yml"


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        (
            "../outside.txt",
            "serverless.yml:7: file reference '../outside.txt' points outside "
            "the scan root; it was not read",
        ),
        (
            "../../../etc/passwd",
            "serverless.yml:7: file reference '../../../etc/passwd' points "
            "outside the scan root; it was not read",
        ),
        (
            "/etc/passwd",
            "serverless.yml:7: file reference '/etc/passwd' is absolute; only paths "
            "inside the scan root are read",
        ),
        (
            "~/.aws/credentials",
            "serverless.yml:7: file reference '~/.aws/credentials' is "
            "absolute; only paths inside the scan root are read",
        ),
    ],
)
def test_join_refuses_escapes(root, ref, message):
    with pytest.raises(OutsideRootError) as err:
        ScanFS(root).join("", ref, referrer="serverless.yml", line=7)
    assert str(err.value) == message


def test_symlink_out_of_root_is_refused(root):
    os.symlink(root.parent / "outside.txt", root / "link.yml")
    fs = ScanFS(root)
    with pytest.raises(OutsideRootError) as err:
        fs.read_text("link.yml")
    assert str(err.value) == (
        "link.yml: file reference 'link.yml' resolves outside the scan "
        "root (through a symlink); it was not read"
    )
    assert fs.exists("link.yml") is False


def test_symlink_loop_is_an_error_not_a_hang(root):
    os.symlink(root / "b.yml", root / "a.yml")
    os.symlink(root / "a.yml", root / "b.yml")
    fs = ScanFS(root)
    with pytest.raises((ParseError, OutsideRootError)) as err:
        fs.read_text("a.yml")
    assert str(err.value).startswith("a.yml:")


def test_size_cap(root):
    (root / "big.yml").write_text("x" * 101)
    with pytest.raises(FileTooLargeError) as err:
        ScanFS(root, max_file_bytes=100).read_text("big.yml")
    assert str(err.value) == "big.yml: file is 101 bytes, over the 100-byte limit; it was not read"


def test_bad_utf8_names_line(root):
    (root / "bad.yml").write_bytes(b"a: 1\nb: \xff\xfe\n")
    with pytest.raises(ParseError) as err:
        ScanFS(root).read_text("bad.yml")
    assert str(err.value) == "bad.yml:2: not valid UTF-8 (byte 0xff at offset 8)"


def test_bom_is_accepted(root):
    (root / "bom.yml").write_bytes(b"\xef\xbb\xbfa: 1\n")
    assert ScanFS(root).read_text("bom.yml") == "a: 1\n"
