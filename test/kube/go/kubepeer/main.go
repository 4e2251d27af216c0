// Command kubepeer is the Go side of spdylay's Kubernetes tests: a server
// and two clients speaking what kubectl and the kubelet speak, over the
// same library they use (github.com/moby/spdystream, SPDY/3.1 after an
// HTTP/1.1 upgrade, no flow control).
//
//	kubepeer serve
//	    A kubelet-like server on 127.0.0.1 and a free port: exec, attach and
//	    portforward under /api/v1/namespaces/NS/pods/POD/. It prints
//	    "listening PORT" and runs until its standard input closes.
//	kubepeer exec URL STDIN_BYTES [PROTOCOL...]
//	    Runs the command in URL's query as kubectl exec does, sending
//	    STDIN_BYTES pattern bytes on stdin and then EOF; prints one JSON line.
//	kubepeer forward URL REMOTE_PORT CONNECTIONS BYTES
//	    Forwards CONNECTIONS concurrent connections to REMOTE_PORT as kubectl
//	    port-forward does, each sending BYTES pattern bytes and half-closing,
//	    and checks that an echo came back; prints one JSON line.
//
// The fake commands of the server: cat, sha256 (of stdin), emit N [SEED],
// stderr WORDS..., exit N, fail WORDS... (the command cannot run).
package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/moby/spdystream"
)

const (
	headerProtocolVersion = "X-Stream-Protocol-Version"
	headerAccepted        = "X-Accepted-Stream-Protocol-Versions"
	portForwardProtocol   = "portforward.k8s.io"
	streamTimeout         = 30 * time.Second
)

// The kubelet's list: SPDY exec has no v5.
var execProtocols = []string{"v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io"}

func main() {
	if len(os.Args) < 2 {
		fail("usage: kubepeer serve | exec URL STDIN_BYTES [PROTOCOL...] | forward URL REMOTE_PORT CONNECTIONS BYTES")
	}
	switch os.Args[1] {
	case "serve":
		serve()
	case "exec":
		if len(os.Args) < 4 {
			fail("usage: kubepeer exec URL STDIN_BYTES [PROTOCOL...]")
		}
		protocols := os.Args[4:]
		if len(protocols) == 0 {
			protocols = append([]string{"v5.channel.k8s.io"}, execProtocols...)
		}
		execClient(os.Args[2], atoi(os.Args[3]), protocols)
	case "forward":
		if len(os.Args) != 6 {
			fail("usage: kubepeer forward URL REMOTE_PORT CONNECTIONS BYTES")
		}
		forwardClient(os.Args[2], atoi(os.Args[3]), atoi(os.Args[4]), atoi(os.Args[5]))
	default:
		fail("unknown command " + os.Args[1])
	}
}

func fail(message string) {
	fmt.Fprintln(os.Stderr, "kubepeer: "+message)
	os.Exit(2)
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		fail("not a number: " + s)
	}
	return n
}

// pattern is the tests' deterministic byte sequence (test/helpers/loopback.ts patternBytes).
func pattern(length int, seed uint32) []byte {
	out := make([]byte, length)
	x := seed
	for i := range out {
		x = x*1103515245 + 12345
		out[i] = byte(x >> 24)
	}
	return out
}

