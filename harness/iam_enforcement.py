"""IAM enforcement in the emulator: the handlers call AWS as the module's Lambda role.

moto authorizes a request against IAM policies once ``settings.INITIAL_NO_AUTH_ACTION_COUNT``
requests have been made (infinite by default, i.e. never). With this mode on (strictness switch
``iam``), the emulator sets it to 0, so every request must be signed with a key moto's IAM knows
and the caller's identity policies must allow the action:

* The harness, the tests and Terraform keep signing with ``test``/``test``, and moto's Step
  Functions interpreter (which calls Lambda and S3 back over HTTP) signs with the ``ak``/``sk``
  it has hard-coded: both keys belong to one IAM user, ``emulator-admin``, allowed everything.
* Each Lambda invocation gets temporary credentials from sts:AssumeRole of the function's role
  (harness/moto_patches.py), so the handlers call S3, DynamoDB and Step Functions exactly as the
  module's Lambda role, and what ``iam.tf`` does not allow is refused.

What moto checks: the action against Action/NotAction, Allow/Deny, of the caller's inline and
attached policies. Resources: S3 requests carry the bucket (and key) ARN; for DynamoDB and Step
Functions moto passes ``*``, which no scoped statement matches, so :func:`apply` adds the table,
state machine or execution ARN the request names (moto does so itself for STS and IAM only).
:func:`apply` also makes S3 requests need what AWS needs: HeadBucket s3:ListBucket (moto says
s3:HeadBucket), DeleteObjects s3:DeleteObject on each key (moto: on the bucket), CopyObject and
UploadPartCopy s3:GetObject on the source as well (moto: s3:PutObject on the destination only).
Refusals are logged (logger ``harness.iam``) with principal, action and resource.
What is not checked: conditions, session policies, permissions boundaries, resource policies
(bucket policies, Lambda permissions), the KMS keys S3 uses for the caller, the s3:GetObject S3
also wants for a DeleteObjects with ETags, and the state machine's role (moto's interpreter
calls Lambda and reads S3 as the admin user).
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any
from urllib.parse import unquote, urlparse

import xmltodict
from moto import settings
from moto.core import DEFAULT_ACCOUNT_ID
from moto.core.authorization import ActionAuthenticatorMixin
from moto.dynamodb.responses import DynamoHandler
from moto.iam.access_control import IAMRequestBase
from moto.iam.models import iam_backends
from moto.s3.responses import S3Response
from moto.stepfunctions.responses import StepFunctionResponse
from moto.sts.models import sts_backends

__all__ = [
    "ADMIN_USER",
    "INTERPRETER_KEY",
    "TEST_KEY",
    "apply",
    "enforce",
    "enforcing",
    "install_admin",
    "role_credentials",
]

ADMIN_USER = "emulator-admin"
# (access key id, secret): what emulator clients and Terraform sign with, and what moto's SFN
# interpreter signs with (moto/stepfunctions/parser/asl/utils/boto_client.py).
TEST_KEY = ("test", "test")
INTERPRETER_KEY = ("ak", "sk")
_ADMIN_POLICY = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)

_lock = threading.Lock()
# role ARN -> (access key id, secret, session token), valid until the next reset.
_credentials: dict[str, tuple[str, str, str]] = {}
_applied = False


def install_admin(account_id: str = DEFAULT_ACCOUNT_ID) -> None:
    """Create the admin user and its two fixed keys (again after a reset; idempotent)."""
    backend = iam_backends[account_id]["aws"]
    with _lock:
        _credentials.clear()  # a reset dropped the assumed roles too
        if ADMIN_USER in backend.users:
            return
        backend.create_user(region_name="us-east-1", user_name=ADMIN_USER)
        backend.put_user_policy(ADMIN_USER, "everything", _ADMIN_POLICY)
        for key_id, secret in (TEST_KEY, INTERPRETER_KEY):
            key = backend.create_access_key(ADMIN_USER)
            del backend.access_keys[key.access_key_id]
            key.access_key_id, key.secret_access_key = key_id, secret
            backend.access_keys[key_id] = key


def enforce(on: bool) -> None:
    """Turn moto's authorization of every request on or off (process-wide)."""
    settings.INITIAL_NO_AUTH_ACTION_COUNT = 0 if on else float("inf")
    ActionAuthenticatorMixin.request_count = 0


def enforcing() -> bool:
    """Whether moto authorizes requests right now."""
    return ActionAuthenticatorMixin.request_count >= settings.INITIAL_NO_AUTH_ACTION_COUNT


def role_credentials(role_arn: str, region: str) -> tuple[str, str, str]:
    """Temporary credentials of ``role_arn`` (sts:AssumeRole in the backend, cached per role)."""
    with _lock:
        cached = _credentials.get(role_arn)
        if cached is not None:
            return cached
        account_id = role_arn.split(":")[4] or DEFAULT_ACCOUNT_ID
        assumed = sts_backends[account_id]["aws"].assume_role(
            region_name=region,
            role_session_name="emulator-lambda",
            role_arn=role_arn,
            policy="",
            duration=43200,
            external_id="",
        )
        cached = (assumed.access_key_id, assumed.secret_access_key, assumed.session_token)
        _credentials[role_arn] = cached
        return cached


# --- resources of DynamoDB and Step Functions requests ----------------------------------------


def _dynamodb_resources(self: DynamoHandler) -> list[str]:
    params = getattr(self, "params", None) or {}
    names = [params["TableName"]] if params.get("TableName") else list(params.get("RequestItems") or {})
    prefix = f"arn:aws:dynamodb:{self.region}:{self.current_account}:table/"
    return [name if name.startswith("arn:") else prefix + name for name in names] or ["*"]


