package interop

import (
	"context"
	"fmt"

	"github.com/golang/protobuf/proto"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	testpb "h2grpc.test/interop/grpc/testing"
)

// TestCases lists the cases the client implements, in the order --test_case=all runs them.
var TestCases = []string{
	"empty_unary", "large_unary", "client_streaming", "server_streaming", "ping_pong", "empty_stream",
	"timeout_on_sleeping_server", "cancel_after_begin", "cancel_after_first_response", "custom_metadata",
	"status_code_and_message", "special_status_message", "unimplemented_method", "unimplemented_service",
	"client_compressed_unary", "server_compressed_unary", "client_compressed_streaming",
	"server_compressed_streaming",
}

// NotExpressible is the error of a case grpc-go 1.33 cannot express: reported N/A, never a pass.
type NotExpressible struct{ Reason string }

func (e NotExpressible) Error() string { return e.Reason }

// Cases returns every case of TestCases, run over conn. Each returns nil when the case passed and
// an error naming what differed otherwise. The server_compressed_* cases need conn dialed with
// WireCompressionObserver as its stats handler.
func Cases(conn *grpc.ClientConn) map[string]func(context.Context) error {
	test := testpb.NewTestServiceClient(conn)
	unimplemented := testpb.NewUnimplementedServiceClient(conn)
	return map[string]func(context.Context) error{
		"empty_unary":                 func(ctx context.Context) error { return emptyUnary(ctx, test) },
		"large_unary":                 func(ctx context.Context) error { return largeUnary(ctx, test) },
		"client_streaming":            func(ctx context.Context) error { return clientStreaming(ctx, test) },
		"server_streaming":            func(ctx context.Context) error { return serverStreaming(ctx, test) },
		"ping_pong":                   func(ctx context.Context) error { return pingPong(ctx, test) },
		"empty_stream":                func(ctx context.Context) error { return emptyStream(ctx, test) },
		"timeout_on_sleeping_server":  func(ctx context.Context) error { return timeoutOnSleepingServer(ctx, test) },
		"cancel_after_begin":          func(ctx context.Context) error { return cancelAfterBegin(ctx, test) },
		"cancel_after_first_response": func(ctx context.Context) error { return cancelAfterFirstResponse(ctx, test) },
		"custom_metadata":             func(ctx context.Context) error { return customMetadata(ctx, test) },
		"status_code_and_message":     func(ctx context.Context) error { return statusCodeAndMessage(ctx, test) },
		"special_status_message":      func(ctx context.Context) error { return specialStatusMessage(ctx, test) },
		"unimplemented_method": func(ctx context.Context) error {
			_, err := test.UnimplementedCall(ctx, &testpb.Empty{})
			return wantStatus(err, codes.Unimplemented, nil)
		},
		"unimplemented_service": func(ctx context.Context) error {
			_, err := unimplemented.UnimplementedCall(ctx, &testpb.Empty{})
			return wantStatus(err, codes.Unimplemented, nil)
		},
		"client_compressed_unary":     func(ctx context.Context) error { return clientCompressedUnary(ctx, test) },
		"server_compressed_unary":     func(ctx context.Context) error { return serverCompressedUnary(ctx, test) },
		"client_compressed_streaming": clientCompressedStreaming,
		"server_compressed_streaming": func(ctx context.Context) error { return serverCompressedStreaming(ctx, test) },
	}
}

// wantStatus checks that err carries code, and message when it is not nil.
func wantStatus(err error, code codes.Code, message *string) error {
	if err == nil {
		return fmt.Errorf("want status %v, but the call succeeded", code)
	}
	got := status.Convert(err)
	if got.Code() != code {
		return fmt.Errorf("want status %v, got %v: %q", code, got.Code(), got.Message())
	}
	if message != nil && got.Message() != *message {
		return fmt.Errorf("want status message %q, got %q", *message, got.Message())
	}
	return nil
}

func bodyLength(payload *testpb.Payload) int {
	if payload == nil {
		return -1
	}
	return len(payload.GetBody())
}

func largeRequest() *testpb.SimpleRequest {
	return &testpb.SimpleRequest{
		ResponseType: testpb.PayloadType_COMPRESSABLE,
		ResponseSize: LargeResponseBytes,
		Payload:      Zeros(LargeRequestBytes),
	}
}

func checkLargeResponse(response *testpb.SimpleResponse, err error) error {
	if err != nil {
		return fmt.Errorf("UnaryCall: %v", err)
	}
	if response.GetPayload().GetType() != testpb.PayloadType_COMPRESSABLE || bodyLength(response.GetPayload()) != LargeResponseBytes {
		return fmt.Errorf("response payload is %v of %d bytes, want COMPRESSABLE of %d", response.GetPayload().GetType(), bodyLength(response.GetPayload()), LargeResponseBytes)
	}
	return nil
}

