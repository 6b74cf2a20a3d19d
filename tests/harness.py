"""Starts the real wf_server binary for the Python tests, as an operator would.

Shared by the end-to-end and crash tests: they drive the server the way an
outside system does, through stubs generated from proto/wf/v1/workflow.proto.
"""
import argparse
import os
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


def temp_data_dir(name):
    root = tempfile.mkdtemp(prefix=f"wf_{name}_")
    return os.path.join(root, "data")