# TransactWriteItems is no IAM action of its own: AWS authorizes each of its items as the
# action it stands for ("Using IAM with DynamoDB transactions"); moto would check the name of
# the whole request instead, which no policy of ours grants.
_TRANSACT_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
}


def _authorize_dynamodb(self: DynamoHandler, resource: str = "*") -> None:
    params = getattr(self, "params", None) or {}
    items = params.get("TransactItems") or []
    if not items:
        for each in _dynamodb_resources(self):
            ActionAuthenticatorMixin._authenticate_and_authorize_normal_action(self, each)
        return
    prefix = f"arn:aws:dynamodb:{self.region}:{self.current_account}:table/"
    for item in items:
        ((kind, body),) = item.items()
        table = body["TableName"]
        # One check per item, as the action it stands for (an instance attribute shadows the method).
        self._get_action = lambda action=_TRANSACT_ACTIONS[kind]: action  # type: ignore[method-assign]
        try:
            arn = table if table.startswith("arn:") else prefix + table
            ActionAuthenticatorMixin._authenticate_and_authorize_normal_action(self, arn)
        finally:
            del self._get_action


def _sfn_resources(self: StepFunctionResponse) -> list[str]:
    for name in ("executionArn", "stateMachineArn", "mapRunArn"):
        value = self._get_param(name)
        if value:
            return [value]
    return ["*"]


def _authorize_each(resources: Any) -> Any:
    def authorize(self: Any, resource: str = "*") -> None:
        # One check per resource the request names, as AWS does (BatchWriteItem: every table).
        for each in resources(self):
            ActionAuthenticatorMixin._authenticate_and_authorize_normal_action(self, each)

    return authorize


# --- S3 actions as IAM names them ------------------------------------------------------------

# moto's name for a request -> the IAM action AWS authorizes it as.
_S3_IAM_ACTIONS = {"HeadBucket": "ListBucket"}

_original_authorize_s3 = S3Response._authenticate_and_authorize_s3_action


def _authorize_s3(self: S3Response, bucket_name: str | None = None, key_name: str | None = None) -> None:
    action = self.data.get("Action")
    if action in _S3_IAM_ACTIONS:
        self.data["Action"] = _S3_IAM_ACTIONS[action]
    if action == "DeleteObject" and key_name is None and bucket_name and self.is_delete_keys():
        # DeleteObjects: s3:DeleteObject on every key, not on the bucket (moto checks the
        # bucket ARN, which a policy scoped to bucket/* never allows). One refused key refuses
        # them all (moto then reports AccessDenied for each), where S3 would refuse just it.
        for key in _delete_keys(self.body):
            _original_authorize_s3(self, bucket_name=bucket_name, key_name=key)
        return
    _original_authorize_s3(self, bucket_name=bucket_name, key_name=key_name)
    copy_source = self.headers.get("x-amz-copy-source")
    if key_name and copy_source and self.method == "PUT":
        # CopyObject and UploadPartCopy also read the source: s3:GetObject on it.
        if isinstance(copy_source, bytes):
            copy_source = copy_source.decode()
        source_bucket, _, source_key = unquote(urlparse(copy_source).path).lstrip("/").partition("/")
        self.data["Action"] = "GetObject"
        try:
            _original_authorize_s3(self, bucket_name=source_bucket, key_name=source_key)
        finally:
            self.data["Action"] = action


def _delete_keys(body: Any) -> list[str]:
    objects = (xmltodict.parse(body, strip_whitespace=False).get("Delete") or {}).get("Object") or []
    return [obj["Key"] for obj in (objects if isinstance(objects, list) else [objects])]


# --- signatures of requests without a body ---------------------------------------------------

_original_create_aws_request = IAMRequestBase._create_aws_request


def _create_aws_request(self: IAMRequestBase) -> Any:
    # moto re-signs the request to check its signature with `data=body or parsed parameters`:
    # a GET without a body (Lambda GetFunction) then hashes the parameters as a payload and never
    # matches what the client signed, an empty payload. (A form POST needs the parameters.)
    if self._method not in ("GET", "HEAD", "DELETE") or self._body:
        return _original_create_aws_request(self)
    saved = self._data
    self._data = {}  # type: ignore[assignment]
    try:
        return _original_create_aws_request(self)
    finally:
        self._data = saved


# --- say what was refused --------------------------------------------------------------------

_log = logging.getLogger("harness.iam")
_original_check_action_permitted = IAMRequestBase.check_action_permitted


def _check_action_permitted(self: IAMRequestBase, resource: str) -> None:
    # The handler sees only "AccessDenied"; the test log says who was refused what, on what.
    try:
        _original_check_action_permitted(self, resource)
    except Exception:
        _log.warning("IAM refused %s %s on %s", self._access_key.arn, self._action, resource)
        raise


def apply() -> None:
    """Teach moto the resource of the DynamoDB and Step Functions requests the handlers make,
    and check the signature of a request without a body against an empty payload."""
    global _applied
    with _lock:
        if _applied:
            return
        DynamoHandler._authenticate_and_authorize_normal_action = _authorize_dynamodb  # type: ignore[method-assign]
        StepFunctionResponse._authenticate_and_authorize_normal_action = _authorize_each(_sfn_resources)  # type: ignore[method-assign]
        IAMRequestBase._create_aws_request = _create_aws_request  # type: ignore[method-assign]
        IAMRequestBase.check_action_permitted = _check_action_permitted  # type: ignore[method-assign]
        S3Response._authenticate_and_authorize_s3_action = _authorize_s3  # type: ignore[method-assign]
        _applied = True
