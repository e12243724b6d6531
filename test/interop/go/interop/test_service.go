package interop

import (
	"context"
	"io"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	testpb "h2grpc.test/interop/grpc/testing"
)

// TestService is grpc.testing.TestService as interop-test-descriptions.md specifies it
// ("Server"), following grpc-go's interop/test_utils.go, plus expect_compressed. The server must
// run with WireCompressionObserver as its stats handler.
//
// response_compressed / ResponseParameters.compressed are not honoured: a grpc-go 1.33 server
// compresses its responses exactly when the request was compressed, with the same encoding, and
// has no per-call or per-message switch (grpc.SetSendCompressor arrived in 1.54). The matrix
// marks server_compressed_* against this server n/a.
type TestService struct {
	testpb.UnimplementedTestServiceServer // UnimplementedCall answers UNIMPLEMENTED
}

var _ testpb.TestServiceServer = (*TestService)(nil)

// echoMetadata returns the header and trailer that echo x-grpc-test-echo-initial and
// x-grpc-test-echo-trailing-bin (Echo Metadata); either may be empty.
func echoMetadata(ctx context.Context) (header, trailer metadata.MD) {
	incoming, _ := metadata.FromIncomingContext(ctx)
	header, trailer = metadata.MD{}, metadata.MD{}
	if values := incoming.Get(EchoInitialKey); len(values) > 0 {
		header.Set(EchoInitialKey, values[0])
	}
	if values := incoming.Get(EchoTrailingKey); len(values) > 0 {
		trailer.Set(EchoTrailingKey, values[0])
	}
	return header, trailer
}

// echoedStatus is the error a request's response_status asks for, or nil (Echo Status).
func echoedStatus(requested *testpb.EchoStatus) error {
	if requested == nil || requested.GetCode() == 0 {
		return nil
	}
	return status.Error(codes.Code(requested.GetCode()), requested.GetMessage())
}

// checkCompression returns INVALID_ARGUMENT when the index-th message of the call did not arrive
// as expect_compressed says (CompressedRequest). Like C-core's server, an uncompressed
// expectation is checked too.
func checkCompression(ctx context.Context, expect *testpb.BoolValue, index int) error {
	if expect == nil {
		return nil
	}
	compressed, ok := CompressionRecordOf(ctx).Flag(index)
	if !ok {
		return status.Error(codes.Internal, "the server could not observe whether the request was compressed")
	}
	if expect.GetValue() && !compressed {
		return status.Error(codes.InvalidArgument, "expected a compressed request, got an uncompressed one")
	}
	if !expect.GetValue() && compressed {
		return status.Error(codes.InvalidArgument, "expected an uncompressed request, got a compressed one")
	}
	return nil
}

// EmptyCall answers an empty message.
func (*TestService) EmptyCall(context.Context, *testpb.Empty) (*testpb.Empty, error) {
	return &testpb.Empty{}, nil
}

// UnaryCall answers response_size bytes, after the echo, compression and status checks.
func (*TestService) UnaryCall(ctx context.Context, request *testpb.SimpleRequest) (*testpb.SimpleResponse, error) {
	header, trailer := echoMetadata(ctx)
	if err := grpc.SetHeader(ctx, header); err != nil {
		return nil, err
	}
	if err := grpc.SetTrailer(ctx, trailer); err != nil {
		return nil, err
	}
	if err := checkCompression(ctx, request.GetExpectCompressed(), 0); err != nil {
		return nil, err
	}
	if err := echoedStatus(request.GetResponseStatus()); err != nil {
		return nil, err
	}
	payload, err := NewPayload(request.GetResponseType(), request.GetResponseSize())
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &testpb.SimpleResponse{Payload: payload}, nil
}

// sendResponses sends one response per ResponseParameters, each after its interval_us.
func sendResponses(request *testpb.StreamingOutputCallRequest, send func(*testpb.StreamingOutputCallResponse) error) error {
	for _, parameters := range request.GetResponseParameters() {
		if interval := parameters.GetIntervalUs(); interval > 0 {
			time.Sleep(time.Duration(interval) * time.Microsecond)
		}
		payload, err := NewPayload(request.GetResponseType(), parameters.GetSize())
		if err != nil {
			return status.Error(codes.InvalidArgument, err.Error())
		}
		if err := send(&testpb.StreamingOutputCallResponse{Payload: payload}); err != nil {
			return err
		}
	}
	return nil
}

// StreamingOutputCall answers one response per ResponseParameters.
func (*TestService) StreamingOutputCall(request *testpb.StreamingOutputCallRequest, stream testpb.TestService_StreamingOutputCallServer) error {
	if err := echoedStatus(request.GetResponseStatus()); err != nil {
		return err
	}
	return sendResponses(request, stream.Send)
}

// StreamingInputCall answers the sum of the request payload sizes.
func (*TestService) StreamingInputCall(stream testpb.TestService_StreamingInputCallServer) error {
	sum := 0
	for index := 0; ; index++ {
		request, err := stream.Recv()
		if err == io.EOF {
			return stream.SendAndClose(&testpb.StreamingInputCallResponse{AggregatedPayloadSize: int32(sum)})
		}
		if err != nil {
			return err
		}
		if err := checkCompression(stream.Context(), request.GetExpectCompressed(), index); err != nil {
			return err
		}
		sum += len(request.GetPayload().GetBody())
	}
}

// FullDuplexCall answers each request as it arrives, after the echo and status checks.
func (*TestService) FullDuplexCall(stream testpb.TestService_FullDuplexCallServer) error {
	header, trailer := echoMetadata(stream.Context())
	if err := stream.SetHeader(header); err != nil {
		return err
	}
	stream.SetTrailer(trailer)
	for {
		request, err := stream.Recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := echoedStatus(request.GetResponseStatus()); err != nil {
			return err
		}
		if err := sendResponses(request, stream.Send); err != nil {
			return err
		}
	}
}

// HalfDuplexCall buffers every request until the client half-closes, then answers them in order.
func (*TestService) HalfDuplexCall(stream testpb.TestService_HalfDuplexCallServer) error {
	var buffered []*testpb.StreamingOutputCallRequest
	for {
		request, err := stream.Recv()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		buffered = append(buffered, request)
	}
	for _, request := range buffered {
		if err := sendResponses(request, stream.Send); err != nil {
			return err
		}
	}
	return nil
}
