import Foundation

/// DNS record types DomainFlow queries.
public enum DNSRecordType: String, Sendable, CaseIterable, Codable {
    case a = "A", aaaa = "AAAA", cname = "CNAME", mx = "MX", ns = "NS", txt = "TXT"

    public var code: UInt16 {
        switch self {
        case .a: 1
        case .ns: 2
        case .cname: 5
        case .mx: 15
        case .txt: 16
        case .aaaa: 28
        }
    }

    public init?(code: UInt16) { self.init(rawValue: Self.allCases.first { $0.code == code }?.rawValue ?? "") }
}

/// What a DNS answer said, before any transport concern.
public enum DNSOutcome: Sendable, Equatable {
    /// NOERROR with records of the asked type (as text).
    case answers([String])
    /// NOERROR without records of that type.
    case noRecords
    case nxdomain
    case servfail
    case refused
    /// Any other response code.
    case otherCode(Int)
}

/// One resource record of a response's answer section, its data as text (nil for types we do not read).
public struct DNSRecord: Sendable, Equatable {
    public var name: String
    public var type: UInt16
    public var value: String?
}

/// A parsed DNS response: header, question and answer section.
public struct DNSResponse: Sendable, Equatable {
    public var id: UInt16
    public var rcode: Int
    /// TC: the answer did not fit; ask again over TCP.
    public var truncated: Bool
    /// The question, lower-cased, without the final dot.
    public var questionName: String
    public var questionType: UInt16
    public var answers: [DNSRecord]

    /// Whether this answers the question (`name`, `type`): responses to other questions are not ours.
    public func answersQuestion(name: String, type: DNSRecordType) -> Bool {
        questionType == type.code && (questionName == name || questionName == DNSMessage.canonical(name))
    }

    /// What the response says about `name`'s `type` records, following the CNAME chain inside the answer
    /// section. `chain` lists the CNAME targets in order; `target` is where the chain ends (the name
    /// itself without CNAMEs).
    public func interpret(name: String, type: DNSRecordType) -> (outcome: DNSOutcome, chain: [String], target: String) {
        switch rcode {
        case 0: break
        case 2: return (.servfail, [], name)
        case 3: return (.nxdomain, [], name)
        case 5: return (.refused, [], name)
        default: return (.otherCode(rcode), [], name)
        }
        var owner = name.utf8.contains(where: { $0 >= 65 && $0 <= 90 }) || name.hasSuffix(".") ? DNSMessage.canonical(name) : name
        var chain: [String] = []
        if type != .cname {
            // Follow CNAMEs from the asked name; a loop or a chain longer than 16 stops.
            while chain.count < 16, let next = answers.first(where: { $0.type == DNSRecordType.cname.code && $0.name == owner })?.value {
                let canonicalNext = next
                if canonicalNext == owner || chain.contains(canonicalNext) { break }
                chain.append(canonicalNext)
                owner = canonicalNext
            }
        }
        let values = answers.filter { $0.type == type.code && $0.name == owner }.compactMap(\.value)
        return (values.isEmpty ? .noRecords : .answers(values), chain, owner)
    }
}

/// DNS wire format (RFC 1035, EDNS0 of RFC 6891), pure: building a query and reading its response.
public enum DNSMessage {
    /// The EDNS0 UDP payload size we announce (the DNS flag day 2020 value).
    public static let ednsPayloadSize: UInt16 = 1232

    /// `name` lower-cased and without its final dot, the form questions and records are compared in.
    public static func canonical(_ name: String) -> String {
        let lowered = name.lowercased()
        return lowered.hasSuffix(".") ? String(lowered.dropLast()) : lowered
    }

