"""Which partition keys a DynamoDB write request touches, and how many write units each costs.

The emulator's per-partition throttle (harness/throttling.py) needs, for every item a request
writes, the table, the item's partition key value and its write units, before moto processes it.
The key schema comes from moto's own DynamoDB backend (the table the request names).

Write units follow DynamoDB's rules closely enough for a throttle: one unit per started KiB of
the item (attribute names plus values, as moto sizes them); PutItem counts the larger of the new
and the replaced item, UpdateItem and DeleteItem the item as stored (at least one unit);
transactional writes cost twice. ConditionCheck items of a transaction write nothing and are
not counted.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.utilities import bytesize

__all__ = ["WRITE_OPERATIONS", "ItemWrite", "item_writes"]

WRITE_OPERATIONS = frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"})
_KIB = 1024
# TransactWriteItems entries that write: (action, field with the item or key, kind).
_TRANSACT_WRITES = (("Put", "Item", "Put"), ("Update", "Key", "Key"), ("Delete", "Key", "Key"))


@dataclass(frozen=True)
class ItemWrite:
    """One item a write request touches."""

    table: str
    # The partition key's attribute value as canonical JSON, e.g. '{"S": "run-1"}'.
    partition: str
    units: int
    # BatchWriteItem only: the RequestItems key it is listed under and its index there, so a
    # throttled item can be handed back as UnprocessedItems.
    request_key: str | None = None
    index: int | None = None


def _table(name: str, region: str) -> Any:
    account, table_region = DEFAULT_ACCOUNT_ID, region
    if name.startswith("arn:"):
        parts = name.split(":")
        account, table_region = parts[4] or account, parts[3] or region
    try:
        return dynamodb_backends[account][table_region].get_table(name)
    except Exception:  # noqa: BLE001 - moto answers the missing table itself
        return None


def _size(attributes: dict[str, Any]) -> int:
    try:
        return sum(bytesize(name) + DynamoType(value).size() for name, value in attributes.items())
    except Exception:  # noqa: BLE001 - an odd value is moto's to refuse, not ours
        return 0


def _stored_size(table: Any, key: dict[str, Any]) -> int:
    # dict.get, not moto's get_item: table.items is a defaultdict that indexing would grow.
    try:
        partition = table.items.get(DynamoType(key[table.hash_key_attr]))
        if table.range_key_attr is not None:
            stored = partition.get(DynamoType(key[table.range_key_attr])) if partition else None
        else:
            stored = partition
        return int(stored.size()) if stored is not None else 0
    except Exception:  # noqa: BLE001 - no stored item to size
        return 0


def _units(size: int) -> int:
    return max(1, math.ceil(size / _KIB))


def _write(
    table_name: str,
    region: str,
    kind: str,
    attributes: dict[str, Any],
    factor: int = 1,
    request_key: str | None = None,
    index: int | None = None,
) -> ItemWrite | None:
    table = _table(table_name, region)
    if table is None or not table.hash_key_attr or table.hash_key_attr not in attributes:
        return None  # moto will refuse the request; nothing to count
    size = _stored_size(table, attributes)
    if kind == "Put":
        size = max(size, _size(attributes))
    partition = json.dumps(attributes[table.hash_key_attr], sort_keys=True)
    return ItemWrite(table.name, partition, _units(size) * factor, request_key, index)


def item_writes(operation: str, params: dict[str, Any], region: str) -> list[ItemWrite]:
    """Every item ``operation`` (an X-Amz-Target action) with JSON ``params`` writes; empty for
    reads and for requests moto will refuse anyway (unknown table, no key)."""
    writes: list[ItemWrite | None] = []
    if operation == "PutItem":
        writes.append(_write(params.get("TableName", ""), region, "Put", params.get("Item") or {}))
    elif operation in ("UpdateItem", "DeleteItem"):
        writes.append(_write(params.get("TableName", ""), region, "Key", params.get("Key") or {}))
    elif operation == "BatchWriteItem":
        for request_key, requests in (params.get("RequestItems") or {}).items():
            for index, request in enumerate(requests or []):
                if "PutRequest" in request:
                    kind, attributes = "Put", request["PutRequest"].get("Item") or {}
                else:
                    kind, attributes = "Key", (request.get("DeleteRequest") or {}).get("Key") or {}
                writes.append(_write(request_key, region, kind, attributes, 1, request_key, index))
    elif operation == "TransactWriteItems":
        for entry in params.get("TransactItems") or []:
            for action, field, kind in _TRANSACT_WRITES:
                if action in entry:
                    body = entry[action]
                    writes.append(_write(body.get("TableName", ""), region, kind, body.get(field) or {}, 2))
    return [write for write in writes if write is not None]
