"""Starts the real wf_server binary for the Python tests, as an operator would.

Shared by the end-to-end and crash tests: they drive the server the way an
outside system does, through stubs generated from proto/wf/v1/workflow.proto.
"""
import argparse
import atexit
import collections
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time


def parse_args(extra=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True, help="path to wf_server")
    parser.add_argument("--stubs", required=True, help="generated Python stubs")
    parser.add_argument("--testdata", required=True, help="tests/testdata")
    if extra:
        extra(parser)
    args, rest = parser.parse_known_args()
    sys.path.insert(0, args.stubs)
    return args, rest


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """One wf_server process on a fixed port and data folder; restartable."""

    def __init__(self, binary, data_dir, port=None, workflows_dir=None,
                 extra_flags=()):
        self.binary = binary
        self.data_dir = data_dir
        self.port = port or free_port()
        self.workflows_dir = workflows_dir
        self.extra_flags = list(extra_flags)
        self.proc = None
        self.log_path = os.path.join(data_dir + ".logs", "server.log")
        os.makedirs(os.path.dirname(self.log_path), exist_ok=True)

    @property
    def address(self):
        return f"127.0.0.1:{self.port}"

    def start(self, timeout=30):
        port_file = os.path.join(os.path.dirname(self.log_path), "port")
        if os.path.exists(port_file):
            os.remove(port_file)
        flags = [f"--listen=127.0.0.1:{self.port}", f"--data_dir={self.data_dir}",
                 f"--port_file={port_file}"] + self.extra_flags
        if self.workflows_dir:
            flags.append(f"--workflows_dir={self.workflows_dir}")
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([self.binary] + flags, stdout=log,
                                     stderr=subprocess.STDOUT)
        log.close()  # the server has its own descriptor
        deadline = time.time() + timeout
        while not os.path.exists(port_file):
            if self.proc.poll() is not None:
                raise RuntimeError(f"wf_server exited with {self.proc.returncode}:\n"
                                   + self.log())
            if time.time() > deadline:
                raise RuntimeError("wf_server did not start:\n" + self.log())
            time.sleep(0.02)

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self, timeout=30):
        """SIGTERM, as an operator's service manager would; returns the exit code."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else 0
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=timeout)

    def log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def admin_token(self):
        """The first administrator token, which the server wrote at start."""
        with open(os.path.join(self.data_dir, "admin.token")) as f:
            return f.read().strip()


def temp_data_dir(name):
    """A data folder inside a new temporary folder, which is removed when
    the test process exits (a suite run made a hundred of them each time):
    set WF_KEEP_TEST_DATA=1 to keep them for a look."""
    root = tempfile.mkdtemp(prefix=f"wf_{name}_")
    if not os.environ.get("WF_KEEP_TEST_DATA"):
        atexit.register(shutil.rmtree, root, True)
    return os.path.join(root, "data")


class _Details(collections.namedtuple(
        "_Details", ("method", "timeout", "metadata", "credentials",
                     "wait_for_ready", "compression"))):
    pass


def authed_channel(address, token, credentials=None):
    """A channel whose every call carries `authorization: Bearer <token>`."""
    import grpc

    class Bearer(grpc.UnaryUnaryClientInterceptor,
                 grpc.UnaryStreamClientInterceptor,
                 grpc.StreamUnaryClientInterceptor,
                 grpc.StreamStreamClientInterceptor):
        def _add(self, d):
            metadata = list(d.metadata or []) + [("authorization", f"Bearer {token}")]
            return _Details(d.method, d.timeout, metadata, d.credentials,
                            d.wait_for_ready, d.compression)

        def intercept_unary_unary(self, continuation, d, request):
            return continuation(self._add(d), request)

        def intercept_unary_stream(self, continuation, d, request):
            return continuation(self._add(d), request)

        def intercept_stream_unary(self, continuation, d, requests):
            return continuation(self._add(d), requests)

        def intercept_stream_stream(self, continuation, d, requests):
            return continuation(self._add(d), requests)

    if credentials is None:
        channel = grpc.insecure_channel(address)
    else:
        channel = grpc.secure_channel(address, credentials)
    return grpc.intercept_channel(channel, Bearer())


def struct(values):
    """A dict as a google.protobuf.Struct: variables and payloads travel so.
    Python ints become doubles on the wire (exact up to 2**53 - 1)."""
    from google.protobuf import struct_pb2
    message = struct_pb2.Struct()
    message.update(values)
    return message


def values(message):
    """A Struct or Value as plain Python. Numbers travel as doubles: whole
    ones come back as int, as the engine keeps them."""
    from google.protobuf import json_format
    return whole_numbers(json_format.MessageToDict(message))


def whole_numbers(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [whole_numbers(v) for v in value]
    if isinstance(value, dict):
        return {k: whole_numbers(v) for k, v in value.items()}
    return value


def date(year, month, day):
    """A google.type.Date (a calendar day)."""
    from google.type import date_pb2
    return date_pb2.Date(year=year, month=month, day=day)


def provinces_dir(testdata):
    """The official commune lists in ../shared beside the repository."""
    return os.path.normpath(os.path.join(testdata, "..", "..", "..", "shared",
                                         "domain", "provinces"))


def setup_org(address, admin_token, testdata):
    """Imports the test org directory (tests/testdata/org/README.md)."""
    from wf.v1 import workflow_pb2 as pb
    from wf.v1 import workflow_pb2_grpc as rpc

    def read(path):
        with open(path, encoding="utf-8") as f:
            return f.read()

    admin = rpc.AdminServiceStub(authed_channel(address, admin_token))
    org = os.path.join(testdata, "org")
    admin.ImportDirectory(pb.ImportDirectoryRequest(
        source="bac_ninh_xa", format="communes",
        csv=read(os.path.join(provinces_dir(testdata), "bac_ninh_2025.csv")),
        province_id="bac_ninh", province_name="Bắc Ninh",
        valid_from=date(2025, 7, 1)))
    admin.ImportDirectory(pb.ImportDirectoryRequest(
        source="bac_ninh_co_quan", format="units",
        csv=read(os.path.join(org, "bac_ninh_co_quan.csv"))))
    admin.ImportDirectory(pb.ImportDirectoryRequest(
        source="nguoi_dung", format="people",
        csv=read(os.path.join(org, "nguoi_dung.csv"))))


def issue_tokens(address, admin_token, people):
    """A token for each person: {person: token}."""
    from wf.v1 import workflow_pb2 as pb
    from wf.v1 import workflow_pb2_grpc as rpc
    admin = rpc.AdminServiceStub(authed_channel(address, admin_token))
    return {p: admin.IssueToken(pb.IssueTokenRequest(person=p, note="test")).token
            for p in people}


def run_scenario(text, args, timeout=300):
    """Runs a scenario (docs/scenarios.md) written as `text` with
    admin/scenario.py on a server of its own; the finished process."""
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
    folder = tempfile.mkdtemp(prefix="wf_scenario_")
    path = os.path.join(folder, "thu.toml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    try:
        return subprocess.run(
            ["/usr/bin/python3", os.path.join(root, "admin", "scenario.py"),
             "--server", args.server, "--stubs", args.stubs, path],
            capture_output=True, text=True, timeout=timeout)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
