"""The interop client on Python grpcio (C-core), a peer for h2grpc's interop server.

Usage: /usr/bin/python3 test/interop/python/interop_client.py --server_host=H --server_port=N
       --test_case=NAME|a,b|all [--use_tls=true --use_test_ca=true --ca_file=F
       --server_host_override=NAME]
Prints one line per case (PASS / FAIL / N/A, as the TypeScript clients do) and exits 1 if any failed.
"""

import os
import queue
import sys
import threading
import time

import grpc

from interop_messages import (
    ECHO_INITIAL_KEY,
    ECHO_TRAILING_KEY,
    TEST_SERVICE,
    UNIMPLEMENTED_SERVICE,
    default_certs_dir,
    empty_pb2,
    messages_pb2,
    parse_flags,
)

TEST_CASES = [
    "empty_unary", "large_unary", "client_streaming", "server_streaming", "ping_pong", "empty_stream",
    "timeout_on_sleeping_server", "cancel_after_begin", "cancel_after_first_response", "custom_metadata",
    "status_code_and_message", "special_status_message", "unimplemented_method", "unimplemented_service",
    "client_compressed_unary", "server_compressed_unary", "client_compressed_streaming",
    "server_compressed_streaming",
]
TIMEOUT_S = 15
SPECIAL_STATUS_MESSAGE = "\t\ntest with whitespace\r\nand Unicode BMP \u263a and non-BMP \U0001f608\t\n"
INITIAL_VALUE = "test_initial_metadata_value"
TRAILING_VALUE = b"\xab\xab\xab"


class NotExpressible(Exception):
    """The case needs something grpcio's API does not offer; reported as N/A, never as a pass."""


class Pipe:
    """A request iterator fed one message at a time, for ping-pong style streaming."""

    def __init__(self):
        self._queue = queue.Queue()

    def __iter__(self):
        return self

    def __next__(self):
        item = self._queue.get()
        if item is None:
            raise StopIteration()
        return item

    def add(self, request):
        self._queue.put(request)

    def close(self):
        self._queue.put(None)


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def expect_failure(action, code, details=None):
    try:
        action()
    except grpc.RpcError as error:
        check(error.code() == code, "want status %s, got %s: %s" % (code.name, error.code().name, error.details()))
        if details is not None:
            check(error.details() == details, "want details %r, got %r" % (details, error.details()))
        return
    raise AssertionError("want status %s, but the call succeeded" % code.name)


