#!/usr/bin/env bash
# Tests of Scripts/protogen/swift_model.py: it generates from a well-formed set of protos, and refuses, naming the
# problem, an rpc whose method field is missing from the envelope, one whose numbers or types disagree with it, and a
# method field without an rpc.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT

write_world() {  # $1: the rpc line, $2: extra Request.method field, $3: extra Response.method field
  mkdir -p "$work/p/domainflow/v1"
  cat > "$work/p/domainflow/v1/server.proto" <<PROTO
syntax = "proto3";
package domainflow.v1;
message PingRequest { bytes payload = 1; }
message PingResponse { bytes payload = 1; }
service ServerService {
  $1
}
PROTO
  cat > "$work/p/domainflow/v1/envelope.proto" <<PROTO
syntax = "proto3";
package domainflow.v1;
import "domainflow/v1/server.proto";
message Request { uint64 call_id = 1; oneof method { PingRequest ping = 16; $2 } }
message Response { uint64 call_id = 1; oneof method { PingResponse ping = 16; $3 } }
PROTO
}

generate() {
  rm -rf "$work/out"
  (cd "$work/p" && protoc --include_source_info --descriptor_set_out="$work/d.bin" domainflow/v1/*.proto)
  python3 "$root/Scripts/protogen/swift_model.py" "$work/d.bin" "$work/out"
}

refuses() {  # $1: what, $2: expected message part; the world is written
  if out=$(generate 2>&1); then echo "protogen test FAILED: $1 was accepted" >&2; exit 1; fi
  grep -q -- "$2" <<<"$out" || { echo "protogen test FAILED: $1: expected '$2', got: $out" >&2; exit 1; }
}

write_world "rpc Ping(PingRequest) returns (PingResponse);" "" ""
generate
grep -q 'public static let ping = Method<PingRequest, PingResponse>(number: 16, name: "Ping")' "$work/out/Methods.pb.swift" \
  || { echo "protogen test FAILED: no Methods.ping" >&2; exit 1; }
grep -q 'public struct PingRequest: WireMessage' "$work/out/server.pb.swift" || { echo "protogen test FAILED: no PingRequest" >&2; exit 1; }

write_world "rpc Ping(PingRequest) returns (stream PingResponse);" "" ""
generate
grep -q 'name: "Ping", kind: .serverStreaming)' "$work/out/Methods.pb.swift" || { echo "protogen test FAILED: stream not marked" >&2; exit 1; }

write_world "rpc Ping(PingRequest) returns (PingResponse); rpc Echo(PingRequest) returns (PingResponse);" "" ""
refuses "an rpc without method fields" "need a field \`echo\`"
write_world "rpc Ping(PingRequest) returns (PingResponse); rpc Echo(PingRequest) returns (PingResponse);" "PingRequest echo = 17;" "PingResponse echo = 18;"
refuses "an rpc whose numbers differ" "Request.echo is 17, Response.echo 18"
write_world "rpc Ping(PingRequest) returns (PingResponse); rpc Echo(PingRequest) returns (PingResponse);" "PingResponse echo = 17;" "PingResponse echo = 17;"
refuses "an rpc whose types differ" "its types differ"
write_world "rpc Ping(PingRequest) returns (PingResponse);" "PingRequest echo = 17;" "PingResponse echo = 17;"
refuses "a method field without an rpc" "without an rpc in a service: echo"
echo "protogen tests: passed"
