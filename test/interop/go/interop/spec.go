// Package interop holds what h2grpc's grpc-go interop server and client share: the constants of
// grpc/grpc doc/interop-test-descriptions.md, payload helpers, and the wire-compression observer.
// The logic follows grpc-go's own interop/test_utils.go; this code is written for h2grpc.
package interop

import (
	"fmt"

	testpb "h2grpc.test/interop/grpc/testing"
)

// Sizes and metadata of the interop test descriptions.
const (
	LargeRequestBytes  = 271828
	LargeResponseBytes = 314159

	EchoInitialKey   = "x-grpc-test-echo-initial"
	EchoTrailingKey  = "x-grpc-test-echo-trailing-bin"
	EchoInitialValue = "test_initial_metadata_value"
	// EchoTrailingValue is the spec's 0xababab; grpc-go carries "-bin" values as raw bytes in a string.
	EchoTrailingValue = "\xab\xab\xab"

	StatusMessage        = "test status message"
	SpecialStatusMessage = "\t\ntest with whitespace\r\nand Unicode BMP \u263a and non-BMP \U0001f608\t\n"
)

// StreamingRequestSizes are the client_streaming and ping_pong request sizes (sum 74922).
var StreamingRequestSizes = []int{27182, 8, 1828, 45904}

// StreamingResponseSizes are the server_streaming and ping_pong response sizes.
var StreamingResponseSizes = []int{31415, 9, 2653, 58979}

// NewPayload returns a zero-filled COMPRESSABLE payload of size bytes; it returns an error for a
// negative size or another payload type, which the server reports as the call's status.
func NewPayload(payloadType testpb.PayloadType, size int32) (*testpb.Payload, error) {
	if size < 0 {
		return nil, fmt.Errorf("requested a payload of invalid length %d", size)
	}
	if payloadType != testpb.PayloadType_COMPRESSABLE {
		return nil, fmt.Errorf("unsupported payload type %d", payloadType)
	}
	return &testpb.Payload{Type: payloadType, Body: make([]byte, size)}, nil
}

// Zeros returns a COMPRESSABLE payload of size zero bytes, for requests the client builds.
func Zeros(size int) *testpb.Payload {
	return &testpb.Payload{Type: testpb.PayloadType_COMPRESSABLE, Body: make([]byte, size)}
}