class Cases:
    def __init__(self, channel):
        def method(kind, name, request, response, service=TEST_SERVICE):
            return getattr(channel, kind)(
                "/%s/%s" % (service, name),
                request_serializer=request.SerializeToString,
                response_deserializer=response.FromString,
            )

        m = messages_pb2
        self.empty = method("unary_unary", "EmptyCall", empty_pb2.Empty, empty_pb2.Empty)
        self.unary = method("unary_unary", "UnaryCall", m.SimpleRequest, m.SimpleResponse)
        self.output = method("unary_stream", "StreamingOutputCall", m.StreamingOutputCallRequest, m.StreamingOutputCallResponse)
        self.input = method("stream_unary", "StreamingInputCall", m.StreamingInputCallRequest, m.StreamingInputCallResponse)
        self.duplex = method("stream_stream", "FullDuplexCall", m.StreamingOutputCallRequest, m.StreamingOutputCallResponse)
        self.unimplemented = method("unary_unary", "UnimplementedCall", empty_pb2.Empty, empty_pb2.Empty)
        self.unimplemented_elsewhere = method(
            "unary_unary", "UnimplementedCall", empty_pb2.Empty, empty_pb2.Empty, service=UNIMPLEMENTED_SERVICE
        )

    @staticmethod
    def _large_request(**fields):
        return messages_pb2.SimpleRequest(
            response_size=314159, payload=messages_pb2.Payload(body=bytes(271828)), **fields
        )

    def empty_unary(self):
        check(isinstance(self.empty(empty_pb2.Empty(), timeout=TIMEOUT_S), empty_pb2.Empty), "no response")

    def large_unary(self):
        response = self.unary(self._large_request(), timeout=TIMEOUT_S)
        check(len(response.payload.body) == 314159, "response body is %d bytes" % len(response.payload.body))

    def client_streaming(self):
        requests = (messages_pb2.StreamingInputCallRequest(payload=messages_pb2.Payload(body=bytes(size)))
                    for size in (27182, 8, 1828, 45904))
        response = self.input(requests, timeout=TIMEOUT_S)
        check(response.aggregated_payload_size == 74922, "aggregated_payload_size is %d" % response.aggregated_payload_size)

    def server_streaming(self):
        request = messages_pb2.StreamingOutputCallRequest(
            response_parameters=[messages_pb2.ResponseParameters(size=size) for size in (31415, 9, 2653, 58979)]
        )
        sizes = [len(r.payload.body) for r in self.output(request, timeout=TIMEOUT_S)]
        check(sizes == [31415, 9, 2653, 58979], "response sizes %s" % sizes)

    def ping_pong(self):
        pipe = Pipe()
        responses = self.duplex(pipe, timeout=TIMEOUT_S)
        try:
            for request_size, response_size in ((27182, 31415), (8, 9), (1828, 2653), (45904, 58979)):
                pipe.add(messages_pb2.StreamingOutputCallRequest(
                    response_parameters=[messages_pb2.ResponseParameters(size=response_size)],
                    payload=messages_pb2.Payload(body=bytes(request_size)),
                ))
                size = len(next(responses).payload.body)
                check(size == response_size, "response is %d bytes, want %d" % (size, response_size))
        finally:
            pipe.close()
        check(next(responses, None) is None, "a response after the last one")

    def empty_stream(self):
        check(list(self.duplex(iter(()), timeout=TIMEOUT_S)) == [], "responses on an empty stream")

    def timeout_on_sleeping_server(self):
        pipe = Pipe()
        responses = self.duplex(pipe, timeout=0.001)
        pipe.add(messages_pb2.StreamingOutputCallRequest(payload=messages_pb2.Payload(body=bytes(27182))))
        try:
            expect_failure(lambda: next(responses), grpc.StatusCode.DEADLINE_EXCEEDED)
        finally:
            pipe.close()

    def cancel_after_begin(self):
        pipe = Pipe()
        future = self.input.future(pipe, timeout=TIMEOUT_S)
        future.cancel()
        check(future.cancelled(), "future not cancelled")
        check(future.code() is grpc.StatusCode.CANCELLED, "status %s" % future.code())
        pipe.close()

    def cancel_after_first_response(self):
        pipe = Pipe()
        responses = self.duplex(pipe, timeout=TIMEOUT_S)
        pipe.add(messages_pb2.StreamingOutputCallRequest(
            response_parameters=[messages_pb2.ResponseParameters(size=31415)],
            payload=messages_pb2.Payload(body=bytes(27182)),
        ))
        check(len(next(responses).payload.body) == 31415, "first response has the wrong size")
        responses.cancel()
        try:
            expect_failure(lambda: next(responses), grpc.StatusCode.CANCELLED)
        finally:
            pipe.close()

    def custom_metadata(self):
        metadata = ((ECHO_INITIAL_KEY, INITIAL_VALUE), (ECHO_TRAILING_KEY, TRAILING_VALUE))

        def check_echo(initial, trailing):
            check((ECHO_INITIAL_KEY, INITIAL_VALUE) in [tuple(m) for m in initial], "initial echo missing: %s" % (initial,))
            check((ECHO_TRAILING_KEY, TRAILING_VALUE) in [tuple(m) for m in trailing], "trailing echo missing: %s" % (trailing,))

        response, call = self.unary.with_call(self._large_request(), metadata=metadata, timeout=TIMEOUT_S)
        check(len(response.payload.body) == 314159, "unary response has the wrong size")
        check_echo(call.initial_metadata(), call.trailing_metadata())

        request = messages_pb2.StreamingOutputCallRequest(
            response_parameters=[messages_pb2.ResponseParameters(size=314159)],
            payload=messages_pb2.Payload(body=bytes(271828)),
        )
        responses = self.duplex(iter((request,)), metadata=metadata, timeout=TIMEOUT_S)
        sizes = [len(r.payload.body) for r in responses]
        check(sizes == [314159], "full duplex response sizes %s" % sizes)
        check_echo(responses.initial_metadata(), responses.trailing_metadata())

    def status_code_and_message(self):
        status = messages_pb2.EchoStatus(code=2, message="test status message")
        expect_failure(lambda: self.unary(messages_pb2.SimpleRequest(response_status=status), timeout=TIMEOUT_S),
                       grpc.StatusCode.UNKNOWN, "test status message")
        request = messages_pb2.StreamingOutputCallRequest(response_status=status)
        expect_failure(lambda: list(self.duplex(iter((request,)), timeout=TIMEOUT_S)),
                       grpc.StatusCode.UNKNOWN, "test status message")

    def special_status_message(self):
        status = messages_pb2.EchoStatus(code=2, message=SPECIAL_STATUS_MESSAGE)
        expect_failure(lambda: self.unary(messages_pb2.SimpleRequest(response_status=status), timeout=TIMEOUT_S),
                       grpc.StatusCode.UNKNOWN, SPECIAL_STATUS_MESSAGE)

    def unimplemented_method(self):
        expect_failure(lambda: self.unimplemented(empty_pb2.Empty(), timeout=TIMEOUT_S), grpc.StatusCode.UNIMPLEMENTED)

    def unimplemented_service(self):
        expect_failure(lambda: self.unimplemented_elsewhere(empty_pb2.Empty(), timeout=TIMEOUT_S),
                       grpc.StatusCode.UNIMPLEMENTED)

    def client_compressed_unary(self):
        def request(expect):
            return self._large_request(expect_compressed=messages_pb2.BoolValue(value=expect))

        expect_failure(lambda: self.unary(request(True), timeout=TIMEOUT_S), grpc.StatusCode.INVALID_ARGUMENT)
        for expect, compression in ((True, grpc.Compression.Gzip), (False, grpc.Compression.NoCompression)):
            response = self.unary(request(expect), compression=compression, timeout=TIMEOUT_S)
            check(len(response.payload.body) == 314159, "response has the wrong size")

    def server_compressed_unary(self):
        raise NotExpressible("grpcio does not tell the application whether a received message was compressed")

    def client_compressed_streaming(self):
        raise NotExpressible("grpcio cannot send one message of a compressed request stream uncompressed")

    def server_compressed_streaming(self):
        raise NotExpressible("grpcio does not tell the application whether a received message was compressed")


