package interop

import (
	"context"
	"sync"

	"google.golang.org/grpc/stats"
)

// grpc-go 1.33 does not tell applications whether a received message had its Compressed-Flag
// set (PROTOCOL-HTTP2: "Compressed-Flag 1"), which the compressed interop cases check. Its stats
// API does report, for every received message, the length on the wire (5-byte prefix + the
// possibly compressed bytes) and the uncompressed length: a message was sent uncompressed
// exactly when WireLength == Length + 5, unless gzip happened to produce output of exactly the
// input's size, which never happens for the zero-filled payloads of the interop cases (they
// shrink to a few hundred bytes). A transparently retried attempt reports no stats at all in
// grpc-go 1.33 (stream.go: newAttemptLocked(nil, nil)), so a case whose call was retried sees no
// flags and fails: the retry means a connection failed, which the matrix should hear about.
const messagePrefixBytes = 5

type compressionRecordKey struct{}

// CompressionRecord collects the Compressed-Flag of each message one call received, in order.
type CompressionRecord struct {
	mu    sync.Mutex
	flags []bool
}

// Flags returns the flags seen so far: true for a message that arrived compressed.
func (r *CompressionRecord) Flags() []bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bool(nil), r.flags...)
}

// Flag returns the flag of the index-th received message, and false in ok when there was none.
func (r *CompressionRecord) Flag(index int) (compressed bool, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if index < 0 || index >= len(r.flags) {
		return false, false
	}
	return r.flags[index], true
}

// WithCompressionRecord returns ctx carrying a fresh record, for a client call to inspect later.
func WithCompressionRecord(ctx context.Context) (context.Context, *CompressionRecord) {
	record := &CompressionRecord{}
	return context.WithValue(ctx, compressionRecordKey{}, record), record
}

// CompressionRecordOf returns the record in ctx; the server's handlers find one on every call.
func CompressionRecordOf(ctx context.Context) *CompressionRecord {
	record, _ := ctx.Value(compressionRecordKey{}).(*CompressionRecord)
	return record
}

// WireCompressionObserver is a stats.Handler that fills the CompressionRecord of each call: on a
// server it adds one to every call, on a client it fills the one WithCompressionRecord added.
type WireCompressionObserver struct{}

var _ stats.Handler = WireCompressionObserver{}

// TagRPC adds a CompressionRecord to a call that has none.
func (WireCompressionObserver) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context {
	if CompressionRecordOf(ctx) != nil {
		return ctx
	}
	ctx, _ = WithCompressionRecord(ctx)
	return ctx
}

// HandleRPC records the Compressed-Flag of each received message.
func (WireCompressionObserver) HandleRPC(ctx context.Context, event stats.RPCStats) {
	payload, isPayload := event.(*stats.InPayload)
	record := CompressionRecordOf(ctx)
	if !isPayload || record == nil {
		return
	}
	record.mu.Lock()
	record.flags = append(record.flags, payload.WireLength != payload.Length+messagePrefixBytes)
	record.mu.Unlock()
}

// TagConn leaves the connection context as it is.
func (WireCompressionObserver) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context {
	return ctx
}

// HandleConn ignores connection events.
func (WireCompressionObserver) HandleConn(context.Context, stats.ConnStats) {}
