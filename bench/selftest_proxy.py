"""Self-test of bench/proxy.py against a throwaway moto server (needs bench/setup.sh for aws).

    .venv/bin/python bench/selftest_proxy.py

Multipart upload of 20 MiB through aws-cli, streamed download (checked byte for byte), HEAD,
multipart server-side copy (UploadPartCopy), DeleteObject, a raw chunked PUT, and the counts.
"""

from __future__ import annotations

import hashlib
import http.client
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3
from botocore.config import Config
from moto.server import ThreadedMotoServer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.proxy import CountingProxy  # noqa: E402
from bench.s3_operations import classify  # noqa: E402

AWS = Path(__file__).resolve().parent / ".venv" / "bin" / "aws"


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    proxy = CountingProxy(f"http://127.0.0.1:{server.get_host_and_port()[1]}", latency_ms=20).start()
    work = Path(tempfile.mkdtemp(prefix="proxy-selftest-"))
    (work / "config").write_text("[default]\ns3 =\n    addressing_style = path\n")
    env = dict(
        os.environ,
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=str(work / "config"),
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )

    def aws(*args: str) -> None:
        subprocess.run(
            [str(AWS), "--endpoint-url", proxy.url, *args], env=env, check=True, capture_output=True
        )

    try:
        big = os.urandom(20 * 1024 * 1024)
        (work / "big").write_bytes(big)
        aws("s3", "mb", "s3://selftest")
        aws("s3", "cp", str(work / "big"), "s3://selftest/big")
        aws("s3", "cp", "s3://selftest/big", str(work / "down"))
        assert hashlib.md5((work / "down").read_bytes()).digest() == hashlib.md5(big).digest()
        aws("s3api", "head-object", "--bucket", "selftest", "--key", "big")
        aws("s3", "cp", "s3://selftest/big", "s3://selftest/big2")
        aws("s3", "rm", "s3://selftest/big2")

        conn = http.client.HTTPConnection("127.0.0.1", int(proxy.url.rsplit(":", 1)[1]))
        conn.putrequest("PUT", "/selftest/chunked")
        conn.putheader("Transfer-Encoding", "chunked")
        conn.endheaders()
        for part in (b"abc", b"defg"):
            conn.send(f"{len(part):x}\r\n".encode() + part + b"\r\n")
        conn.send(b"0\r\n\r\n")
        response = conn.getresponse()
        response.read()
        assert response.status == 200, response.status
        s3 = boto3.client(
            "s3",
            endpoint_url=proxy.url,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
            config=Config(s3={"addressing_style": "path"}),
        )
        assert s3.get_object(Bucket="selftest", Key="chunked")["Body"].read() == b"abcdefg"
        assert s3.head_object(Bucket="selftest", Key="chunked")["ContentLength"] == 7

        counts = proxy.counts()
        print(counts)
        for op in ("CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload", "GetObject",
                   "HeadObject", "UploadPartCopy", "DeleteObject", "PutObject"):  # fmt: skip
            assert counts.get(op), op
        assert classify("POST", "/b", "delete=") == "DeleteObjects"
        assert classify("PUT", "/b/k", "", {"x-amz-copy-source": "a/k"}) == "CopyObject"
        assert classify("GET", "/b", "list-type=2&prefix=") == "ListObjectsV2"

        proxy.set_profile("aws")  # per operation: a LIST page slower than a HEAD
        started = time.monotonic()
        s3.head_object(Bucket="selftest", Key="chunked")
        head = time.monotonic() - started
        started = time.monotonic()
        s3.list_objects_v2(Bucket="selftest")
        listing = time.monotonic() - started
        assert 0.02 <= head < listing and listing >= 0.15, (head, listing)
        proxy.set_profile("")
        print("proxy self-test OK")
    finally:
        proxy.stop()
        server.stop()


if __name__ == "__main__":
    main()
