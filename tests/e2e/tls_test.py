"""TLS and mutual TLS with the real server: certificates made with openssl
for the test, a client that trusts the CA, and one that presents its own
certificate when the server requires it."""
import json
import os
import subprocess
import shutil
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import harness  # noqa: E402

ARGS, REST = harness.parse_args()

import grpc  # noqa: E402
from wf.v1 import workflow_pb2 as pb  # noqa: E402
from wf.v1 import workflow_pb2_grpc as rpc  # noqa: E402


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_certificates(folder):
    """A CA, a server certificate for 127.0.0.1 and a client certificate."""
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=wf test CA", "-keyout", "ca.key", "-out", "ca.pem",
            cwd=folder)
    for name, extra in [("server", "subjectAltName=IP:127.0.0.1"),
                        ("client", "extendedKeyUsage=clientAuth")]:
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={name}",
                "-keyout", f"{name}.key", "-out", f"{name}.csr", cwd=folder)
        with open(os.path.join(folder, f"{name}.ext"), "w") as f:
            f.write(extra + "\n")
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem",
                "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
                "-extfile", f"{name}.ext", "-out", f"{name}.pem", cwd=folder)


WFCTL = os.path.join(os.path.dirname(__file__), "..", "..", "admin", "wfctl")


def read(folder, name):
    with open(os.path.join(folder, name), "rb") as f:
        return f.read()


class Tls(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.certs = tempfile.mkdtemp(prefix="wf_tls_")
        make_certificates(cls.certs)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.certs, ignore_errors=True)

    def serve(self, mutual):
        flags = [f"--tls_cert={self.certs}/server.pem",
                 f"--tls_key={self.certs}/server.key"]
        if mutual:
            flags.append(f"--tls_client_ca={self.certs}/ca.pem")
        server = harness.ServerProcess(ARGS.server, harness.temp_data_dir("tls"),
                                       extra_flags=flags)
        server.start()
        self.addCleanup(server.stop)
        return server

    def whoami(self, server, credentials):
        channel = harness.authed_channel(server.address, server.admin_token(),
                                         credentials=credentials)
        with channel:
            return rpc.WorkflowServiceStub(channel).WhoAmI(
                pb.WhoAmIRequest(), timeout=5)

    def test_tls(self):
        server = self.serve(mutual=False)
        self.assertIn("(TLS)", server.log())
        trusted = grpc.ssl_channel_credentials(root_certificates=read(self.certs, "ca.pem"))
        self.assertTrue(self.whoami(server, trusted).admin)
        with self.assertRaises(grpc.RpcError) as raised:
            with grpc.insecure_channel(server.address) as plain:
                rpc.WorkflowServiceStub(plain).WhoAmI(pb.WhoAmIRequest(), timeout=5)
        self.assertEqual(raised.exception.code(), grpc.StatusCode.UNAVAILABLE)

    def test_mutual_tls_requires_a_client_certificate(self):
        server = self.serve(mutual=True)
        self.assertIn("(mutual TLS)", server.log())
        ca = read(self.certs, "ca.pem")
        with self.assertRaises(grpc.RpcError) as raised:
            self.whoami(server, grpc.ssl_channel_credentials(root_certificates=ca))
        self.assertEqual(raised.exception.code(), grpc.StatusCode.UNAVAILABLE)
        # The server logs the failed handshake with its reason (gRPC 1.51
        # does not give it the peer's address).
        deadline = time.time() + 5
        while "TLS handshake failed" not in server.log() and time.time() < deadline:
            time.sleep(0.05)
        failed = [json.loads(l) for l in server.log().splitlines()
                  if "TLS handshake failed" in l]
        self.assertTrue(failed, server.log())
        self.assertEqual({f["level"] for f in failed}, {"ERROR"})
        self.assertTrue(any("peer did not return a certificate" in f["message"]
                            for f in failed), failed)
        # Any client can cause the line: at most ten a minute are written.
        for _ in range(12):
            with self.assertRaises(grpc.RpcError):
                self.whoami(server, grpc.ssl_channel_credentials(root_certificates=ca))
        time.sleep(0.5)
        failed = [l for l in server.log().splitlines() if "TLS handshake failed" in l]
        self.assertLessEqual(len(failed), 10, failed)
        with_cert = grpc.ssl_channel_credentials(
            root_certificates=ca, private_key=read(self.certs, "client.key"),
            certificate_chain=read(self.certs, "client.pem"))
        self.assertTrue(self.whoami(server, with_cert).admin)

    def wfctl(self, server, *tls):
        return subprocess.run(
            [sys.executable, WFCTL, "--server", server.address, "--stubs", ARGS.stubs,
             "--token", server.admin_token(), *tls, "whoami", "--json"],
            capture_output=True, text=True, encoding="utf-8", timeout=60)

    def test_wfctl_presents_a_client_certificate(self):
        server = self.serve(mutual=True)
        ca = ["--tls-ca", f"{self.certs}/ca.pem"]
        mine = ["--tls-cert", f"{self.certs}/client.pem",
                "--tls-key", f"{self.certs}/client.key"]
        result = self.wfctl(server, *ca, *mine)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertTrue(json.loads(result.stdout)["admin"])
        refused = self.wfctl(server, *ca)  # no client certificate: no connection
        self.assertEqual(refused.returncode, 3)
        self.assertIn("không kết nối được máy chủ", refused.stderr)
        self.assertIn("UNAVAILABLE", refused.stderr)
        half = self.wfctl(server, *ca, "--tls-cert", f"{self.certs}/client.pem")
        self.assertEqual(half.returncode, 2)  # a usage error
        self.assertIn("cần cả --tls-cert và --tls-key", half.stderr)

    def test_a_key_that_does_not_match_its_certificate_is_named_at_start(self):
        openssl("genrsa", "-out", "other.key", "2048", cwd=self.certs)
        server = harness.ServerProcess(
            ARGS.server, harness.temp_data_dir("tls_mismatch"),
            extra_flags=[f"--tls_cert={self.certs}/server.pem",
                         f"--tls_key={self.certs}/other.key"])
        with self.assertRaises(RuntimeError) as raised:
            server.start()
        self.addCleanup(server.stop)
        message = str(raised.exception)
        self.assertIn("other.key' to match the certificate", message)
        self.assertNotIn("port taken", message)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + REST, verbosity=2)
