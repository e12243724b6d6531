// The tutorial's client programs in Go, on grpc-go 1.33 with stubs generated from protos/tutorial/
// by `protoc --go_out=plugins=grpc` (test/interop/go/build-tutorial.sh), one lesson per run, each
// printing what the tutorial's client prints (log.Println lines carry Go's date prefix).
//
// Usage:
//
//	client --lesson=unary|server-stream|client-stream|bidi|deadline|tls-token [--address=127.0.0.1:50051]
//	       [--pause_ms=1000] [--deadline_ms=3000] [--cert=server.pem]
//
// tls-token trusts --cert and checks the name gsh.com (credentials.NewClientTLSFromFile(cert,
// "gsh.com")), sends the token as per-RPC credentials, then calls once more without it. A failed
// call ends the program with log.Fatalf (exit 1), as in the tutorial.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/status"

	bothpb "h2grpc.test/tutorial/pb/both_stream"
	clientpb "h2grpc.test/tutorial/pb/client_stream"
	serverpb "h2grpc.test/tutorial/pb/server_stream"
	testpb "h2grpc.test/tutorial/pb/test"
)

// A lesson gives up after this long: a hang is reported as a failure, never waited out.
const lessonTimeout = 60 * time.Second

type options struct {
	address  string
	pause    time.Duration
	deadline time.Duration
	cert     string
}

// token is the TLS lesson's per-RPC credentials: metadata token_id and token_name on every call.
type token struct{}

func (token) GetRequestMetadata(ctx context.Context, uri ...string) (map[string]string, error) {
	return map[string]string{"token_id": "12345", "token_name": "gsh_token"}, nil
}

// RequireTransportSecurity keeps the token off plaintext connections.
func (token) RequireTransportSecurity() bool { return true }

func dial(address string, extra ...grpc.DialOption) *grpc.ClientConn {
	if len(extra) == 0 {
		extra = []grpc.DialOption{grpc.WithInsecure()}
	}
	conn, err := grpc.Dial(address, extra...)
	if err != nil {
		log.Fatalf("dial %s err: %v", address, err)
	}
	return conn
}

func unary(ctx context.Context, o options) {
	conn := dial(o.address)
	defer conn.Close()
	res, err := testpb.NewTestClient(conn).FirstRpc(ctx, &testpb.TestRequest{Name: "gsh", Id: 1})
	if err != nil {
		log.Fatalf("FirstRpc err: %v", err)
	}
	log.Println(res)
}

func serverStream(ctx context.Context, o options) {
	conn := dial(o.address)
	defer conn.Close()
	stream, err := serverpb.NewStreamServerClient(conn).ListValue(ctx, &serverpb.StreamRequest{Data: "Stream Server grpc "})
	if err != nil {
		log.Fatalf("ListValue err: %v", err)
	}
	for {
		res, err := stream.Recv()
		if err == io.EOF {
			return
		}
		if err != nil {
			log.Fatalf("ListValue Recv err: %v", err)
		}
		fmt.Println(res.StreamValue)
	}
}

func clientStream(ctx context.Context, o options) {
	conn := dial(o.address)
	defer conn.Close()
	stream, err := clientpb.NewStreamClientClient(conn).RouteList(ctx)
	if err != nil {
		log.Fatalf("RouteList err: %v", err)
	}
	for i := 0; i < 10; i++ {
		if err := stream.Send(&clientpb.StreamRequest{StreamData: fmt.Sprintf("stream client rpc: %d", i)}); err != nil {
			log.Fatalf("RouteList Send err: %v", err)
		}
		time.Sleep(o.pause)
	}
	res, err := stream.CloseAndRecv()
	if err != nil {
		log.Fatalf("RouteList CloseAndRecv err: %v", err)
	}
	log.Println(res)
}

func bidi(ctx context.Context, o options) {
	conn := dial(o.address)
	defer conn.Close()
	stream, err := bothpb.NewStreamClient(conn).Conversations(ctx)
	if err != nil {
		log.Fatalf("Conversations err: %v", err)
	}
	for i := 0; i < 10; i++ {
		if err := stream.Send(&bothpb.StreamRequest{Question: fmt.Sprintf("stream client rpc: %d", i)}); err != nil {
			log.Fatalf("Conversations Send err: %v", err)
		}
		res, err := stream.Recv()
		if err != nil {
			log.Fatalf("Conversations Recv err: %v", err)
		}
		log.Println(res.Answer)
		time.Sleep(o.pause)
	}
	if err := stream.CloseSend(); err != nil {
		log.Fatalf("Conversations CloseSend err: %v", err)
	}
	if _, err := stream.Recv(); err != io.EOF {
		log.Fatalf("Conversations end err: %v", err)
	}
}

func deadline(ctx context.Context, o options) {
	conn := dial(o.address)
	defer conn.Close()
	ctx, cancel := context.WithDeadline(ctx, time.Now().Add(o.deadline))
	defer cancel()
	res, err := testpb.NewTestClient(conn).FirstRpc(ctx, &testpb.TestRequest{Name: "slow", Id: 1})
	if status.Code(err) == codes.DeadlineExceeded {
		log.Println("FirstRpc timeout!")
		return
	}
	if err != nil {
		log.Fatalf("FirstRpc err: %v", err)
	}
	log.Println(res)
}

func tlsToken(ctx context.Context, o options) {
	creds, err := credentials.NewClientTLSFromFile(o.cert, "gsh.com")
	if err != nil {
		log.Fatalf("cannot read the certificate %s: %v", o.cert, err)
	}
	conn := dial(o.address, grpc.WithTransportCredentials(creds), grpc.WithPerRPCCredentials(token{}))
	defer conn.Close()
	res, err := testpb.NewTestClient(conn).FirstRpc(ctx, &testpb.TestRequest{Name: "gsh", Id: 1})
	if err != nil {
		log.Fatalf("FirstRpc err: %v", err)
	}
	log.Println(res)

	withoutToken := dial(o.address, grpc.WithTransportCredentials(creds))
	defer withoutToken.Close()
	if _, err := testpb.NewTestClient(withoutToken).FirstRpc(ctx, &testpb.TestRequest{Name: "gsh", Id: 1}); err != nil {
		log.Println("without the token:", err)
	} else {
		log.Println("without the token: the call succeeded")
	}
}

var lessons = map[string]func(context.Context, options){
	"unary":         unary,
	"server-stream": serverStream,
	"client-stream": clientStream,
	"bidi":          bidi,
	"deadline":      deadline,
	"tls-token":     tlsToken,
}

func main() {
	lesson := flag.String("lesson", "", "unary, server-stream, client-stream, bidi, deadline or tls-token")
	address := flag.String("address", "127.0.0.1:50051", "The server's host:port")
	pauseMs := flag.Int("pause_ms", 1000, "The pause between two messages a streaming lesson sends")
	deadlineMs := flag.Int("deadline_ms", 3000, "The deadline lesson's deadline")
	cert := flag.String("cert", "server.pem", "The server's certificate, for tls-token")
	flag.Parse()
	run, ok := lessons[*lesson]
	if !ok {
		log.Fatalf("unknown --lesson %q", *lesson)
	}
	ctx, cancel := context.WithTimeout(context.Background(), lessonTimeout)
	defer cancel()
	run(ctx, options{
		address:  *address,
		pause:    time.Duration(*pauseMs) * time.Millisecond,
		deadline: time.Duration(*deadlineMs) * time.Millisecond,
		cert:     *cert,
	})
}
