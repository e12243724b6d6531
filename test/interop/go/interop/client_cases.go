package interop

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/golang/protobuf/proto"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/encoding/gzip"
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

func clientStreaming(ctx context.Context, test testpb.TestServiceClient) error {
	stream, err := test.StreamingInputCall(ctx)
	if err != nil {
		return fmt.Errorf("StreamingInputCall: %v", err)
	}
	sum := 0
	for _, size := range StreamingRequestSizes {
		if err := stream.Send(&testpb.StreamingInputCallRequest{Payload: Zeros(size)}); err != nil {
			return fmt.Errorf("Send: %v", err)
		}
		sum += size
	}
	response, err := stream.CloseAndRecv()
	if err != nil {
		return fmt.Errorf("CloseAndRecv: %v", err)
	}
	if int(response.GetAggregatedPayloadSize()) != sum {
		return fmt.Errorf("aggregated_payload_size is %d, want %d", response.GetAggregatedPayloadSize(), sum)
	}
	return nil
}

// receiveAll reads responses until the end of the stream; it returns their body sizes and the
// call's error (nil for OK).
func receiveAll(recv func() (*testpb.StreamingOutputCallResponse, error)) ([]int, error) {
	var sizes []int
	for {
		response, err := recv()
		if err == io.EOF {
			return sizes, nil
		}
		if err != nil {
			return sizes, err
		}
		sizes = append(sizes, bodyLength(response.GetPayload()))
	}
}

func equalSizes(got, want []int) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

func serverStreaming(ctx context.Context, test testpb.TestServiceClient) error {
	request := &testpb.StreamingOutputCallRequest{ResponseType: testpb.PayloadType_COMPRESSABLE}
	for _, size := range StreamingResponseSizes {
		request.ResponseParameters = append(request.ResponseParameters, &testpb.ResponseParameters{Size: int32(size)})
	}
	stream, err := test.StreamingOutputCall(ctx, request)
	if err != nil {
		return fmt.Errorf("StreamingOutputCall: %v", err)
	}
	sizes, err := receiveAll(stream.Recv)
	if err != nil {
		return fmt.Errorf("Recv: %v", err)
	}
	if !equalSizes(sizes, StreamingResponseSizes) {
		return fmt.Errorf("response sizes %v, want %v", sizes, StreamingResponseSizes)
	}
	return nil
}

func pingPong(ctx context.Context, test testpb.TestServiceClient) error {
	stream, err := test.FullDuplexCall(ctx)
	if err != nil {
		return fmt.Errorf("FullDuplexCall: %v", err)
	}
	for index, size := range StreamingRequestSizes {
		want := StreamingResponseSizes[index]
		request := &testpb.StreamingOutputCallRequest{
			ResponseType:       testpb.PayloadType_COMPRESSABLE,
			ResponseParameters: []*testpb.ResponseParameters{{Size: int32(want)}},
			Payload:            Zeros(size),
		}
		if err := stream.Send(request); err != nil {
			return fmt.Errorf("Send %d: %v", index, err)
		}
		response, err := stream.Recv()
		if err != nil {
			return fmt.Errorf("Recv %d: %v", index, err)
		}
		if got := bodyLength(response.GetPayload()); got != want {
			return fmt.Errorf("response %d is %d bytes, want %d", index, got, want)
		}
	}
	if err := stream.CloseSend(); err != nil {
		return fmt.Errorf("CloseSend: %v", err)
	}
	if _, err := stream.Recv(); err != io.EOF {
		return fmt.Errorf("after the last response: %v, want the end of the stream", err)
	}
	return nil
}

func emptyStream(ctx context.Context, test testpb.TestServiceClient) error {
	stream, err := test.FullDuplexCall(ctx)
	if err != nil {
		return fmt.Errorf("FullDuplexCall: %v", err)
	}
	if err := stream.CloseSend(); err != nil {
		return fmt.Errorf("CloseSend: %v", err)
	}
	if _, err := stream.Recv(); err != io.EOF {
		return fmt.Errorf("Recv: %v, want the end of the stream", err)
	}
	return nil
}

func timeoutOnSleepingServer(ctx context.Context, test testpb.TestServiceClient) error {
	ctx, cancel := context.WithTimeout(ctx, time.Millisecond)
	defer cancel()
	stream, err := test.FullDuplexCall(ctx)
	if err != nil {
		return wantStatus(err, codes.DeadlineExceeded, nil)
	}
	// The send may already see the expired call; Recv reports its status either way.
	_ = stream.Send(&testpb.StreamingOutputCallRequest{ResponseType: testpb.PayloadType_COMPRESSABLE, Payload: Zeros(27182)})
	_, err = stream.Recv()
	return wantStatus(err, codes.DeadlineExceeded, nil)
}

func cancelAfterBegin(ctx context.Context, test testpb.TestServiceClient) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := test.StreamingInputCall(ctx)
	if err != nil {
		return fmt.Errorf("StreamingInputCall: %v", err)
	}
	cancel()
	_, err = stream.CloseAndRecv()
	return wantStatus(err, codes.Canceled, nil)
}

func cancelAfterFirstResponse(ctx context.Context, test testpb.TestServiceClient) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := test.FullDuplexCall(ctx)
	if err != nil {
		return fmt.Errorf("FullDuplexCall: %v", err)
	}
	request := &testpb.StreamingOutputCallRequest{
		ResponseType:       testpb.PayloadType_COMPRESSABLE,
		ResponseParameters: []*testpb.ResponseParameters{{Size: 31415}},
		Payload:            Zeros(27182),
	}
	if err := stream.Send(request); err != nil {
		return fmt.Errorf("Send: %v", err)
	}
	response, err := stream.Recv()
	if err != nil {
		return fmt.Errorf("Recv: %v", err)
	}
	if got := bodyLength(response.GetPayload()); got != 31415 {
		return fmt.Errorf("first response is %d bytes, want 31415", got)
	}
	cancel()
	_, err = stream.Recv()
	return wantStatus(err, codes.Canceled, nil)
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
