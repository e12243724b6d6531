// The grpc-go interop server: grpc.testing.TestService (interop.TestService) on grpc-go 1.33, a
// peer for h2grpc's interop client.
//
// Usage:
//
//	server --port=N [--host=H] [--use_tls=true --tls_cert_file=F --tls_key_file=K] [--wire_tap=false]
//
// --host defaults to 127.0.0.1 and --port to 0 (any free port); TLS defaults to the certificate
// the TypeScript programs generate (test/interop/interop-certs.ts). Prints "listening on <port>"
// once it serves; SIGTERM or SIGINT stops it. Server reflection (grpc-go 1.33 serves only
// v1alpha) and grpc.health.v1 are registered beside TestService, for the h2grpc command's tests.
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	_ "google.golang.org/grpc/encoding/gzip" // registers gzip, for compressed requests
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"

	"h2grpc.test/interop/go/interop"
	testpb "h2grpc.test/interop/grpc/testing"
)

// How long in-flight calls get to finish after SIGTERM before the server stops hard.
const gracePeriod = 2 * time.Second

func main() {
	certsDir := filepath.Join(os.TempDir(), "h2grpc-interop-certs")
	host := flag.String("host", "127.0.0.1", "The address to listen on")
	port := flag.Int("port", 0, "The port to listen on (0: any free port)")
	useTLS := flag.Bool("use_tls", false, "Whether to serve over TLS")
	certFile := flag.String("tls_cert_file", filepath.Join(certsDir, "server1.pem"), "The TLS certificate file")
	keyFile := flag.String("tls_key_file", filepath.Join(certsDir, "server1.key"), "The TLS key file")
	wireTap := flag.Bool("wire_tap", true, "Observe each message's compression on the wire, for the compression cases; "+
		"a stats handler on every call: npm run bench turns it off")
	flag.Parse()

	var options []grpc.ServerOption
	if *wireTap {
		options = append(options, grpc.StatsHandler(interop.WireCompressionObserver{}))
	}
	if *useTLS {
		creds, err := credentials.NewServerTLSFromFile(*certFile, *keyFile)
		if err != nil {
			fmt.Fprintf(os.Stderr, "cannot load the TLS certificate: %v\n", err)
			os.Exit(1)
		}
		options = append(options, grpc.Creds(creds))
	}
	listener, err := net.Listen("tcp", net.JoinHostPort(*host, strconv.Itoa(*port)))
	if err != nil {
		fmt.Fprintf(os.Stderr, "cannot listen: %v\n", err)
		os.Exit(1)
	}
	server := grpc.NewServer(options...)
	testpb.RegisterTestServiceServer(server, &interop.TestService{})
	healthpb.RegisterHealthServer(server, health.NewServer())
	reflection.Register(server)

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-signals
		time.AfterFunc(gracePeriod, server.Stop)
		server.GracefulStop()
	}()

	fmt.Printf("listening on %d\n", listener.Addr().(*net.TCPAddr).Port)
	if err := server.Serve(listener); err != nil {
		fmt.Fprintf(os.Stderr, "serve: %v\n", err)
		os.Exit(1)
	}
}