def main(argv):
    flags = parse_flags(argv)
    host = flags.get("server_host", "localhost")
    address = "%s:%s" % ("[%s]" % host if ":" in host else host, flags.get("server_port", "8080"))
    if flags.get("use_tls") == "true":
        root = None
        if flags.get("use_test_ca") == "true":
            with open(flags.get("ca_file", os.path.join(default_certs_dir(), "ca.pem")), "rb") as ca_file:
                root = ca_file.read()
        options = []
        if "server_host_override" in flags:
            options.append(("grpc.ssl_target_name_override", flags["server_host_override"]))
        channel = grpc.secure_channel(address, grpc.ssl_channel_credentials(root_certificates=root), options)
    else:
        channel = grpc.insecure_channel(address)
    selected = flags.get("test_case", "all")
    names = TEST_CASES if selected == "all" else selected.split(",")
    cases = Cases(channel)
    failed = 0
    for name in names:
        started = time.monotonic()
        if name not in TEST_CASES:
            print("FAIL %s 0ms: unknown test case" % name, flush=True)
            failed += 1
            continue
        try:
            getattr(cases, name)()
            print("PASS %s %dms" % (name, (time.monotonic() - started) * 1000), flush=True)
        except NotExpressible as reason:
            print("N/A %s: %s" % (name, reason), flush=True)
        except Exception as error:  # noqa: BLE001 - every failure is reported, one line per case
            failed += 1
            reason = " ".join(("%s: %s" % (type(error).__name__, error)).split())
            print("FAIL %s %dms: %s" % (name, (time.monotonic() - started) * 1000, reason), flush=True)
    channel.close()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main(sys.argv[1:])
