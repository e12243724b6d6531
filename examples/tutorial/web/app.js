// The tutorial page's script: two calls over the Connect protocol (connectrpc.com/docs/protocol)
// with nothing but fetch. A unary call is one JSON POST; a server-streaming call sends one
// enveloped message and reads enveloped replies as they arrive, then the end-of-stream message.

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

/** Unary: POST the request as JSON; a non-200 answer carries a Connect error {code, message}. */
async function callUnary(path, request) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json", "connect-protocol-version": "1" },
    body: JSON.stringify(request),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`${body.code}: ${body.message ?? ""}`);
  return body;
}

/** Server streaming: one envelope out ([flags, length(4, big-endian)], JSON), envelopes in, each reply given to onReply. */
async function callServerStream(path, request, onReply) {
  const json = textEncoder.encode(JSON.stringify(request));
  const envelope = new Uint8Array(5 + json.length);
  new DataView(envelope.buffer).setUint32(1, json.length);
  envelope.set(json, 5);
  const response = await fetch(path, {
    method: "POST",
    headers: { "content-type": "application/connect+json", "connect-protocol-version": "1" },
    body: envelope,
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const reader = response.body.getReader();
  let buffered = new Uint8Array(0);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) throw new Error("the stream ended without its end-of-stream message");
    buffered = concat(buffered, value);
    while (buffered.length >= 5) {
      const length = new DataView(buffered.buffer, buffered.byteOffset).getUint32(1);
      if (buffered.length < 5 + length) break;
      const flags = buffered[0];
      const message = JSON.parse(textDecoder.decode(buffered.subarray(5, 5 + length)));
      buffered = buffered.subarray(5 + length);
      if ((flags & 0x02) === 0) {
        onReply(message);
        continue;
      }
      // End of stream: {"error": {...}} when the call failed, and the trailers as "metadata".
      if (message.error) throw new Error(`${message.error.code}: ${message.error.message ?? ""}`);
      return;
    }
  }
}

function concat(a, b) {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function show(list, text) {
  const item = document.createElement("li");
  item.textContent = text;
  list.append(item);
}

function wire(formId, run) {
  const form = document.getElementById(formId);
  const replies = document.getElementById(`${formId}-replies`);
  const status = document.getElementById(`${formId}-status`);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    replies.replaceChildren();
    status.className = "status";
    status.textContent = "calling…";
    const fields = Object.fromEntries(new FormData(form));
    const started = performance.now();
    try {
      await run(fields, (text) => show(replies, `${text}  (+${Math.round(performance.now() - started)} ms)`));
      status.textContent = `done: OK, ${replies.children.length} ${replies.children.length === 1 ? "reply" : "replies"}`;
    } catch (error) {
      status.className = "status error";
      status.textContent = `failed: ${error.message}`;
    }
  });
}

wire("first-rpc", async ({ name, id }, show) => {
  // int64 fields travel as JSON strings in the proto3 JSON mapping.
  const reply = await callUnary("/grpc.test/FirstRpc", { name, id });
  show(`status: ${reply.status}, value: ${JSON.stringify(reply.value)}`);
});

wire("list-value", ({ data }, show) =>
  callServerStream("/my_lib.StreamServer/ListValue", { data }, (reply) => show(`streamValue: ${JSON.stringify(reply.streamValue)}`)),
);
