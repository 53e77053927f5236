import Testing
@testable import DomainFlowCore

@Suite struct DNSMessageTests {
    @Test func queryIsWellFormed() throws {
        let q = try #require(DNSMessage.query(id: 0xBEEF, name: "www.example.com", type: .aaaa))
        #expect(q.prefix(4) == [0xBE, 0xEF, 0x01, 0x00])
        #expect(q[10...11] == [0, 1], "one additional record: EDNS0's OPT")
        let question = [3] + Array("www".utf8) + [7] + Array("example".utf8) + [3] + Array("com".utf8) + [0, 0, 28, 0, 1]
        #expect(Array(q[12..<(12 + question.count)]) == question)
        #expect(Array(q[(12 + question.count)...]) == [0, 0, 41, 0x04, 0xD0, 0, 0, 0, 0, 0, 0], "OPT: root, type 41, 1232-byte payload")
        let plain = try #require(DNSMessage.query(id: 1, name: "www.example.com", type: .a, ednsPayload: nil))
        #expect(plain[10...11] == [0, 0] && plain.count == 12 + question.count)
        #expect(DNSMessage.query(id: 1, name: String(repeating: "a", count: 64) + ".com", type: .a) == nil)
    }


    @Test func parsesAnswersWithCompressionAndCodes() throws {
        // Response to "a.b" MX: one answer, name compressed to the question (pointer 0x0C), "10 mx.b" with a pointer too.
        var r: [UInt8] = [0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]
        r += [1, 0x61, 1, 0x62, 0, 0, 15, 0, 1]
        r += [0xC0, 0x0C, 0, 15, 0, 1, 0, 0, 0, 60, 0, 7, 0, 10, 2, 0x6D, 0x78, 0xC0, 0x0E]
        #expect(try DNSMessage.parse(r, id: 0x1234, type: .mx) == .answers(["10 mx.b"]))
        #expect(try DNSMessage.parse(r, id: 0x1234, type: .a) == .noRecords)
        var nx = r; nx[3] = 0x83
        #expect(try DNSMessage.parse(nx, id: 0x1234, type: .mx) == .nxdomain)
        var refused = r; refused[3] = 0x85
        #expect(try DNSMessage.parse(refused, id: 0x1234, type: .mx) == .refused)
        #expect(throws: DNSMessage.ParseError.wrongID) { try DNSMessage.parse(r, id: 1, type: .mx) }
        #expect(throws: DNSMessage.ParseError.self) { try DNSMessage.parse(Array(r.prefix(30)), id: 0x1234, type: .mx) }
    }

    @Test func pointerLoopIsMalformedNotAHang() {
        var r: [UInt8] = [0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0]
        r += [0xC0, 0x0C]  // the question's name points at itself
        #expect(throws: DNSMessage.ParseError.self) { try DNSMessage.parse(r, id: 1, type: .a) }
    }
}
