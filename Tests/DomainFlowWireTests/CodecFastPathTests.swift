import NIOCore
import Testing
@testable import DomainFlowWire

/// The codec's fast path (generated messages to and from protobuf-c's C structs) against the generic one
/// (`ProtoFields`, driven by the descriptors): the same bytes, the same messages back.
@Suite struct CodecFastPathTests {
    /// Messages with every kind of field the protocol uses: strings, bytes, bools, 32/64-bit integers, doubles,
    /// enums and repeated enums, sub-messages and repeated ones, repeated strings and repeated integers.
    static let campaign = Campaign(
        id: "c1", name: "naïve ✓", description: "", type: .domainGeneration, status: .running, ownerID: "u1",
        generation: GenerationParameters(patternType: .both, prefixLength: 2, suffixLength: 1, characterSet: "ab",
                                         constant: "shop", tlds: [".com", ".net"], count: 8, startOffset: 3, explicitStartOffset: true),
        totalItems: 8, processedItems: 5, createdAtMicros: -1, updatedAtMicros: Int64.max, errorMessage: "none",
        pipeline: [.dnsValidation, .httpKeywordValidation], sourceCampaignID: "", dnsPersonaIDs: ["p1", "p2"],
        outcomeCounts: [OutcomeCount(outcome: "answer", count: 3), OutcomeCount(outcome: "nxdomain", count: 0)],
        dnsQueriesSent: UInt64.max, lyingResolvers: ["127.0.0.9:53"],
        input: InputSummary(lines: 10, valid: 7, duplicates: 1, invalid: 2,
                            firstInvalid: [InvalidLine(line: 4, text: "bad name", reason: "space")]),
        inputOpen: true)
    static let persona = PersonaRequest(id: "", name: "web", http: HttpPersona(
        userAgent: "ua", headers: [HttpHeader(name: "X-A", value: "1")], timeoutMillis: 5000, followRedirects: true,
        allowedStatusCodes: [200, 301, 404], maxBodyBytes: 1 << 40, allowHTTP2: true))
    static let result = HttpResult(domainName: "a.example", statusCode: 200, score: 6.25, parked: false, parkedScore: -0.5,
                                   keywords: [KeywordCount(keyword: "casino", count: 5, context: "…casino…")],
                                   responseTimeMs: 12, offset: 7, redirects: ["http://a.example/"])

    private func frame(_ response: Response) throws -> ByteBuffer {
        var buffer = ByteBuffer()
        try FrameCodec.encode(.response(response), into: &buffer)
        return buffer
    }

    private func decodedResponse(_ bytes: ByteBuffer) throws -> Response {
        var bytes = bytes
        let payload = try #require(try FrameReader().nextFrame(from: &bytes))
        guard case .response(let response) = try FrameCodec.decodeServerFrame(payload) else { throw RPCError(.internal, "not a response") }
        return response
    }

    @Test func responsesEncodeToTheSameBytesEitherWayAndDecodeTyped() throws {
        let cases: [(UInt32, any WireMessage)] = [
            (Methods.getCampaign.number, Self.campaign), (Methods.streamHttpResults.number, Self.result),
            (Methods.ping.number, PingResponse(payload: [0, 255, 7], serverTimeMicros: 42)),
        ]
        for (method, message) in cases {
            let fast = try frame(Response(callID: 9, method: method, body: .typed(message)))
            let generic = try frame(Response(callID: 9, method: method, message: message.fields))
            #expect(fast == generic, "method \(method): the fast path writes what the generic one writes")
            let decoded = try decodedResponse(fast)
            guard case .typed(let typed) = decoded.body else { Issue.record("method \(method) decoded untyped"); continue }
            #expect(typed.fields == message.fields, "method \(method)")
            #expect(decoded.callID == 9 && decoded.method == method)
        }
        let campaign = try decodedResponse(try frame(Response(callID: 1, method: Methods.getCampaign.number, body: .typed(Self.campaign))))
        #expect(try campaign.body.decode(as: Campaign.self) == Self.campaign)
    }

    @Test func requestsRoundTripTypedAndTheRefusedOnesKeepTheirError() throws {
        var buffer = ByteBuffer()
        try FrameCodec.encode(.request(Request(callID: 3, timeoutMillis: 250, authToken: "t", method: Methods.updatePersona.number,
                                               body: .typed(Self.persona))), into: &buffer)
        let payload = try #require(try FrameReader().nextFrame(from: &buffer))
        guard case .request(let request) = try FrameCodec.decodeClientFrame(payload) else { Issue.record("not a request"); return }
        #expect(request.callID == 3 && request.timeoutMillis == 250 && request.authToken == "t")
        #expect(try request.body.decode(as: PersonaRequest.self) == Self.persona)

        // A kind no enum value has: the frame still decodes; the call's decode names the field (INVALID_ARGUMENT).
        var fields = Self.persona.fields
        fields[4] = .int(9)
        var bad = ByteBuffer()
        try FrameCodec.encode(.request(Request(callID: 4, method: Methods.updatePersona.number, message: fields)), into: &bad)
        let badPayload = try #require(try FrameReader().nextFrame(from: &bad))
        guard case .request(let refused) = try FrameCodec.decodeClientFrame(badPayload) else { Issue.record("not a request"); return }
        #expect(refused.method == Methods.updatePersona.number)
        #expect(throws: RPCError.invalidArgument("kind: unknown value 9")) { try refused.body.decode(as: PersonaRequest.self) }
    }

    @Test func everyMethodOfTheEnvelopeHasItsGeneratedTypes() {
        for number in ProtoSchema.methodNumbers {
            #expect(Methods.requestType(number) != nil && Methods.responseType(number) != nil, "method \(number)")
        }
        #expect(Methods.requestType(15) == nil && Methods.responseType(9999) == nil)
    }

    /// A message that is not generated: it travels through its fields (the default direct-path write).
    struct RawFields: WireMessage {
        var fields: ProtoFields
        init(fields: ProtoFields) { self.fields = fields }
    }

    @Test func aHandBuiltMessageTravelsByItsFieldsAndOneTheSchemaRefusesIsNeverSentCut() throws {
        let ping = PingRequest(payload: [1, 2, 3])
        var fast = ByteBuffer(), generic = ByteBuffer()
        try FrameCodec.encode(.request(Request(callID: 1, method: Methods.ping.number, body: .typed(RawFields(fields: ping.fields)))), into: &fast)
        try FrameCodec.encode(.request(Request(callID: 1, method: Methods.ping.number, message: ping.fields)), into: &generic)
        #expect(fast == generic)

        var refused = ping.fields
        refused[99] = .string("no such field")
        var buffer = ByteBuffer()
        #expect(throws: WireError.self, "an unknown field fails the encode instead of being left out") {
            try FrameCodec.encode(.request(Request(callID: 2, method: Methods.ping.number, body: .typed(RawFields(fields: refused)))),
                                  into: &buffer)
        }
        #expect(buffer.readableBytes == 0, "nothing was written")
    }
}
