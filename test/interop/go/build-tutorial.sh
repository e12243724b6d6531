#!/usr/bin/env bash
# Builds the tutorial's programs in Go (a server and a client, test/interop/go/tutorial/) offline
# from Debian's Go sources, with Go stubs generated from protos/tutorial/ as the tutorial does:
# `protoc --go_out=plugins=grpc`, one Go package per .proto file.
#
# Usage: test/interop/go/build-tutorial.sh [OUT_DIR]   (default: dist/tutorial-go; prints the binaries' paths)
#
# Needs the Debian packages golang-go, golang-google-grpc-dev (grpc-go 1.33),
# golang-github-golang-protobuf-1-3-dev (protoc-gen-go with plugins=grpc) and protobuf-compiler;
# installs nothing itself and fails with a clear message when any is missing. Nothing generated
# is written into the source tree.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
OUT_DIR="${1:-$ROOT/dist/tutorial-go}"
PACKAGES_HINT="the Debian packages it needs: apt-get install -y golang-go golang-google-grpc-dev golang-github-golang-protobuf-1-3-dev protobuf-compiler"
# shellcheck source=offline-go.sh
source "$HERE/offline-go.sh"
# The lessons with Go programs; hello.proto (the overview of the four kinds) has none.
PROTOS=(test server_stream client_stream both_stream)
for proto in "${PROTOS[@]}"; do
  [[ -f "$ROOT/protos/tutorial/$proto.proto" ]] || fail "protos/tutorial/$proto.proto is missing"
done
PROJECT="$GOPATH_DIR/src/h2grpc.test/tutorial"
mkdir -p "$PROJECT/pb" "$WORK/protos"

build_protoc_gen_go
for proto in "${PROTOS[@]}"; do
  # The tutorial's files say `option go_package = "./";`. Newer protoc-gen-go (the tutorial's) names
  # the Go package itself; golang/protobuf 1.3's takes the name after the last "/", an empty one
  # here, and fails. So the copy it reads names the package after the file; nothing else changes
  # (the option is not sent on the wire, and the gRPC paths come from the proto package).
  sed 's|^option go_package = "\./";$|option go_package = "./;'"$proto"'";|' "$ROOT/protos/tutorial/$proto.proto" >"$WORK/protos/$proto.proto"
  grep -q "^option go_package = \"./;$proto\";$" "$WORK/protos/$proto.proto" || fail "protos/tutorial/$proto.proto no longer says option go_package = \"./\";"
  # One protoc run per file, as the tutorial generates each lesson on its own: server_stream,
  # client_stream and both_stream each declare my_lib.StreamRequest, so protoc rejects them together.
  mkdir -p "$PROJECT/pb/$proto"
  protoc --plugin=protoc-gen-go="$WORK/protoc-gen-go" -I "$WORK/protos" --go_out=plugins=grpc:"$PROJECT/pb/$proto" "$proto.proto"
done

cp -R "$HERE/tutorial/server" "$HERE/tutorial/client" "$PROJECT/"
go build -o "$OUT_DIR/server" h2grpc.test/tutorial/server
go build -o "$OUT_DIR/client" h2grpc.test/tutorial/client
echo "$OUT_DIR/server"
echo "$OUT_DIR/client"