func digest(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// ---- the upgrade ----

// bufferedConn reads what the HTTP reader already buffered before the socket.
type bufferedConn struct {
	net.Conn
	reader *bufio.Reader
}

func (c *bufferedConn) Read(p []byte) (int, error) { return c.reader.Read(p) }

// offered splits X-Stream-Protocol-Version headers as httpstream.Handshake does.
func offered(values []string) []string {
	var out []string
	for _, value := range values {
		for _, p := range strings.Split(value, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// upgrade answers the handshake as the kubelet does and returns the server
// connection with the streams the client opens (each already answered).
func upgrade(w http.ResponseWriter, r *http.Request, accepted []string) (*spdystream.Connection, string, <-chan *spdystream.Stream) {
	if !strings.Contains(strings.ToLower(r.Header.Get("Connection")), "upgrade") ||
		!strings.Contains(strings.ToLower(r.Header.Get("Upgrade")), "spdy/3.1") {
		http.Error(w, "unable to upgrade: missing upgrade headers in request", http.StatusBadRequest)
		return nil, "", nil
	}
	clientProtocols := offered(r.Header[http.CanonicalHeaderKey(headerProtocolVersion)])
	if len(clientProtocols) == 0 {
		http.Error(w, "unable to upgrade: "+headerProtocolVersion+" is required", http.StatusBadRequest)
		return nil, "", nil
	}
	protocol := ""
	for _, c := range clientProtocols {
		for _, s := range accepted {
			if protocol == "" && c == s {
				protocol = c
			}
		}
	}
	if protocol == "" {
		for _, s := range accepted {
			w.Header().Add(headerAccepted, s)
		}
		http.Error(w, fmt.Sprintf("unable to upgrade: unable to negotiate protocol: client supports %v, server accepts %v", clientProtocols, accepted), http.StatusForbidden)
		return nil, "", nil
	}
	w.Header().Add(headerProtocolVersion, protocol)
	w.Header().Add("Connection", "Upgrade")
	w.Header().Add("Upgrade", "SPDY/3.1")
	w.WriteHeader(http.StatusSwitchingProtocols)
	raw, buffered, err := w.(http.Hijacker).Hijack()
	if err != nil {
		return nil, "", nil
	}
	conn, err := spdystream.NewConnection(&bufferedConn{Conn: raw, reader: buffered.Reader}, true)
	if err != nil {
		raw.Close()
		return nil, "", nil
	}
	streams := make(chan *spdystream.Stream, 64)
	go conn.Serve(func(stream *spdystream.Stream) {
		stream.SendReply(http.Header{}, false)
		streams <- stream
	})
	return conn, protocol, streams
}

// ---- the server ----

func serve() {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fail(err.Error())
	}
	go func() {
		io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	fmt.Printf("listening %d\n", listener.Addr().(*net.TCPAddr).Port)
	http.Serve(listener, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/exec") || strings.HasSuffix(r.URL.Path, "/attach"):
			serveExec(w, r)
		case strings.HasSuffix(r.URL.Path, "/portforward"):
			servePortForward(w, r)
		default:
			http.NotFound(w, r)
		}
	}))
}

func flag(q url.Values, name string) bool {
	v := strings.ToLower(q.Get(name))
	return v != "" && v != "0" && v != "false"
}

type statusCause struct {
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"`
}

type status struct {
	Kind       string            `json:"kind"`
	APIVersion string            `json:"apiVersion"`
	Metadata   map[string]string `json:"metadata"`
	Status     string            `json:"status"`
	Message    string            `json:"message,omitempty"`
	Reason     string            `json:"reason,omitempty"`
	Details    *struct {
		Causes []statusCause `json:"causes,omitempty"`
	} `json:"details,omitempty"`
	Code int `json:"code,omitempty"`
}

func serveExec(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	tty := flag(q, "tty")
	wanted := map[string]bool{"error": true}
	if flag(q, "stdin") {
		wanted["stdin"] = true
	}
	if flag(q, "stdout") {
		wanted["stdout"] = true
	}
	if flag(q, "stderr") && !tty {
		wanted["stderr"] = true
	}
	conn, protocol, incoming := upgrade(w, r, execProtocols)
	if conn == nil {
		return
	}
	version := 1
	if strings.HasPrefix(protocol, "v") {
		version = int(protocol[1] - '0')
	}
	if tty && version >= 3 {
		wanted["resize"] = true
	}
	streams := map[string]*spdystream.Stream{}
	timeout := time.After(streamTimeout)
	for len(streams) < len(wanted) {
		select {
		case stream := <-incoming:
			kind := stream.Headers().Get("streamType")
			if wanted[kind] {
				streams[kind] = stream
			}
		case <-timeout:
			conn.Close()
			return
		}
	}
	command := q["command"]
	if strings.HasSuffix(r.URL.Path, "/attach") {
		command = []string{"cat"}
	}
	code, runErr := run(command, streams["stdin"], streams["stdout"], streams["stderr"])
	var st status
	switch {
	case runErr != nil:
		st = status{Status: "Failure", Reason: "InternalError", Code: 500, Message: "Internal error occurred: error executing command in container: " + runErr.Error()}
	case code != 0:
		st = status{Status: "Failure", Reason: "NonZeroExitCode", Message: fmt.Sprintf("command terminated with non-zero exit code: exit status %d", code)}
		st.Details = &struct {
			Causes []statusCause `json:"causes,omitempty"`
		}{Causes: []statusCause{{Reason: "ExitCode", Message: strconv.Itoa(code)}}}
	default:
		st = status{Status: "Success"}
	}
	st.Kind, st.APIVersion, st.Metadata = "Status", "v1", map[string]string{}
	if version >= 4 {
		body, _ := json.Marshal(st)
		streams["error"].Write(body)
	} else if st.Status != "Success" {
		streams["error"].Write([]byte(st.Message))
	}
	// As the kubelet's connection Close: every stream reset, then GOAWAY.
	for _, stream := range streams {
		stream.Reset()
	}
	conn.Close()
}

func run(command []string, stdin, stdout, stderr *spdystream.Stream) (int, error) {
	if len(command) == 0 {
		return 0, fmt.Errorf("no command")
	}
	args := command[1:]
	switch command[0] {
	case "cat":
		if stdin != nil && stdout != nil {
			io.Copy(stdout, stdin)
		}
		return 0, nil
	case "sha256":
		var body []byte
		if stdin != nil {
			body, _ = io.ReadAll(stdin)
		}
		fmt.Fprintf(stdout, "%s %d\n", digest(body), len(body))
		return 0, nil
	case "emit":
		seed := uint32(1)
		if len(args) > 1 {
			seed = uint32(atoi(args[1]))
		}
		body := pattern(atoi(args[0]), seed)
		// Writes of 1 MiB: spdystream sends each write as one DATA frame.
		for len(body) > 0 {
			n := len(body)
			if n > 1<<20 {
				n = 1 << 20
			}
			stdout.Write(body[:n])
			body = body[n:]
		}
		return 0, nil
	case "stderr":
		if stderr != nil {
			stderr.Write([]byte(strings.Join(args, " ")))
		}
		return 0, nil
	case "exit":
		fmt.Fprintf(stdout, "exiting with %s\n", args[0])
		return atoi(args[0]), nil
	case "fail":
		return 0, fmt.Errorf("%s", strings.Join(args, " "))
	}
	return 127, nil
}

func servePortForward(w http.ResponseWriter, r *http.Request) {
	conn, _, incoming := upgrade(w, r, []string{portForwardProtocol})
	if conn == nil {
		return
	}
	type pair struct{ data, errorStream *spdystream.Stream }
	pairs := map[string]*pair{}
	for {
		select {
		case stream := <-incoming:
			id := stream.Headers().Get("requestID")
			p := pairs[id]
			if p == nil {
				p = &pair{}
				pairs[id] = p
			}
			if stream.Headers().Get("streamType") == "error" {
				p.errorStream = stream
			} else {
				p.data = stream
			}
			if p.data != nil && p.errorStream != nil {
				delete(pairs, id)
				go forward(p.data, p.errorStream)
			}
		case <-conn.CloseChan():
			return
		}
	}
}

// forward copies a data stream to and from 127.0.0.1:PORT, each EOF passed on as a half-close.
func forward(data, errorStream *spdystream.Stream) {
	defer errorStream.Close()
	defer data.Close()
	port := data.Headers().Get("port")
	target, err := net.Dial("tcp", "127.0.0.1:"+port)
	if err != nil {
		fmt.Fprintf(errorStream, "error forwarding port %s to pod: %v", port, err)
		// Drain what the client still sends: an unread stream blocks spdystream's frame worker for the whole connection.
		go io.Copy(io.Discard, data)
		return
	}
	defer target.Close()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		io.Copy(target, data)
		target.(*net.TCPConn).CloseWrite()
	}()
	io.Copy(data, target)
	wg.Wait()
}