func emptyUnary(ctx context.Context, test testpb.TestServiceClient) error {
	response, err := test.EmptyCall(ctx, &testpb.Empty{})
	if err != nil {
		return fmt.Errorf("EmptyCall: %v", err)
	}
	if !proto.Equal(response, &testpb.Empty{}) {
		return fmt.Errorf("EmptyCall answered %v, want an empty message", response)
	}
	return nil
}

func largeUnary(ctx context.Context, test testpb.TestServiceClient) error {
	return checkLargeResponse(test.UnaryCall(ctx, largeRequest()))
}

func checkEcho(header, trailer metadata.MD) error {
	if got := header.Get(EchoInitialKey); len(got) != 1 || got[0] != EchoInitialValue {
		return fmt.Errorf("%s in the response headers is %q, want [%q]", EchoInitialKey, got, EchoInitialValue)
	}
	if got := trailer.Get(EchoTrailingKey); len(got) != 1 || got[0] != EchoTrailingValue {
		return fmt.Errorf("%s in the trailers is %q, want [%q]", EchoTrailingKey, got, EchoTrailingValue)
	}
	return nil
}

func customMetadata(ctx context.Context, test testpb.TestServiceClient) error {
	ctx = metadata.AppendToOutgoingContext(ctx, EchoInitialKey, EchoInitialValue, EchoTrailingKey, EchoTrailingValue)
	var header, trailer metadata.MD
	if err := checkLargeResponse(test.UnaryCall(ctx, largeRequest(), grpc.Header(&header), grpc.Trailer(&trailer))); err != nil {
		return err
	}
	if err := checkEcho(header, trailer); err != nil {
		return fmt.Errorf("UnaryCall: %v", err)
	}

	stream, err := test.FullDuplexCall(ctx)
	if err != nil {
		return fmt.Errorf("FullDuplexCall: %v", err)
	}
	request := &testpb.StreamingOutputCallRequest{
		ResponseType:       testpb.PayloadType_COMPRESSABLE,
		ResponseParameters: []*testpb.ResponseParameters{{Size: LargeResponseBytes}},
		Payload:            Zeros(LargeRequestBytes),
	}
	if err := stream.Send(request); err != nil {
		return fmt.Errorf("Send: %v", err)
	}
	if err := stream.CloseSend(); err != nil {
		return fmt.Errorf("CloseSend: %v", err)
	}
	streamHeader, err := stream.Header()
	if err != nil {
		return fmt.Errorf("Header: %v", err)
	}
	sizes, err := receiveAll(stream.Recv)
	if err != nil {
		return fmt.Errorf("Recv: %v", err)
	}
	if !equalSizes(sizes, []int{LargeResponseBytes}) {
		return fmt.Errorf("FullDuplexCall response sizes %v, want [%d]", sizes, LargeResponseBytes)
	}
	if err := checkEcho(streamHeader, stream.Trailer()); err != nil {
		return fmt.Errorf("FullDuplexCall: %v", err)
	}
	return nil
}

func statusCodeAndMessage(ctx context.Context, test testpb.TestServiceClient) error {
	message := StatusMessage
	echo := &testpb.EchoStatus{Code: int32(codes.Unknown), Message: message}
	_, err := test.UnaryCall(ctx, &testpb.SimpleRequest{ResponseStatus: echo})
	if err := wantStatus(err, codes.Unknown, &message); err != nil {
		return fmt.Errorf("UnaryCall: %v", err)
	}
	stream, err := test.FullDuplexCall(ctx)
	if err != nil {
		return fmt.Errorf("FullDuplexCall: %v", err)
	}
	if err := stream.Send(&testpb.StreamingOutputCallRequest{ResponseStatus: echo}); err != nil {
		return fmt.Errorf("Send: %v", err)
	}
	if err := stream.CloseSend(); err != nil {
		return fmt.Errorf("CloseSend: %v", err)
	}
	_, err = receiveAll(stream.Recv)
	if err := wantStatus(err, codes.Unknown, &message); err != nil {
		return fmt.Errorf("FullDuplexCall: %v", err)
	}
	return nil
}

func specialStatusMessage(ctx context.Context, test testpb.TestServiceClient) error {
	message := SpecialStatusMessage
	echo := &testpb.EchoStatus{Code: int32(codes.Unknown), Message: message}
	_, err := test.UnaryCall(ctx, &testpb.SimpleRequest{ResponseStatus: echo})
	return wantStatus(err, codes.Unknown, &message)
}
