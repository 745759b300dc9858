"""The benchmark's objects: their keys and bodies, the change set, filling buckets through moto's
backend (uncounted), and the correctness check of a destination against its source."""

from __future__ import annotations

import hashlib
import random

CONTENT_TYPES = ("text/plain", "application/json", "image/png", "text/html")


def key_name(i: int) -> str:
    return f"d{i % 37:02}/obj-{i:07}.dat"


def body(i: int, version: int, size: int) -> bytes:
    seed = hashlib.sha256(f"{i}:{version}".encode()).digest()
    return (seed * (size // len(seed) + 1))[:size]


def initial_objects(n: int, rng: random.Random) -> dict[str, tuple[bytes, str, dict[str, str]]]:
    objects = {}
    for i in range(n):
        meta = {"origin": "bench", "serial": str(i)}
        objects[key_name(i)] = (body(i, 0, rng.randint(1024, 4096)), CONTENT_TYPES[i % 4], meta)
    return objects


def change_set(
    objects: dict[str, tuple[bytes, str, dict[str, str]]], n: int, rng: random.Random
) -> tuple[dict[str, tuple[bytes, str, dict[str, str]]], list[str]]:
    """Writes and deletes that turn the source into its changed state (10% / 5% / 5%)."""
    keys = sorted(objects)
    picked = rng.sample(keys, int(n * 0.15))
    changed, deleted = picked[: int(n * 0.10)], picked[int(n * 0.10) :]
    writes = {}
    for index, key in enumerate(changed):
        data, content_type, meta = objects[key]
        i = int(meta["serial"])
        if index % 2 == 0:  # same size, different content
            new = body(i, 1, len(data))
        else:
            new = body(i, 1, len(data) + rng.randint(1, 512))
        writes[key] = (new, content_type, {**meta, "version": "2"})
    for j in range(int(n * 0.05)):
        i = n + j
        writes[key_name(i)] = (body(i, 0, rng.randint(1024, 4096)), CONTENT_TYPES[i % 4], {"origin": "bench"})
    return writes, deleted


class Store:
    """Fill, change and read buckets through moto's backend (in process, not counted)."""

    def __init__(self) -> None:
        from moto.backends import get_backend
        from moto.core import DEFAULT_ACCOUNT_ID

        self.backend = get_backend("s3")[DEFAULT_ACCOUNT_ID]["global"]

    def create(self, bucket: str) -> None:
        self.backend.create_bucket(bucket, "us-east-1")

    def drop(self, bucket: str) -> None:
        found = self.backend.get_bucket(bucket)
        for name in list(found.keys.keys()):
            self.backend.delete_object(bucket, name)
        self.backend.delete_bucket(bucket)

    def write(self, bucket: str, objects: dict[str, tuple[bytes, str, dict[str, str]]]) -> None:
        for key, (data, content_type, meta) in objects.items():
            fake = self.backend.put_object(bucket, key, data)
            fake.set_metadata(
                {"Content-Type": content_type, **{f"x-amz-meta-{k}": v for k, v in meta.items()}}
            )

    def delete(self, bucket: str, keys: list[str]) -> None:
        for key in keys:
            self.backend.delete_object(bucket, key)

    def facts(self, bucket: str) -> dict[str, tuple[int, str, str, tuple[tuple[str, str], ...]]]:
        found = self.backend.get_bucket(bucket)
        facts = {}
        for name, fake in list(found.keys.items()):
            meta = {k.lower(): str(v) for k, v in dict(fake.metadata).items()}
            user = tuple(sorted((k, v) for k, v in meta.items() if k.startswith("x-amz-meta-")))
            facts[name] = (fake.size, fake.etag, meta.get("content-type", ""), user)
        return facts


def check(store: Store, source: str, destination: str) -> tuple[bool, str]:
    """Is the destination equal to the source? Names the first check that fails."""
    src, dst = store.facts(source), store.facts(destination)
    missing, extra = set(src) - set(dst), set(dst) - set(src)
    if missing or extra:
        return False, f"keys: {len(missing)} missing, {len(extra)} extra (e.g. {sorted(missing or extra)[0]})"
    labels = ("size", "ETag", "Content-Type", "user metadata")
    for index, label in enumerate(labels):
        wrong = [k for k in src if src[k][index] != dst[k][index]]
        if wrong:
            example = wrong[0]
            return False, (
                f"{label} differs on {len(wrong)} objects (e.g. {example}: "
                f"{src[example][index]!r} vs {dst[example][index]!r})"
            )
    return True, ""


# -- tools ----------------------------------------------------------------------------------------
