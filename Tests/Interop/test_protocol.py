"""Speaks the DomainFlow protocol from Python, using only Protos/*.proto (compiled by
Debian's protoc with Google's protobuf runtime) and Protos/README.md.

Usage: DOMAINFLOW_SOCKET=/path/to.sock PYTHONPATH=<protoc --python_out dir> python3 test_protocol.py
"""
import os
import socket
import struct
import unittest

from domainflow.v1 import envelope_pb2 as env
from domainflow.v1 import server_pb2 as srv
from domainflow.v1 import users_pb2 as usr

SOCKET = os.environ["DOMAINFLOW_SOCKET"]
PROTOCOL_VERSION = 1


class Connection:
    """One connection: 4-byte big-endian length prefix + one protobuf message per frame."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(10)
        self.sock.connect(SOCKET)
        self.pending = b""

    def close(self):
        self.sock.close()

    def send_raw(self, data: bytes):
        self.sock.sendall(data)

    def send(self, frame: env.ClientFrame):
        body = frame.SerializeToString()
        self.send_raw(struct.pack(">I", len(body)) + body)

    def _read_exact(self, n):
        while len(self.pending) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                return None
            self.pending += chunk
        data, self.pending = self.pending[:n], self.pending[n:]
        return data

    def receive(self):
        """The next ServerFrame, or None at EOF."""
        header = self._read_exact(4)
        if header is None:
            return None
        (length,) = struct.unpack(">I", header)
        body = self._read_exact(length)
        frame = env.ServerFrame()
        frame.ParseFromString(body)
        return frame

    def hello(self):
        self.send(env.ClientFrame(hello=env.Hello(protocol_version=PROTOCOL_VERSION, client_name="python-interop")))
        reply = self.receive()
        assert reply.WhichOneof("kind") == "hello_reply", reply
        return reply.hello_reply


class ProtocolTest(unittest.TestCase):
    def setUp(self):
        self.conn = Connection()

    def tearDown(self):
        self.conn.close()

    def test_hello_reports_version_and_limits(self):
        reply = self.conn.hello()
        self.assertEqual(reply.protocol_version, PROTOCOL_VERSION)
        self.assertEqual(reply.limits.max_frame_bytes, 4 * 1024 * 1024)
        self.assertTrue(reply.server_version)

    def test_ping_echoes_payload_then_ok(self):
        self.conn.hello()
        self.conn.send(env.ClientFrame(request=env.Request(call_id=1, ping=srv.PingRequest(payload=b"\x00hello\xff"))))
        response = self.conn.receive()
        self.assertEqual(response.WhichOneof("kind"), "response")
        self.assertEqual(response.response.call_id, 1)
        self.assertEqual(response.response.WhichOneof("method"), "ping")
        self.assertEqual(response.response.ping.payload, b"\x00hello\xff")
        status = self.conn.receive()
        self.assertEqual(status.WhichOneof("kind"), "status")
        self.assertEqual((status.status.call_id, status.status.code), (1, env.OK))

    def test_a_client_gone_while_its_reply_is_written_leaves_the_server_serving(self):
        # The server writes a 3 MiB reply into a socket whose reader has closed: it must get EPIPE, not a SIGPIPE
        # that ends the process (this test runs the server binary, in a process of its own).
        for _ in range(3):
            gone = Connection()
            gone.hello()
            gone.send(env.ClientFrame(request=env.Request(call_id=1, ping=srv.PingRequest(payload=b"x" * (3 << 20)))))
            gone.close()
        self.conn.hello()
        self.conn.send(env.ClientFrame(request=env.Request(call_id=2, ping=srv.PingRequest(payload=b"still here"))))
        response = self.conn.receive()
        self.assertIsNotNone(response, "the server closed: it did not survive the vanished clients")
        self.assertEqual(response.response.ping.payload, b"still here")

    def test_stream_reads_messages_then_status(self):
        self.conn.hello()
        self.conn.send(env.ClientFrame(request=env.Request(
            call_id=7, watch_server_stats=srv.WatchServerStatsRequest(interval_millis=1, count=3))))
        sequences = []
        while True:
            frame = self.conn.receive()
            if frame.WhichOneof("kind") == "status":
                self.assertEqual(frame.status.call_id, 7)
                self.assertEqual(frame.status.code, env.OK)
                break
            sequences.append(frame.response.watch_server_stats.sequence)
        self.assertEqual(sequences, [1, 2, 3])

    def test_cancel_ends_stream_with_cancelled(self):
        self.conn.hello()
        self.conn.send(env.ClientFrame(request=env.Request(
            call_id=3, watch_server_stats=srv.WatchServerStatsRequest(interval_millis=10))))
        first = self.conn.receive()
        self.assertEqual(first.response.call_id, 3)
        self.conn.send(env.ClientFrame(cancel=env.Cancel(call_id=3)))
        while True:
            frame = self.conn.receive()
            if frame.WhichOneof("kind") == "status":
                self.assertEqual(frame.status.call_id, 3)
                self.assertEqual(frame.status.code, env.CANCELLED)
                break

    def test_interleaved_calls_are_matched_by_call_id(self):
        self.conn.hello()
        for call_id in (10, 11, 12):
            self.conn.send(env.ClientFrame(request=env.Request(
                call_id=call_id, ping=srv.PingRequest(payload=str(call_id).encode()))))
        ended = {}
        while len(ended) < 3:
            frame = self.conn.receive()
            if frame.WhichOneof("kind") == "response":
                self.assertEqual(frame.response.ping.payload, str(frame.response.call_id).encode())
            else:
                ended[frame.status.call_id] = frame.status.code
        self.assertEqual(ended, {10: env.OK, 11: env.OK, 12: env.OK})

    def test_deadline_exceeded(self):
        self.conn.hello()
        self.conn.send(env.ClientFrame(request=env.Request(
            call_id=5, timeout_millis=100, watch_server_stats=srv.WatchServerStatsRequest(interval_millis=1000, count=5))))
        while True:
            frame = self.conn.receive()
            if frame.WhichOneof("kind") == "status":
                self.assertEqual(frame.status.code, env.DEADLINE_EXCEEDED)
                break

    def test_oversized_frame_is_refused_and_connection_closed(self):
        self.conn.hello()
        self.conn.send_raw(struct.pack(">I", 64 * 1024 * 1024))
        frame = self.conn.receive()
        self.assertEqual(frame.WhichOneof("kind"), "status")
        self.assertEqual(frame.status.call_id, 0)
        self.assertEqual(frame.status.code, env.RESOURCE_EXHAUSTED)
        self.assertIsNone(self.conn.receive())

    def test_login_then_token_authenticates(self):
        self.conn.hello()
        self.conn.send(env.ClientFrame(request=env.Request(
            call_id=1, login=usr.LoginRequest(login="admin", password=os.environ["DOMAINFLOW_ADMIN_PASSWORD"]))))
        reply = self.conn.receive()
        self.assertEqual(reply.response.WhichOneof("method"), "login")
        token = reply.response.login.token
        self.assertEqual(len(token), 64)
        self.assertTrue(reply.response.login.user.must_change_password)
        self.assertEqual(self.conn.receive().status.code, env.OK)
        # A new connection (no peer-trust shortcut needed): the token alone identifies the user.
        self.conn.send(env.ClientFrame(request=env.Request(call_id=2, auth_token=token, who_am_i=usr.WhoAmIRequest())))
        reply = self.conn.receive()
        self.assertEqual(reply.response.who_am_i.user.username, "admin")
        self.assertFalse(reply.response.who_am_i.via_peer_credentials)

    def test_wrong_password_is_unauthenticated(self):
        self.conn.hello()
        self.conn.send(env.ClientFrame(request=env.Request(
            call_id=1, login=usr.LoginRequest(login="admin", password="wrong password here"))))
        frame = self.conn.receive()
        self.assertEqual((frame.status.call_id, frame.status.code), (1, env.UNAUTHENTICATED))

    def test_unknown_method_is_unimplemented(self):
        self.conn.hello()
        # Request{call_id: 2, field 250: {}}: a method this client invents.
        request = bytes([0x08, 0x02, 0xD2, 0x0F, 0x00])
        body = bytes([0x12, len(request)]) + request
        self.conn.send_raw(struct.pack(">I", len(body)) + body)
        frame = self.conn.receive()
        self.assertEqual((frame.status.call_id, frame.status.code), (2, env.UNIMPLEMENTED))


if __name__ == "__main__":
    unittest.main(verbosity=2)
