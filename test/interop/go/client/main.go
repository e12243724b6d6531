// The grpc-go interop client: the cases of interop.Cases on grpc-go 1.33, a peer for h2grpc's
// interop server.
//
// Usage:
//
//	client --server_host=H --server_port=N --test_case=NAME|a,b|all \
//	  [--use_tls=true --use_test_ca=true --ca_file=F --server_host_override=NAME]
//
// --use_test_ca trusts --ca_file, by default the CA the TypeScript programs generate
// (test/interop/interop-certs.ts). Prints one line per case, as the TypeScript clients do
// ("PASS name 12ms", "FAIL name 40ms: why", "N/A name: why"), and exits 1 if any case failed.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io/ioutil"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"

	"h2grpc.test/interop/go/interop"
)

// A case gives up after this long: a hang is reported as a failure, never waited out.
const caseTimeout = 20 * time.Second

func usageError(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(2)
}

func selectCases(testCase string, cases map[string]func(context.Context) error) []string {
	if testCase == "all" {
		return interop.TestCases
	}
	names := strings.Split(testCase, ",")
	for _, name := range names {
		if cases[name] == nil {
			usageError("unknown --test_case %q; known: all, %s", name, strings.Join(interop.TestCases, ", "))
		}
	}
	return names
}

func transportCredentials(caFile, serverHostOverride string, useTestCA bool) credentials.TransportCredentials {
	if !useTestCA {
		return credentials.NewTLS(&tls.Config{ServerName: serverHostOverride})
	}
	pem, err := ioutil.ReadFile(caFile)
	if err != nil {
		usageError("cannot read --ca_file: %v", err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		usageError("no certificate in --ca_file %s", caFile)
	}
	return credentials.NewClientTLSFromCert(roots, serverHostOverride)
}

func formatOutcome(name string, err error, elapsed time.Duration) string {
	ms := fmt.Sprintf("%dms", elapsed.Milliseconds())
	var notExpressible interop.NotExpressible
	switch {
	case err == nil:
		return fmt.Sprintf("PASS %s %s", name, ms)
	case errors.As(err, &notExpressible):
		return fmt.Sprintf("N/A %s: %s", name, notExpressible.Reason)
	default:
		return fmt.Sprintf("FAIL %s %s: %s", name, ms, strings.Join(strings.Fields(err.Error()), " "))
	}
}

func main() {
	serverHost := flag.String("server_host", "localhost", "The server host name")
	serverPort := flag.Int("server_port", 8080, "The server port")
	testCase := flag.String("test_case", "all", "A case name, a comma-separated list, or all")
	useTLS := flag.Bool("use_tls", false, "Whether to connect over TLS")
	useTestCA := flag.Bool("use_test_ca", false, "Whether to trust --ca_file instead of the system roots")
	caFile := flag.String("ca_file", filepath.Join(os.TempDir(), "h2grpc-interop-certs", "ca.pem"), "The CA certificate file")
	serverHostOverride := flag.String("server_host_override", "", "The server name to verify the certificate against")
	flag.Parse()

	options := []grpc.DialOption{grpc.WithStatsHandler(interop.WireCompressionObserver{})}
	if *useTLS {
		options = append(options, grpc.WithTransportCredentials(transportCredentials(*caFile, *serverHostOverride, *useTestCA)))
	} else {
		options = append(options, grpc.WithInsecure())
	}
	conn, err := grpc.Dial(net.JoinHostPort(*serverHost, strconv.Itoa(*serverPort)), options...)
	if err != nil {
		fmt.Fprintf(os.Stderr, "cannot dial: %v\n", err)
		os.Exit(1)
	}
	defer conn.Close()

	cases := interop.Cases(conn)
	failed := 0
	for _, name := range selectCases(*testCase, cases) {
		ctx, cancel := context.WithTimeout(context.Background(), caseTimeout)
		started := time.Now()
		err := cases[name](ctx)
		cancel()
		var notExpressible interop.NotExpressible
		if err != nil && !errors.As(err, &notExpressible) {
			failed++
		}
		fmt.Println(formatOutcome(name, err, time.Since(started)))
	}
	if failed > 0 {
		conn.Close()
		os.Exit(1)
	}
}
