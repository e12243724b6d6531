package interop

import (
	"context"
	"fmt"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/encoding/gzip"

	testpb "h2grpc.test/interop/grpc/testing"
)

// The compression cases of interop-test-descriptions.md. grpc-go does not tell applications
// whether a response arrived compressed: the server_compressed_* cases read the Compressed-Flag
// through WireCompressionObserver (wire_compression.go).

func clientCompressedUnary(ctx context.Context, test testpb.TestServiceClient) error {
	request := func(expectCompressed bool) *testpb.SimpleRequest {
		request := largeRequest()
		request.ExpectCompressed = &testpb.BoolValue{Value: expectCompressed}
		return request
	}
	// The probe: a server that cannot check compression must say so, not pass silently.
	_, err := test.UnaryCall(ctx, request(true))
	if err := wantStatus(err, codes.InvalidArgument, nil); err != nil {
		return fmt.Errorf("probe (expect_compressed true, sent uncompressed): %v", err)
	}
	if err := checkLargeResponse(test.UnaryCall(ctx, request(true), grpc.UseCompressor(gzip.Name))); err != nil {
		return fmt.Errorf("compressed: %v", err)
	}
	if err := checkLargeResponse(test.UnaryCall(ctx, request(false))); err != nil {
		return fmt.Errorf("uncompressed: %v", err)
	}
	return nil
}

// A grpc-go 1.33 client sends grpc-accept-encoding only together with a compressed request
// (internal/transport/http2_client.go), so the server_compressed_* cases compress their
// requests: that is the only way this client can tell the server it accepts gzip.

func serverCompressedUnary(ctx context.Context, test testpb.TestServiceClient) error {
	for _, compressed := range []bool{true, false} {
		callCtx, record := WithCompressionRecord(ctx)
		request := largeRequest()
		request.ResponseCompressed = &testpb.BoolValue{Value: compressed}
		if err := checkLargeResponse(test.UnaryCall(callCtx, request, grpc.UseCompressor(gzip.Name))); err != nil {
			return fmt.Errorf("response_compressed %v: %v", compressed, err)
		}
		if flags := record.Flags(); len(flags) != 1 || flags[0] != compressed {
			return fmt.Errorf("response_compressed %v: compressed flags on the wire %v", compressed, flags)
		}
	}
	return nil
}

func clientCompressedStreaming(context.Context) error {
	return NotExpressible{"grpc-go compresses all messages of a call or none (grpc.UseCompressor); it has no per-message switch to send the compressed-then-uncompressed stream"}
}

func serverCompressedStreaming(ctx context.Context, test testpb.TestServiceClient) error {
	ctx, record := WithCompressionRecord(ctx)
	request := &testpb.StreamingOutputCallRequest{
		ResponseType: testpb.PayloadType_COMPRESSABLE,
		ResponseParameters: []*testpb.ResponseParameters{
			{Compressed: &testpb.BoolValue{Value: true}, Size: 31415},
			{Compressed: &testpb.BoolValue{Value: false}, Size: 92653},
		},
	}
	stream, err := test.StreamingOutputCall(ctx, request, grpc.UseCompressor(gzip.Name))
	if err != nil {
		return fmt.Errorf("StreamingOutputCall: %v", err)
	}
	sizes, err := receiveAll(stream.Recv)
	if err != nil {
		return fmt.Errorf("Recv: %v", err)
	}
	if !equalSizes(sizes, []int{31415, 92653}) {
		return fmt.Errorf("response sizes %v, want [31415 92653]", sizes)
	}
	if flags := record.Flags(); len(flags) != 2 || !flags[0] || flags[1] {
		return fmt.Errorf("compressed flags on the wire %v, want [true false]", flags)
	}
	return nil
}
