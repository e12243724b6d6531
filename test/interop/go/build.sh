#!/usr/bin/env bash
# Builds the grpc-go interop peer (server and client) offline from Debian's Go sources.
#
# Usage: test/interop/go/build.sh [OUT_DIR]      (default: dist/interop-go; prints the binaries' paths)
#        test/interop/go/build.sh --check        (only checks the toolchain: exit 0, or 1 with the reason)
#
# Needs the Debian packages golang-go, golang-google-grpc-dev (grpc-go 1.33),
# golang-github-golang-protobuf-1-3-dev (protoc-gen-go with plugins=grpc: golang-google-grpc-dev
# accepts the 1.5 package instead, whose protoc-gen-go has no grpc plugin) and protobuf-compiler;
# installs nothing itself and fails with a clear message when any is missing. Everything is built in GOPATH mode
# in a temporary GOPATH (no module download, GOPROXY=off): protoc-gen-go from source, the Go
# messages generated from protos/grpc/testing/*.proto, then the two programs. Nothing generated
# is written into the source tree. GOCODE overrides where the Go sources are (/usr/share/gocode).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
CHECK_ONLY=false
if [[ "${1:-}" == "--check" ]]; then CHECK_ONLY=true; shift; fi
OUT_DIR="${1:-$ROOT/dist/interop-go}"
PACKAGES_HINT="the Debian packages it needs: apt-get install -y golang-go golang-google-grpc-dev golang-github-golang-protobuf-1-3-dev protobuf-compiler"
# shellcheck source=offline-go.sh
source "$HERE/offline-go.sh"
for proto in empty messages test; do
  [[ -f "$ROOT/protos/grpc/testing/$proto.proto" ]] || fail "protos/grpc/testing/$proto.proto is missing"
done
PROJECT="$GOPATH_DIR/src/h2grpc.test/interop"
mkdir -p "$PROJECT/go"

build_protoc_gen_go
# All three files are package grpc.testing, so protoc-gen-go writes one Go package,
# h2grpc.test/interop/grpc/testing (package grpc_testing), with the TestService stubs.
protoc --plugin=protoc-gen-go="$WORK/protoc-gen-go" -I "$ROOT/protos" \
  --go_out=plugins=grpc:"$PROJECT" \
  grpc/testing/empty.proto grpc/testing/messages.proto grpc/testing/test.proto

cp -R "$HERE/interop" "$HERE/server" "$HERE/client" "$PROJECT/go/"
go build -o "$OUT_DIR/server" h2grpc.test/interop/go/server
go build -o "$OUT_DIR/client" h2grpc.test/interop/go/client
echo "$OUT_DIR/server"
echo "$OUT_DIR/client"
