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
GOCODE="${GOCODE:-/usr/share/gocode}"
PACKAGES_HINT="the Debian packages it needs: apt-get install -y golang-go golang-google-grpc-dev golang-github-golang-protobuf-1-3-dev protobuf-compiler"

fail() {
  echo "build.sh: $*" >&2
  exit 1
}

command -v go >/dev/null || fail "go is not installed; $PACKAGES_HINT"
command -v protoc >/dev/null || fail "protoc is not installed; $PACKAGES_HINT"
for package in google.golang.org/grpc github.com/golang/protobuf/protoc-gen-go golang.org/x/net/http2; do
  [[ -d "$GOCODE/src/$package" ]] || fail "the Go sources of $package are missing under $GOCODE/src; $PACKAGES_HINT"
done
# golang-protobuf 1.3's protoc-gen-go has the grpc plugin (--go_out=plugins=grpc); 1.4 and later do not.
[[ -f "$GOCODE/src/github.com/golang/protobuf/protoc-gen-go/grpc/grpc.go" ]] ||
  fail "protoc-gen-go under $GOCODE/src has no grpc plugin (golang-protobuf 1.3 is not installed); $PACKAGES_HINT"
for proto in empty messages test; do
  [[ -f "$ROOT/protos/grpc/testing/$proto.proto" ]] || fail "protos/grpc/testing/$proto.proto is missing"
done
if [[ "$CHECK_ONLY" == true ]]; then exit 0; fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/h2grpc-interop-go.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
GOPATH_DIR="$WORK/gopath"
PROJECT="$GOPATH_DIR/src/h2grpc.test/interop"
mkdir -p "$PROJECT/go" "$OUT_DIR"

export GO111MODULE=off GOFLAGS= GOPROXY=off GOPATH="$GOPATH_DIR:$GOCODE"
# Go 1.19 needs a C compiler for cgo, which apt-get --no-install-recommends leaves out; without
# one, build pure Go (it then recompiles part of the standard library once: ~10 s more, cold).
if [[ -z "${CGO_ENABLED:-}" ]] && ! command -v "$(go env CC)" >/dev/null; then
  export CGO_ENABLED=0
fi
# Keep Go's build cache between runs (grpc-go takes ~15 s to compile cold); without a HOME,
# Go has no default for it, so it goes beside the binaries.
if [[ -z "${GOCACHE:-}" && -z "${XDG_CACHE_HOME:-}" && -z "${HOME:-}" ]]; then
  export GOCACHE="$OUT_DIR/.gocache"
fi

go build -o "$WORK/protoc-gen-go" github.com/golang/protobuf/protoc-gen-go
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