// ---- the clients ----

// dial upgrades a POST to rawURL and returns the client connection and the chosen protocol.
func dial(rawURL string, protocols []string) (*spdystream.Connection, string) {
	target, err := url.Parse(rawURL)
	if err != nil {
		fail(err.Error())
	}
	raw, err := net.Dial("tcp", target.Host)
	if err != nil {
		fail(err.Error())
	}
	request, _ := http.NewRequest("POST", rawURL, nil)
	request.Header.Set("Connection", "Upgrade")
	request.Header.Set("Upgrade", "SPDY/3.1")
	for _, p := range protocols {
		request.Header.Add(headerProtocolVersion, p)
	}
	if err := request.Write(raw); err != nil {
		fail(err.Error())
	}
	reader := bufio.NewReader(raw)
	response, err := http.ReadResponse(reader, request)
	if err != nil {
		fail(err.Error())
	}
	if response.StatusCode != http.StatusSwitchingProtocols {
		body, _ := io.ReadAll(response.Body)
		fail(fmt.Sprintf("upgrade refused: %d %s", response.StatusCode, body))
	}
	conn, err := spdystream.NewConnection(&bufferedConn{Conn: raw, reader: reader}, false)
	if err != nil {
		fail(err.Error())
	}
	go conn.Serve(spdystream.NoOpStreamHandler)
	return conn, response.Header.Get(headerProtocolVersion)
}

