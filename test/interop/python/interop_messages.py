"""The grpc.testing messages for the Python (grpcio, C-core) interop peers.

They are generated at run time with protoc into a temporary directory, never committed. Only
empty.proto and messages.proto are compiled (the services are reached through grpcio's generic
API), and they are compiled from inside protos/grpc/testing so the generated modules are
top-level (messages_pb2) rather than grpc.testing.messages_pb2, which would clash with the
grpc package itself.
"""

import atexit
import importlib
import os
import shutil
import subprocess
import sys
import tempfile

_PROTOS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "protos", "grpc", "testing")


def _generate():
    out = tempfile.mkdtemp(prefix="h2grpc-interop-py-")
    atexit.register(shutil.rmtree, out, True)
    subprocess.run(
        ["protoc", "-I", _PROTOS, "--python_out", out, "empty.proto", "messages.proto"],
        check=True,
    )
    sys.path.insert(0, out)
    return importlib.import_module("empty_pb2"), importlib.import_module("messages_pb2")


empty_pb2, messages_pb2 = _generate()

TEST_SERVICE = "grpc.testing.TestService"
UNIMPLEMENTED_SERVICE = "grpc.testing.UnimplementedService"

ECHO_INITIAL_KEY = "x-grpc-test-echo-initial"
ECHO_TRAILING_KEY = "x-grpc-test-echo-trailing-bin"


def parse_flags(argv):
    """Parses --name=value flags (a bare --name means "true"); raises ValueError otherwise."""
    flags = {}
    for arg in argv:
        if not arg.startswith("--"):
            raise ValueError('unexpected argument "%s": flags look like --name=value' % arg)
        name, _, value = arg[2:].partition("=")
        flags[name.replace("-", "_")] = value if "=" in arg else "true"
    return flags


def default_certs_dir():
    """Where the TypeScript programs generate the interop test certificates (interop-certs.ts)."""
    return os.path.join(tempfile.gettempdir(), "h2grpc-interop-certs")
