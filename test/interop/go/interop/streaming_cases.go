package interop

import (
	"context"
	"fmt"
	"io"
	"time"

	"google.golang.org/grpc/codes"

	testpb "h2grpc.test/interop/grpc/testing"
)

// The streaming cases of interop-test-descriptions.md: client_streaming, server_streaming,
// ping_pong, empty_stream, timeout_on_sleeping_server and the two cancellation cases.

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
