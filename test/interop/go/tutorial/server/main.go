// The tutorial's servers in Go, on grpc-go 1.33 with stubs generated from protos/tutorial/ by
// `protoc --go_out=plugins=grpc` (test/interop/go/build-tutorial.sh): the lessons' services
// grpc.test (FirstRpc, and the deadline lesson's 4-second "slow" work), my_lib.StreamServer
// (ListValue), my_lib.StreamClient (RouteList) and my_lib.Stream (Conversations), plus
// grpc.health.v1.Health; with --tls_cert/--tls_key, the TLS lesson's server: TLS and the token
// check on every tutorial call. The tutorial runs each lesson's server as its own program; one
// program serves them all here, as `npm start` does.
//
// Usage:
//
//	server [--host=127.0.0.1] [--port=0] [--stream_interval_ms=1000] [--slow_ms=4000] [--tls_cert=F --tls_key=K]
//
// Prints "listening on <port>" once it serves, and one line per handler event on stderr;
// SIGTERM or SIGINT stops it.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	bothpb "h2grpc.test/tutorial/pb/both_stream"
	clientpb "h2grpc.test/tutorial/pb/client_stream"
	serverpb "h2grpc.test/tutorial/pb/server_stream"
	testpb "h2grpc.test/tutorial/pb/test"
)

// The name that makes FirstRpc work for --slow_ms, for the deadline lesson.
const slowName = "slow"

// How many replies ListValue sends.
const listValueCount = 10

// How long in-flight calls get to finish after SIGTERM before the server stops hard.
const gracePeriod = 2 * time.Second

type testServer struct {
	slow time.Duration
}

// FirstRpc answers status 200 and "Hello <name>, id <id>". The tutorial's server writes
// string(req.GetId()), which turns 1 into "\x01"; the number is what it means, and what
// h2grpc's tutorial server answers.
func (s *testServer) FirstRpc(ctx context.Context, req *testpb.TestRequest) (*testpb.TestResponse, error) {
	if req.GetName() == slowName {
		select {
		case <-time.After(s.slow):
		case <-ctx.Done():
			log.Printf("FirstRpc: stopped working for %q: %v", req.GetName(), ctx.Err())
			return nil, status.FromContextError(ctx.Err()).Err()
		}
	}
	return &testpb.TestResponse{Status: 200, Value: fmt.Sprintf("Hello %s, id %d", req.GetName(), req.GetId())}, nil
}

type streamServer struct {
	interval time.Duration
}

// ListValue sends data + i for i = 0..9, --stream_interval_ms apart.
func (s *streamServer) ListValue(req *serverpb.StreamRequest, stream serverpb.StreamServer_ListValueServer) error {
	for i := 0; i < listValueCount; i++ {
		if i > 0 {
			select {
			case <-time.After(s.interval):
			case <-stream.Context().Done():
				return status.FromContextError(stream.Context().Err()).Err()
			}
		}
		if err := stream.Send(&serverpb.StreamResponse{StreamValue: req.GetData() + strconv.Itoa(i)}); err != nil {
			return err
		}
	}
	return nil
}

type streamClient struct{}

// RouteList logs every stream_data it reads, then answers status 200 and "OK".
func (streamClient) RouteList(stream clientpb.StreamClient_RouteListServer) error {
	for {
		req, err := stream.Recv()
		if err == io.EOF {
			return stream.SendAndClose(&clientpb.SimpleResponse{Status: 200, Value: "OK"})
		}
		if err != nil {
			return err
		}
		log.Printf("RouteList: %s", req.GetStreamData())
	}
}

type bothStream struct{}

// Conversations answers each question as it arrives, numbering them from 1.
func (bothStream) Conversations(stream bothpb.Stream_ConversationsServer) error {
	for n := 1; ; n++ {
		req, err := stream.Recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		answer := fmt.Sprintf("from client stream, server answer: the %d question is %s", n, req.GetQuestion())
		if err := stream.Send(&bothpb.StreamResponse{Answer: answer}); err != nil {
			return err
		}
	}
}

// checkToken is the TLS lesson's check: metadata token_id 12345 and token_name gsh_token.
func checkToken(ctx context.Context) error {
	md, _ := metadata.FromIncomingContext(ctx)
	if first(md["token_id"]) == "12345" && first(md["token_name"]) == "gsh_token" {
		return nil
	}
	return status.Error(codes.Unauthenticated, "invalid token: send metadata token_id and token_name")
}

func first(values []string) string {
	if len(values) == 0 {
		return ""
	}
	return values[0]
}

// Health checking stays open without the token, for load balancers.
func isOpen(fullMethod string) bool {
	return strings.HasPrefix(fullMethod, "/grpc.health.v1.Health/")
}

func unaryTokenCheck(ctx context.Context, req interface{}, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (interface{}, error) {
	if !isOpen(info.FullMethod) {
		if err := checkToken(ctx); err != nil {
			return nil, err
		}
	}
	return handler(ctx, req)
}

func streamTokenCheck(srv interface{}, stream grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	if !isOpen(info.FullMethod) {
		if err := checkToken(stream.Context()); err != nil {
			return err
		}
	}
	return handler(srv, stream)
}

func main() {
	host := flag.String("host", "127.0.0.1", "The address to listen on")
	port := flag.Int("port", 0, "The port to listen on (0: any free port)")
	intervalMs := flag.Int("stream_interval_ms", 1000, "The pause between two ListValue replies")
	slowMs := flag.Int("slow_ms", 4000, `How long FirstRpc works for the name "slow"`)
	certFile := flag.String("tls_cert", "", "Serve TLS with this certificate (and --tls_key), and require the token")
	keyFile := flag.String("tls_key", "", "The TLS key")
	flag.Parse()
	log.SetOutput(os.Stderr)

	var options []grpc.ServerOption
	if *certFile != "" {
		creds, err := credentials.NewServerTLSFromFile(*certFile, *keyFile)
		if err != nil {
			log.Fatalf("cannot load the TLS certificate: %v", err)
		}
		options = append(options, grpc.Creds(creds), grpc.UnaryInterceptor(unaryTokenCheck), grpc.StreamInterceptor(streamTokenCheck))
	}
	listener, err := net.Listen("tcp", net.JoinHostPort(*host, strconv.Itoa(*port)))
	if err != nil {
		log.Fatalf("cannot listen: %v", err)
	}
	server := grpc.NewServer(options...)
	testpb.RegisterTestServer(server, &testServer{slow: time.Duration(*slowMs) * time.Millisecond})
	serverpb.RegisterStreamServerServer(server, &streamServer{interval: time.Duration(*intervalMs) * time.Millisecond})
	clientpb.RegisterStreamClientServer(server, streamClient{})
	bothpb.RegisterStreamServer(server, bothStream{})
	healthServer := health.NewServer() // "" starts SERVING
	for _, name := range []string{"grpc.test", "my_lib.StreamServer", "my_lib.StreamClient", "my_lib.Stream"} {
		healthServer.SetServingStatus(name, healthpb.HealthCheckResponse_SERVING)
	}
	healthpb.RegisterHealthServer(server, healthServer)

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-signals
		healthServer.Shutdown()
		stopped := make(chan struct{})
		go func() {
			server.GracefulStop()
			close(stopped)
		}()
		select {
		case <-stopped:
		case <-time.After(gracePeriod):
			server.Stop()
		}
	}()

	fmt.Printf("listening on %d\n", listener.Addr().(*net.TCPAddr).Port)
	if err := server.Serve(listener); err != nil {
		log.Fatalf("serve: %v", err)
	}
}
