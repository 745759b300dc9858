"""Multipart copies paused between windows: which a window resumes, which it aborts, and which
(with their part sizes, while the payload budget holds them) the next window takes over."""

from __future__ import annotations

from typing import Any

from .budget import UPLOADS_BYTES, json_size
from .copier import CopyOutcome
from .diff import Plan
from .multipart import abort_upload, part_sizes, run_lengths
from .payloads import PausedUpload, RunConfig


def resumable_uploads(
    destination_s3: Any, run: RunConfig, plan: Plan, uploads: list[PausedUpload], window_end: str | None
) -> tuple[dict[str, str], list[PausedUpload]]:
    """Sort the uploads earlier steps paused: those this window copies again with the same ETag
    are resumed (key -> upload id); those past the window wait; the others (source rewritten or
    gone, or nothing left to copy) are aborted, so no upload is left behind."""
    to_copy = {entry.key: entry for entry in plan.to_copy}
    resume: dict[str, str] = {}
    later: list[PausedUpload] = []
    for upload in uploads:
        key = upload["key"]
        if window_end is not None and key > window_end:
            later.append(upload)
        elif key in to_copy and to_copy[key].etag == upload["etag"]:
            resume[key] = upload["uploadId"]
        else:
            abort_upload(
                destination_s3,
                run["destination"],
                key,
                upload["uploadId"],
                "source changed or gone since paused",
            )
    return resume, later


def known_part_sizes(uploads: list[PausedUpload], resume: dict[str, str]) -> dict[str, list[int]]:
    """The part sizes kept with the uploads this window resumes, by key."""
    known: dict[str, list[int]] = {}
    for upload in uploads:
        if upload.get("parts") and resume.get(upload["key"]) == upload["uploadId"]:
            sizes = part_sizes(upload["parts"], upload["etag"])
            if sizes is not None:
                known[upload["key"]] = sizes
    return known


def paused_uploads(
    destination_s3: Any, run: RunConfig, copies: CopyOutcome, later: list[PausedUpload]
) -> list[PausedUpload]:
    """The open uploads the next step resumes, in key order, as many as the payload budget
    allows (UPLOADS_BYTES); the others are aborted and their copies start again later. Part
    sizes go with them, in key order, while the budget still holds them; an upload whose part
    sizes do not fit keeps its place and is resumed after reading them again."""
    etags = {entry.key: entry.etag for entry in copies.deferred}
    layouts = {k: run_lengths(sizes) for k, sizes in copies.part_sizes.items() if k in copies.paused}
    layouts |= {upload["key"]: upload.get("parts") for upload in later}
    kept: list[PausedUpload] = []
    # Without their part sizes first: those are added below, only where the budget still holds them.
    bare = [PausedUpload(key=k, etag=etags[k], uploadId=u) for k, u in copies.paused.items()]
    bare += [PausedUpload(key=u["key"], etag=u["etag"], uploadId=u["uploadId"]) for u in later]
    for upload in sorted(bare, key=lambda u: u["key"]):
        if json_size([*kept, upload]) <= UPLOADS_BYTES:
            kept.append(upload)
        else:
            abort_upload(
                destination_s3,
                run["destination"],
                upload["key"],
                upload["uploadId"],
                "too many paused copies",
            )
    size = json_size(kept)
    for upload in kept:
        layout = layouts.get(upload["key"])
        if layout is None:
            continue
        added = json_size({**upload, "parts": layout}) - json_size(upload)
        if size + added <= UPLOADS_BYTES:
            upload["parts"] = layout
            size += added
    return kept
