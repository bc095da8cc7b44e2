"""Benchmark: encrypted cache round trip (set + get) on the in-memory backend.

Run: ``python bench/bench_runtime_cache.py [--ops N] [--value-bytes B] [--repeat R]``.

Reports microseconds per round trip and per operation, best of ``repeat`` runs (the best run is
the least disturbed by the rest of the machine), plus the raw AES-GCM cost for the same payload
so the cache's own overhead (record framing, key hashing, LRU bookkeeping) can be read off.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "runtime" / "src"))

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from faasguard_runtime import events
from faasguard_runtime.cache import EncryptedCache, Keyring, MemoryBackend


def bench_cache(ops: int, value: bytes) -> float:
    cache = EncryptedCache(
        MemoryBackend(max_entries=ops + 1), Keyring("k1", {"k1": os.urandom(32)})
    )
    keys = [f"user:{index}" for index in range(ops)]
    start = time.perf_counter()
    for key in keys:
        cache.set(key, value)
        if cache.get(key) is None:
            raise AssertionError("round trip lost a value")
    return time.perf_counter() - start


def bench_raw_aesgcm(ops: int, value: bytes) -> float:
    aead = AESGCM(os.urandom(32))
    start = time.perf_counter()
    for index in range(ops):
        nonce = os.urandom(12)
        aad = b"user:%d" % index
        aead.decrypt(nonce, aead.encrypt(nonce, value, aad), aad)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=20_000, help="round trips per run")
    parser.add_argument("--value-bytes", type=int, default=256, help="size of each value")
    parser.add_argument("--repeat", type=int, default=5, help="runs; the best is reported")
    args = parser.parse_args()
    events.set_stdout(False)
    value = os.urandom(args.value_bytes)
    bench_cache(1_000, value)  # warm-up
    cache_best = min(bench_cache(args.ops, value) for _ in range(args.repeat))
    raw_best = min(bench_raw_aesgcm(args.ops, value) for _ in range(args.repeat))
    round_trip_us = cache_best / args.ops * 1e6
    raw_us = raw_best / args.ops * 1e6
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cpus")
    print(f"{args.ops} round trips, {args.value_bytes}-byte values, best of {args.repeat}")
    print(f"encrypted cache (memory) set+get: {round_trip_us:8.2f} us/round trip")
    print(f"                          per op: {round_trip_us / 2:8.2f} us/op")
    print(f"raw AES-GCM encrypt+decrypt:      {raw_us:8.2f} us/round trip")
    print(f"cache overhead over raw AES-GCM:  {round_trip_us - raw_us:8.2f} us/round trip")


if __name__ == "__main__":
    main()