// open creates a stream and waits for its reply, as httpstream's CreateStream does.
func open(conn *spdystream.Connection, headers http.Header) *spdystream.Stream {
	stream, err := conn.CreateStream(headers, nil, false)
	if err != nil {
		fail(err.Error())
	}
	if err := stream.WaitTimeout(streamTimeout); err != nil {
		fail("stream " + headers.Get("streamType") + ": " + err.Error())
	}
	return stream
}

func execClient(rawURL string, stdinBytes int, protocols []string) {
	conn, protocol := dial(rawURL, protocols)
	q, _ := url.ParseQuery(strings.SplitN(rawURL, "?", 2)[1])
	streams := map[string]*spdystream.Stream{}
	for _, kind := range []string{"error", "stdin", "stdout", "stderr"} {
		if kind != "error" && !flag(q, kind) {
			continue
		}
		headers := http.Header{}
		headers.Set("streamType", kind)
		streams[kind] = open(conn, headers)
	}
	if stdin := streams["stdin"]; stdin != nil {
		go func() {
			body := pattern(stdinBytes, 3)
			for len(body) > 0 {
				n := len(body)
				if n > 100000 {
					n = 100000
				}
				stdin.Write(body[:n])
				body = body[n:]
			}
			stdin.Close()
		}()
	}
	results := map[string][]byte{}
	var lock sync.Mutex
	var wg sync.WaitGroup
	for _, kind := range []string{"stdout", "stderr", "error"} {
		stream := streams[kind]
		if stream == nil {
			continue
		}
		wg.Add(1)
		go func(kind string, stream *spdystream.Stream) {
			defer wg.Done()
			body, _ := io.ReadAll(stream)
			lock.Lock()
			results[kind] = body
			lock.Unlock()
		}(kind, stream)
	}
	wg.Wait()
	for _, stream := range streams {
		stream.Reset()
	}
	conn.Close()
	out, _ := json.Marshal(map[string]interface{}{
		"protocol":     protocol,
		"stdoutSha256": digest(results["stdout"]),
		"stdoutLength": len(results["stdout"]),
		"stderr":       string(results["stderr"]),
		"error":        string(results["error"]),
	})
	fmt.Println(string(out))
}

func forwardClient(rawURL string, remotePort, connections, size int) {
	conn, protocol := dial(rawURL, []string{portForwardProtocol})
	type result struct {
		RequestID int    `json:"requestId"`
		Sent      string `json:"sent"`
		Received  string `json:"received"`
		Length    int    `json:"length"`
		Error     string `json:"error"`
	}
	results := make([]result, connections)
	var wg sync.WaitGroup
	for i := 0; i < connections; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			headers := http.Header{}
			headers.Set("streamType", "error")
			headers.Set("port", strconv.Itoa(remotePort))
			headers.Set("requestID", strconv.Itoa(i))
			errorStream := open(conn, headers)
			errorStream.Close()
			headers.Set("streamType", "data")
			data := open(conn, headers)
			body := pattern(size+i, uint32(i+1))
			go func() {
				for rest := body; len(rest) > 0; {
					n := len(rest)
					if n > 65536 {
						n = 65536
					}
					data.Write(rest[:n])
					rest = rest[n:]
				}
				data.Close()
			}()
			echoed, _ := io.ReadAll(data)
			message, _ := io.ReadAll(errorStream)
			data.Reset()
			errorStream.Reset()
			results[i] = result{RequestID: i, Sent: digest(body), Received: digest(echoed), Length: len(echoed), Error: string(message)}
		}(i)
	}
	wg.Wait()
	conn.Close()
	out, _ := json.Marshal(map[string]interface{}{"protocol": protocol, "results": results})
	fmt.Println(string(out))
}
