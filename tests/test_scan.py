"""The compiled word2vec-binary scanner (LLVM IR) against its plain-Python twin."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import tokvec
from tokvec.formats import _scan


def _records(tokens: list[bytes], dim: int, newline: bool, seed: int = 0) -> tuple[bytes, np.ndarray]:
    rng = np.random.default_rng(seed)
    vectors = rng.normal(size=(len(tokens), dim)).astype(np.float32)
    body = b"".join(t + b" " + vectors[i].tobytes() + (b"\n" if newline else b"") for i, t in enumerate(tokens))
    return body, vectors


@pytest.mark.parametrize("newline", [True, False])
def test_kernel_equals_reference(newline):
    tokens = [b"the", b"\xc3\xa9t\xc3\xa9", b"a" * 300, b"x", b"123", b"\xe6\x97\xa5"]
    body, vectors = _records(tokens, 5, newline)
    buf = np.frombuffer(b"HEADER\n" + body, np.uint8)
    fast = _scan.scan(buf, 7, len(tokens), 5)
    slow = _scan.scan_reference(buf, 7, len(tokens), 5)
    for a, b in zip(fast, slow):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(fast[0], vectors)
    assert bytes(fast[1]) == b"".join(t + b"\n" for t in tokens)


@pytest.mark.parametrize("cut", [2, 7, 25, 30])  # 1 would only drop the final newline
def test_truncation_reported_identically(cut):
    body, _ = _records([b"one", b"two", b"three"], 4, True)
    buf = np.frombuffer(body[:-cut], np.uint8)
    fast = _scan.scan(buf, 0, 3, 4)
    slow = _scan.scan_reference(buf, 0, 3, 4)
    assert fast[-1] == slow[-1] == _scan.TRUNCATED
    assert fast[-2] == slow[-2] and len(fast[0]) == len(slow[0])


def test_long_token_detected():
    buf = np.frombuffer(b"x" * (_scan.MAX_TOKEN_BYTES + 10), np.uint8)
    assert _scan.scan(buf, 0, 1, 4)[-1] == _scan.scan_reference(buf, 0, 1, 4)[-1] == _scan.LONG_TOKEN


def test_token_buffer_grows_for_long_tokens():
    tokens = [bytes([97 + i % 26]) * (100 + 37 * i) for i in range(60)]  # far past the first guess of 16 per token
    body, vectors = _records(tokens, 3, True, seed=2)
    buf = np.frombuffer(body, np.uint8)
    fast, slow = _scan.scan(buf, 0, len(tokens), 3), _scan.scan_reference(buf, 0, len(tokens), 3)
    for a, b in zip(fast, slow):
        np.testing.assert_array_equal(a, b)
    assert bytes(fast[1]) == b"".join(t + b"\n" for t in tokens) and fast[-1] == _scan.OK


@pytest.mark.parametrize("seed", range(6))
def test_kernel_equals_reference_on_random_bytes(seed):
    rng = np.random.default_rng(seed)
    alphabet = np.frombuffer(b"  \n\nab\xc3\xa9\x00\xff", np.uint8)  # spaces and newlines everywhere
    buf = alphabet[rng.integers(0, len(alphabet), int(rng.integers(0, 400)))]
    dim, n, start = int(rng.integers(1, 5)), int(rng.integers(0, 40)), int(rng.integers(0, 5))
    fast, slow = _scan.scan(buf, start, n, dim), _scan.scan_reference(buf, start, n, dim)
    assert fast[-1] == slow[-1] and fast[-2] == slow[-2]
    for a, b in zip(fast[:4], slow[:4]):
        np.testing.assert_array_equal(a, b)


def test_many_records_are_copied_on_several_threads():
    tokens = [b"w%d" % i for i in range(20_000)]  # gather splits these rows between threads
    body, vectors = _records(tokens, 7, True, seed=4)
    fast = _scan.scan(np.frombuffer(b"20000 7\n" + body, np.uint8), 8, len(tokens), 7)
    assert fast[-1] == _scan.OK
    np.testing.assert_array_equal(fast[0], vectors)
    assert bytes(fast[1]) == b"".join(t + b"\n" for t in tokens)


def test_reading_a_binary_file_imports_no_numba(tmp_path):
    body, _ = _records([b"alpha", b"beta", b"gamma"], 4, True)
    (tmp_path / "v.bin").write_bytes(b"3 4\n" + body)
    code = ("import sys, tokvec; v = tokvec.load(sys.argv[1]); assert v.most_similar('beta', topn=1)\n"
            "print(v.tokens, 'numba' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "v.bin")], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "['alpha', 'beta', 'gamma'] False"


def test_a_large_binary_reports_a_bad_token_while_its_vectors_are_copied(tmp_path):
    tokens = [b"w%d" % i for i in range(10_000)]  # enough rows for the copy to run on threads
    tokens[9_000] = b"bad\xff"
    body, vectors = _records(tokens, 3, True, seed=5)
    path = tmp_path / "v.bin"
    path.write_bytes(b"10000 3\n" + body)
    at = len(b"10000 3\n") + body.index(b"bad\xff") + 3
    with pytest.raises(tokvec.FormatError, match=f"in token 9,001, at byte offset {at:,} of "):
        tokvec.load(path)
    v = tokvec.load(path, errors="replace")
    assert v.token(9_000) == "bad\ufffd" and v.index("w9999") == 9_999
    np.testing.assert_array_equal(v.matrix, vectors)
