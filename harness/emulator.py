"""In-process AWS emulator: moto server + real Lambda execution + SFN interpreter.

Strict by default: the emulator enforces AWS's hard limits and behaviours that moto leaves out
(payload sizes and uncatchable errors in Step Functions, Lambda's sandbox and environment quotas,
S3's conditional requests and ownership rules, IAM, request-rate throttling), so a run AWS would
fail fails here too. :class:`harness.strictness.Strictness` lists every one with the module that
enforces it. Change the request rates with ``Emulator(rates=RequestRates(...))``, ``with
emulator.request_rates(s3_writes_per_second=40):`` or ``BUCKET_SYNC_EMULATOR_RATES``; read what
was limited with :meth:`Emulator.throttle_figures`.

Each limit has a switch, named in :class:`harness.strictness.Strictness`. Turn limits off for a
debugging session with ``BUCKET_SYNC_EMULATOR_LAX=payload_size,failure_cause`` (or ``=all``) in
the environment, per emulator with ``Emulator(strictness=Strictness().relaxed("sse_c"))``, or
around a block with ``with emulator.lax("payload_size"):``. Never turn one off in a committed test
except to show that the switch works.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import multiprocessing
import os
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any

import boto3
from botocore.config import Config
from moto.server import ThreadedMotoServer

from harness import cloudwatch_metrics, iam_enforcement, moto_patches
from harness.cloudwatch_metrics import EmfForwarder
from harness.faults import Crash, Faults, S3Error
from harness.lambda_runtime import LambdaRuntime
from harness.strictness import Strictness, set_current
from harness.throttling import RequestRates, Throttle

__all__ = ["Emulator"]

# moto backends a Terraform apply + SFN execution touch (moto's names).
_PREWARM_BACKENDS = (
    "iam",
    "lambda",
    "stepfunctions",
    "logs",
    "s3",
    "sts",
    "cloudwatch",
    "events",
    "scheduler",
    "sns",
    "kms",
    "dynamodb",
    "sqs",
)

_MOTO_CONFIG = {"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}


def _prewarm_backends() -> None:
    # moto builds each service's account backend lazily on the first request
    # via one shared botocore Session.  Under terraform's parallel first
    # requests we once saw that raise DataNotFoundError("stepfunctions")
    # (not reproducible since); building them up front, single-threaded,
    # takes that path out of request threads.
    from moto.awslambda_simple.models import lambda_simple_backends
    from moto.backends import get_backend
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.stepfunctions.parser.models import stepfunctions_parser_backends

    for name in _PREWARM_BACKENDS:
        get_backend(name)[DEFAULT_ACCOUNT_ID]  # type: ignore[call-overload]
    lambda_simple_backends[DEFAULT_ACCOUNT_ID]
    stepfunctions_parser_backends[DEFAULT_ACCOUNT_ID]


def _bypass_proxies_for_loopback() -> None:
    # boto3, urllib, the SFN interpreter and terraform honour HTTP(S)_PROXY;
    # emulator traffic must never leave the machine.
    hosts = ["127.0.0.1", "localhost"]
    for name in ("NO_PROXY", "no_proxy"):
        current = [h for h in os.environ.get(name, "").split(",") if h]
        os.environ[name] = ",".join(current + [h for h in hosts if h not in current])


def _refuse_inside_lambda_worker() -> None:
    # Lambda workers are spawned: each re-imports the script that drives the harness. Without an
    # `if __name__ == "__main__":` guard that script would start a second emulator in every
    # worker, and the invocation waiting on it would hang until its timeout. Fail at once.
    if multiprocessing.current_process().name.startswith("lambda:"):
        raise RuntimeError(
            "an Emulator was started inside a Lambda worker process: the script that drives the "
            "harness is re-imported by every worker (multiprocessing 'spawn'); put its code under "
            '`if __name__ == "__main__":`'
        )


class Emulator:
    """A moto server on 127.0.0.1 in this process, with our patches applied.

    Step Functions executions really run (moto's ASL interpreter) and Lambda
    invocations run the deployed zip in worker processes, so a state machine
    deployed by Terraform can be executed end to end.  Only one Emulator may
    run per process: moto's backends, config and ``MOTO_PORT`` are global.
    """

    _active: Emulator | None = None

    def __init__(
        self,
        lambda_workers: int = 4,
        port: int | None = None,
        lambda_log_path: str | None = None,
        lambda_extra_env: dict[str, str] | None = None,
        strictness: Strictness | None = None,
        rates: RequestRates | None = None,
    ) -> None:
        """`lambda_extra_env`: variables added to every function's environment (e.g.
        ``AWS_ENDPOINT_URL_S3`` to route the handlers' S3 traffic through a proxy); the
        reserved ones (``AWS_ENDPOINT_URL``, credentials, region, ...) still win.

        `strictness`: which AWS limits to enforce; None means all of them except those named in
        ``BUCKET_SYNC_EMULATOR_LAX`` (see the module docstring).

        `rates`: the request-rate limits; None means the defaults changed by
        ``BUCKET_SYNC_EMULATOR_RATES`` (harness/throttling.py)."""
        self._strictness = strictness if strictness is not None else Strictness.from_env()
        self._throttle = Throttle(rates if rates is not None else RequestRates.from_env())
        self._lambda_workers = lambda_workers
        self._lambda_extra_env = dict(lambda_extra_env or {})
        self.lambda_log_path = lambda_log_path
        self._requested_port = port
        self._server: ThreadedMotoServer | None = None
        self._runtime: LambdaRuntime | None = None
        self._emf: EmfForwarder | None = None
        self._port = 0
        self._saved_moto_port: str | None = None

    # -- lifecycle -----------------------------------------------------------

    def start(self) -> Emulator:
        """Start the server, patch moto and enable SFN execution / local Lambda."""
        if self._server is not None:
            return self
        if Emulator._active is not None:
            raise RuntimeError("another Emulator is already running in this process")
        _refuse_inside_lambda_worker()
        set_current(self._strictness)
        moto_patches.apply()
        cloudwatch_metrics.apply()
        _prewarm_backends()
        _bypass_proxies_for_loopback()
        # verbose=False only silences moto's banner; werkzeug still logs
        # every request, which drowns test output.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        # Port 0 lets the OS pick a free port without a probe/bind race.
        port = self._requested_port or 0
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
        self._server = server
        self._port = server.get_host_and_port()[1]
        # moto's SFN interpreter calls Lambda etc. back over HTTP on MOTO_PORT.
        self._saved_moto_port = os.environ.get("MOTO_PORT")
        os.environ["MOTO_PORT"] = str(self._port)
        self._runtime = LambdaRuntime(self._lambda_workers, self.lambda_log_path, self._lambda_extra_env)
        self._emf = EmfForwarder(self._runtime.emf_spool).start()
        moto_patches.set_lambda_runtime(self._runtime, self.endpoint)
        moto_patches.set_throttle(self._throttle)
        Emulator._active = self
        self._configure()
        iam_enforcement.install_admin()
        iam_enforcement.enforce(self._strictness.iam)
        return self

    def stop(self) -> None:
        """Stop the server and every Lambda worker process."""
        if self._server is None:
            return
        moto_patches.set_lambda_runtime(None)
        moto_patches.set_throttle(None)
        iam_enforcement.enforce(False)
        if self._emf is not None:
            self._emf.stop()
            self._emf = None
        if self._runtime is not None:
            self._runtime.shutdown()
            self._runtime = None
        self._server.stop()
        self._server = None
        Emulator._active = None
        set_current(None)
        if self._saved_moto_port is None:
            os.environ.pop("MOTO_PORT", None)
        else:
            os.environ["MOTO_PORT"] = self._saved_moto_port

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def reset(self) -> None:
        """Drop all emulated resources, recorded child-history counts and throttle state."""
        self._post("/moto-api/reset", {})
        self._configure()
        iam_enforcement.install_admin()
        if self._runtime is not None:
            self._runtime.reset()
        moto_patches.clear_child_history_event_counts()
        self._throttle.reset()

    # -- strictness ----------------------------------------------------------

    @property
    def strictness(self) -> Strictness:
        """The AWS limits this emulator enforces."""
        return self._strictness

    @strictness.setter
    def strictness(self, value: Strictness) -> None:
        # Patches read it per request; Lambda workers get their limits when they start, and a
        # changed limit gives the function a new pool (it is part of the worker's configuration).
        self._strictness = value
        if self._server is not None:
            set_current(value)
            iam_enforcement.enforce(value.iam)

    @contextmanager
    def lax(self, *names: str) -> Iterator[Strictness]:
        """Turn the named limits off inside the block (for debugging, and the switches' tests)."""
        saved = self._strictness
        self.strictness = saved.relaxed(*names)
        try:
            yield self._strictness
        finally:
            self.strictness = saved

    # -- request rates -------------------------------------------------------

    @property
    def rates(self) -> RequestRates:
        """The request-rate limits in force (harness/throttling.py)."""
        return self._throttle.rates

    @contextmanager
    def request_rates(
        self,
        *,
        s3_writes_per_second: float | None = None,
        s3_reads_per_second: float | None = None,
        dynamodb_partition_writes_per_second: float | None = None,
        burst_seconds: float | None = None,
    ) -> Iterator[RequestRates]:
        """Other request-rate limits inside the block; every token bucket starts full when the
        block starts and again when it ends (like fresh buckets and tables)."""
        changes = {
            name: value
            for name, value in (
                ("s3_writes_per_second", s3_writes_per_second),
                ("s3_reads_per_second", s3_reads_per_second),
                ("dynamodb_partition_writes_per_second", dynamodb_partition_writes_per_second),
                ("burst_seconds", burst_seconds),
            )
            if value is not None
        }
        saved = self._throttle.rates
        self._throttle.rates = dataclasses.replace(saved, **changes)
        try:
            yield self._throttle.rates
        finally:
            self._throttle.rates = saved

    def throttle_figures(self) -> dict[str, Any]:
        """Rate-limited requests so far: ``{"s3": {bucket: {"write"|"read": {"requests": n,
        "slowdown": n}}}, "dynamodb": {"requests": n, "throttled": n, "unprocessed_items": n}}``;
        only requests the limits apply to (not the admin keys') are counted, limits on or off."""
        return self._throttle.figures()

    def reset_throttle_figures(self) -> None:
        """Zero the throttle figures (token buckets keep their state)."""
        self._throttle.reset_figures()

    # -- access --------------------------------------------------------------

    def forward_metrics(self) -> None:
        """Put the EMF lines functions printed so far into CloudWatch now, not at the next turn
        of the forwarder (CloudWatch Logs' delay): what a test reads then is complete."""
        self._require_running()
        if self._emf is not None:
            self._emf.forward_once()

    @property
    def port(self) -> int:
        """TCP port of the running server."""
        self._require_running()
        return self._port

    @property
    def endpoint(self) -> str:
        """Base URL every AWS client should use, e.g. ``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    def client(self, service: str, region: str = "us-east-1") -> Any:
        """A boto3 client for ``service`` aimed at the emulator, signing as its admin user."""
        return boto3.client(
            service,
            region_name=region,
            endpoint_url=self.endpoint,
            aws_access_key_id="test",
            aws_secret_access_key="test",
            # read_timeout covers a synchronous Invoke of a 900 s (max) Lambda.
            config=Config(
                s3={"addressing_style": "path"},
                retries={"max_attempts": 2},
                read_timeout=910,
            ),
        )

    def faults(
        self,
        *,
        s3_error_rate: float = 0.0,
        s3_errors: tuple[S3Error, ...] | None = None,
        dynamodb_throttle_rate: float = 0.0,
        seed: int = 0,
        fail_keys: dict[str, S3Error] | None = None,
        fail_keys_bucket: str | None = None,
        crashes: tuple[Crash, ...] | list[Crash] = (),
        before_s3_request: Callable[[str, str | None, str | None, str], None] | None = None,
    ) -> Faults:
        """Fault injection, active inside ``with emulator.faults(...) as faults:`` only.

        S3 requests fail at ``s3_error_rate`` (seeded) or always for ``fail_keys``; DynamoDB
        requests are throttled at ``dynamodb_throttle_rate`` (seeded); Lambda invocations
        matching ``crashes`` die or hang.  See :mod:`harness.faults`.
        """
        self._require_running()
        options: dict[str, Any] = {} if s3_errors is None else {"s3_errors": s3_errors}
        return Faults(
            s3_error_rate=s3_error_rate,
            dynamodb_throttle_rate=dynamodb_throttle_rate,
            seed=seed,
            fail_keys=fail_keys,
            fail_keys_bucket=fail_keys_bucket,
            crashes=crashes,
            before_s3_request=before_s3_request,
            **options,
        )

    def child_history_event_counts(self) -> list[int]:
        """History sizes of Distributed Map child executions run so far."""
        return moto_patches.child_history_event_counts()

    def clear_child_history_event_counts(self) -> None:
        """Forget the child-history counts (e.g. between test cases)."""
        moto_patches.clear_child_history_event_counts()

    # -- internals -----------------------------------------------------------

    def _require_running(self) -> None:
        if self._server is None:
            raise RuntimeError("Emulator is not running; call start() first")

    def _configure(self) -> None:
        # Must happen before any state machine exists: moto picks the
        # executing SFN backend per request from this config.
        self._post("/moto-api/config", _MOTO_CONFIG)

    def _post(self, path: str, body: dict[str, Any]) -> None:
        request = urllib.request.Request(
            self.endpoint + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
