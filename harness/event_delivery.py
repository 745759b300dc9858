"""S3 changes reaching the continuous-sync queue as they do on AWS, and nothing else consuming it.

Two differences from moto 5.2.5 matter to continuous sync:

* EventBridge delivers to an SQS queue only when the queue's policy lets events.amazonaws.com
  send to it (conditioned on the rule's ARN, as the module writes it); otherwise the event is
  dropped and the rule's FailedInvocations metric counts it. moto delivers regardless, so a
  module with a wrong queue policy would pass here and lose every event on AWS. Enforced unless
  the ``event_delivery_policy`` switch is off; :func:`failed_deliveries` counts what was dropped.
* moto's own SQS event source mapping invokes the function synchronously inside SendMessage, one
  message per invocation, and deletes the message whatever the function answered. Lambda's
  poller takes batches, honours ReportBatchItemFailures and leaves failed messages to come back
  after the visibility timeout. moto's mapping is kept as a record (the aws provider reads it
  back) but never fires; harness/sqs_poller.py polls and invokes as Lambda does.

And one difference that only matters to Terraform: SQS returns a queue's RedrivePolicy as compact
JSON, moto with spaces, so the aws provider would plan to change it after every apply.
"""

from __future__ import annotations

import fnmatch
import json
import threading
from collections import Counter
from typing import Any

from moto.awslambda.models import LambdaBackend
from moto.events.models import Rule
from moto.sqs.models import Queue

from harness import strictness

__all__ = ["apply", "failed_deliveries", "policy_admits"]

_applied = False
_lock = threading.Lock()
_failed: Counter[str] = Counter()

_SERVICE = "events.amazonaws.com"


def failed_deliveries() -> dict[str, int]:
    """Events dropped because a queue's policy refused them, by rule ARN."""
    with _lock:
        return dict(_failed)


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _condition_holds(operator: str, values: dict[str, Any], context: dict[str, str]) -> bool:
    for name, expected in values.items():
        actual = context.get(name.lower())
        if actual is None:
            return False
        wanted = [str(v) for v in _listed(expected)]
        if operator in ("ArnEquals", "StringEquals"):
            if actual not in wanted:
                return False
        elif operator in ("ArnLike", "StringLike"):
            if not any(fnmatch.fnmatchcase(actual, pattern) for pattern in wanted):
                return False
        else:
            return False  # an operator this check does not know: not taken as granted
    return True


def policy_admits(policy: dict[str, Any], queue_arn: str, rule_arn: str, account: str) -> bool:
    """Whether `policy` lets EventBridge (for `rule_arn`) send to the queue `queue_arn`."""
    context = {"aws:sourcearn": rule_arn, "aws:sourceaccount": account}
    allowed = False
    for statement in _listed(policy.get("Statement", [])):
        principal = statement.get("Principal", {})
        services = _listed(principal.get("Service", [])) if isinstance(principal, dict) else [principal]
        if _SERVICE not in services and "*" not in services:
            continue
        actions = [str(a).lower() for a in _listed(statement.get("Action", []))]
        if not {"sqs:sendmessage", "sqs:*", "*"} & set(actions):
            continue
        resources = [str(r) for r in _listed(statement.get("Resource", "*"))]
        if not any(fnmatch.fnmatchcase(queue_arn, r) for r in resources):
            continue
        conditions = statement.get("Condition", {})
        if not all(_condition_holds(op, values, context) for op, values in conditions.items()):
            continue
        if statement.get("Effect") == "Deny":
            return False
        allowed = allowed or statement.get("Effect") == "Allow"
    return allowed


_original_send_to_sqs = Rule._send_to_sqs_queue


def _send_to_sqs_queue(
    self: Rule, resource_id: str, event: dict[str, Any], group_id: str | None = None
) -> None:
    if strictness.current().event_delivery_policy:
        from moto.sqs.models import sqs_backends

        queue = sqs_backends[self.account_id][self.region_name].queues.get(resource_id)
        policy = json.loads(queue.policy) if queue is not None and queue.policy else {}
        if queue is not None and not policy_admits(policy, queue.queue_arn, self.arn, self.account_id):
            with _lock:
                _failed[self.arn] += 1
            return
    _original_send_to_sqs(self, resource_id, event, group_id)


_original_create_mapping = LambdaBackend.create_event_source_mapping


def _create_event_source_mapping(self: LambdaBackend, spec: dict[str, Any]) -> Any:
    mapping = _original_create_mapping(self, spec)
    from moto.sqs.models import sqs_backends

    for queue in sqs_backends[self.account_id][self.region_name].queues.values():
        if queue.queue_arn == mapping.event_source_arn:
            queue.lambda_event_source_mappings.pop(mapping.function_arn, None)
    return mapping


_original_attributes = Queue.attributes


def _attributes(self: Queue) -> dict[str, Any]:
    result = _original_attributes.fget(self)  # type: ignore[attr-defined]
    if self.redrive_policy:
        result["RedrivePolicy"] = json.dumps(self.redrive_policy, separators=(",", ":"))
    return result


def apply() -> None:
    """Install the patches once per process."""
    global _applied
    with _lock:
        if _applied:
            return
        Rule._send_to_sqs_queue = _send_to_sqs_queue  # type: ignore[method-assign]
        LambdaBackend.create_event_source_mapping = _create_event_source_mapping  # type: ignore[method-assign]
        Queue.attributes = property(_attributes)  # type: ignore[method-assign, assignment]
        _applied = True
