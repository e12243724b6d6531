# Sourced by build.sh and build-tutorial.sh: checks for Debian's Go toolchain and sources, then
# sets up a temporary GOPATH to build in offline (GOPATH mode, no module download, GOPROXY=off).
#
# Before sourcing, set ROOT (the repository), OUT_DIR (where binaries go) and PACKAGES_HINT (the
# apt-get line to print when something is missing). Afterwards WORK is a temporary directory,
# removed on exit, GOPATH_DIR its GOPATH, and build_protoc_gen_go builds golang/protobuf 1.3's
# protoc-gen-go (which still has plugins=grpc) into "$WORK/protoc-gen-go". GOCODE overrides
# where the Go sources are (/usr/share/gocode). With CHECK_ONLY=true it exits 0 after the checks
# (build.sh --check: how the tests learn whether the grpc-go toolchain is usable).

GOCODE="${GOCODE:-/usr/share/gocode}"

fail() {
  echo "${0##*/}: $*" >&2
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
if [[ "${CHECK_ONLY:-false}" == true ]]; then exit 0; fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/h2grpc-go.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
GOPATH_DIR="$WORK/gopath"
mkdir -p "$GOPATH_DIR/src" "$OUT_DIR"

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

build_protoc_gen_go() {
  go build -o "$WORK/protoc-gen-go" github.com/golang/protobuf/protoc-gen-go
}
