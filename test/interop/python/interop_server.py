"""The interop TestService on Python grpcio (C-core), a peer for h2grpc's interop client.

Usage: /usr/bin/python3 test/interop/python/interop_server.py --port=N [--host=H]
       [--use_tls=true --tls_cert_file=F --tls_key_file=K]
Prints "listening on <port>" once it serves.

grpcio decompresses requests without telling the application whether they were compressed, so
this server cannot check expect_compressed (CompressedRequest): the client_compressed_* cases
are not expressible against it. Response compression (CompressedResponse) is supported.
"""

import os
import signal
import sys
import threading
import time
from concurrent import futures

import grpc

from interop_messages import (
    ECHO_INITIAL_KEY,
    ECHO_TRAILING_KEY,
    TEST_SERVICE,
    default_certs_dir,
    empty_pb2,
    messages_pb2,
    parse_flags,
)

_CODES = {code.value[0]: code for code in grpc.StatusCode}


def _echo_metadata(context):
    """Echo Metadata: initial value back in the headers, trailing value back in the trailers."""
    for key, value in context.invocation_metadata():
        if key == ECHO_INITIAL_KEY:
            context.send_initial_metadata(((ECHO_INITIAL_KEY, value),))
        elif key == ECHO_TRAILING_KEY:
            context.set_trailing_metadata(((ECHO_TRAILING_KEY, value),))


def _abort_with_echo_status(request, context):
    if request.HasField("response_status") and request.response_status.code != 0:
        status = request.response_status
        context.abort(_CODES.get(status.code, grpc.StatusCode.UNKNOWN), status.message)


def _payload(size):
    return messages_pb2.Payload(type=messages_pb2.COMPRESSABLE, body=bytes(size))


def empty_call(request, context):
    _echo_metadata(context)
    return empty_pb2.Empty()


def unary_call(request, context):
    _echo_metadata(context)
    _abort_with_echo_status(request, context)
    if request.response_compressed.value:
        context.set_compression(grpc.Compression.Gzip)
    return messages_pb2.SimpleResponse(payload=_payload(request.response_size))


def cacheable_unary_call(request, context):
    context.send_initial_metadata((("cache-control", "max-age=60"),))
    return messages_pb2.SimpleResponse(payload=messages_pb2.Payload(body=str(time.time_ns()).encode()))


def _responses(request, context):
    """One response per ResponseParameters, observing interval_us and per-message compression."""
    if any(p.compressed.value for p in request.response_parameters):
        context.set_compression(grpc.Compression.Gzip)
    for parameters in request.response_parameters:
        if parameters.interval_us > 0:
            time.sleep(parameters.interval_us / 1e6)
        if not parameters.compressed.value:
            context.disable_next_message_compression()
        yield messages_pb2.StreamingOutputCallResponse(payload=_payload(parameters.size))


def streaming_output_call(request, context):
    _echo_metadata(context)
    _abort_with_echo_status(request, context)
    yield from _responses(request, context)


def streaming_input_call(request_iterator, context):
    _echo_metadata(context)
    total = sum(len(request.payload.body) for request in request_iterator)
    return messages_pb2.StreamingInputCallResponse(aggregated_payload_size=total)


def full_duplex_call(request_iterator, context):
    _echo_metadata(context)
    for request in request_iterator:
        _abort_with_echo_status(request, context)
        yield from _responses(request, context)


def half_duplex_call(request_iterator, context):
    _echo_metadata(context)
    for request in list(request_iterator):
        yield from _responses(request, context)


def _handlers():
    simple = messages_pb2.SimpleRequest
    output = messages_pb2.StreamingOutputCallRequest
    serialize = lambda message: message.SerializeToString()  # noqa: E731
    return {
        "EmptyCall": grpc.unary_unary_rpc_method_handler(empty_call, empty_pb2.Empty.FromString, serialize),
        "UnaryCall": grpc.unary_unary_rpc_method_handler(unary_call, simple.FromString, serialize),
        "CacheableUnaryCall": grpc.unary_unary_rpc_method_handler(cacheable_unary_call, simple.FromString, serialize),
        "StreamingOutputCall": grpc.unary_stream_rpc_method_handler(streaming_output_call, output.FromString, serialize),
        "StreamingInputCall": grpc.stream_unary_rpc_method_handler(
            streaming_input_call, messages_pb2.StreamingInputCallRequest.FromString, serialize
        ),
        "FullDuplexCall": grpc.stream_stream_rpc_method_handler(full_duplex_call, output.FromString, serialize),
        "HalfDuplexCall": grpc.stream_stream_rpc_method_handler(half_duplex_call, output.FromString, serialize),
    }


def main(argv):
    flags = parse_flags(argv)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(TEST_SERVICE, _handlers()),))
    host = flags.get("host", "127.0.0.1")
    address = "%s:%s" % ("[%s]" % host if ":" in host else host, flags.get("port", "0"))
    if flags.get("use_tls") == "true":
        certs = default_certs_dir()
        with open(flags.get("tls_key_file", os.path.join(certs, "server1.key")), "rb") as key_file:
            key = key_file.read()
        with open(flags.get("tls_cert_file", os.path.join(certs, "server1.pem")), "rb") as cert_file:
            cert = cert_file.read()
        port = server.add_secure_port(address, grpc.ssl_server_credentials(((key, cert),)))
    else:
        port = server.add_insecure_port(address)
    if port == 0:
        sys.exit("grpcio interop server: could not bind %s" % address)
    server.start()
    print("listening on %d" % port, flush=True)
    stopped = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopped.set())
    stopped.wait()
    server.stop(0).wait()


if __name__ == "__main__":
    main(sys.argv[1:])