    /// A recursive-desired query for `name`'s `type` records, with message id `id` and, unless
    /// `ednsPayload` is nil, an EDNS0 OPT record announcing that UDP payload size.
    public static func query(id: UInt16, name: String, type: DNSRecordType, ednsPayload: UInt16? = ednsPayloadSize) -> [UInt8]? {
        var bytes: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xFF), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, ednsPayload == nil ? 0 : 1]
        let labels = name.hasSuffix(".") ? name.dropLast().split(separator: ".", omittingEmptySubsequences: false)
                                         : name.split(separator: ".", omittingEmptySubsequences: false)
        guard !labels.isEmpty else { return nil }
        for label in labels {
            let utf8 = Array(label.utf8)
            guard !utf8.isEmpty, utf8.count <= 63 else { return nil }
            bytes.append(UInt8(utf8.count))
            bytes += utf8
        }
        bytes.append(0)
        guard bytes.count - 12 <= 255 else { return nil }
        bytes += [UInt8(type.code >> 8), UInt8(type.code & 0xFF), 0, 1]
        if let payload = ednsPayload {
            // OPT: root name, type 41, class = payload size, extended rcode/version/flags 0, no options.
            bytes += [0, 0, 41, UInt8(payload >> 8), UInt8(payload & 0xFF), 0, 0, 0, 0, 0, 0]
        }
        return bytes
    }

    public enum ParseError: Error, Equatable {
        case truncated
        case wrongID
        case malformed
    }

    /// Reads a whole response: header, the question, and the answer section.
    public static func parseResponse(_ bytes: [UInt8]) throws(ParseError) -> DNSResponse {
        guard bytes.count >= 12 else { throw .truncated }
        guard bytes[2] & 0x80 != 0 else { throw .malformed }  // QR: not a response
        let id = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
        let truncated = bytes[2] & 0x02 != 0
        let rcode = Int(bytes[3] & 0x0F)
        let questions = Int(UInt16(bytes[4]) << 8 | UInt16(bytes[5]))
        let answerCount = Int(UInt16(bytes[6]) << 8 | UInt16(bytes[7]))
        var offset = 12
        var questionName = "", questionType: UInt16 = 0
        for index in 0..<questions {
            let name = try readName(bytes, &offset)
            guard offset + 4 <= bytes.count else { throw .truncated }
            if index == 0 {
                questionName = name
                questionType = UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
            }
            offset += 4
        }
        var answers: [DNSRecord] = []
        answers.reserveCapacity(answerCount)
        for _ in 0..<answerCount {
            let owner: String
            do { owner = try readName(bytes, &offset) } catch .truncated where truncated { break }
            guard offset + 10 <= bytes.count else {
                if truncated { break }  // a TC reply may stop anywhere
                throw .truncated
            }
            let recordType = UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
            let length = Int(UInt16(bytes[offset + 8]) << 8 | UInt16(bytes[offset + 9]))
            offset += 10
            guard offset + length <= bytes.count else {
                if truncated { break }
                throw .truncated
            }
            var value: String?
            if let known = DNSRecordType(code: recordType) { value = try rdata(bytes, offset, length, known) }
            answers.append(DNSRecord(name: owner, type: recordType, value: value))
            offset += length
        }
        return DNSResponse(id: id, rcode: rcode, truncated: truncated, questionName: questionName,
                           questionType: questionType, answers: answers)
    }

    /// Reads the response to query `id` for `name`'s `type` (without checking the question).
    public static func parse(_ bytes: [UInt8], id: UInt16, type: DNSRecordType) throws(ParseError) -> DNSOutcome {
        let response = try parseResponse(bytes)
        guard response.id == id else { throw .wrongID }
        return response.interpret(name: response.questionName, type: type).outcome
    }

    private static func rdata(_ bytes: [UInt8], _ offset: Int, _ length: Int, _ type: DNSRecordType) throws(ParseError) -> String {
        switch type {
        case .a:
            guard length == 4 else { throw .malformed }
            return bytes[offset..<offset + 4].map(String.init).joined(separator: ".")
        case .aaaa:
            guard length == 16 else { throw .malformed }
            guard let text = IPAddress.v6Text(bytes[offset..<offset + 16]) else { throw .malformed }
            return text
        case .cname, .ns:
            var at = offset
            return try readName(bytes, &at)
        case .mx:
            guard length >= 3 else { throw .malformed }
            let preference = UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
            var at = offset + 2
            return "\(preference) \(try readName(bytes, &at))"
        case .txt:
            var at = offset
            var parts: [String] = []
            while at < offset + length {
                let count = Int(bytes[at])
                guard at + 1 + count <= offset + length else { throw .malformed }
                parts.append(String(decoding: bytes[(at + 1)..<(at + 1 + count)], as: UTF8.self))
                at += 1 + count
            }
            return parts.joined()
        }
    }

    /// Reads a possibly compressed name at `offset`, lower-cased (ASCII), advancing `offset` past the name's bytes here.
    static func readName(_ bytes: [UInt8], _ offset: inout Int) throws(ParseError) -> String {
        var name: [UInt8] = []
        name.reserveCapacity(64)
        var at = offset
        var jumped = false
        var jumps = 0
        while true {
            guard at < bytes.count else { throw .truncated }
            let length = Int(bytes[at])
            if length == 0 {
                if !jumped { offset = at + 1 }
                break
            }
            if length & 0xC0 == 0xC0 {
                guard at + 1 < bytes.count else { throw .truncated }
                jumps += 1
                guard jumps < 64 else { throw .malformed }  // a pointer loop
                if !jumped { offset = at + 2 }
                jumped = true
                at = (length & 0x3F) << 8 | Int(bytes[at + 1])
                continue
            }
            guard length & 0xC0 == 0 else { throw .malformed }
            guard at + 1 + length <= bytes.count else { throw .truncated }
            if !name.isEmpty { name.append(UInt8(ascii: ".")) }
            for byte in bytes[(at + 1)..<(at + 1 + length)] {
                name.append(byte >= 65 && byte <= 90 ? byte + 32 : byte)
            }
            at += 1 + length
        }
        return String(decoding: name, as: UTF8.self)
    }
}
