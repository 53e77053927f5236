/// DNS record types DomainFlow queries.
public enum DNSRecordType: String, Sendable, CaseIterable {
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

/// DNS wire format (RFC 1035), pure: building a query and reading its response.
public enum DNSMessage {
    /// A recursive-desired query for `name`'s `type` records, with message id `id`.
    public static func query(id: UInt16, name: String, type: DNSRecordType) -> [UInt8]? {
        var bytes: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xFF), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]
        let labels = name.hasSuffix(".") ? name.dropLast().split(separator: ".") : name.split(separator: ".")
        for label in labels {
            let utf8 = Array(label.utf8)
            guard !utf8.isEmpty, utf8.count <= 63 else { return nil }
            bytes.append(UInt8(utf8.count))
            bytes += utf8
        }
        bytes.append(0)
        bytes += [UInt8(type.code >> 8), UInt8(type.code & 0xFF), 0, 1]
        return bytes.count <= 512 ? bytes : nil
    }

    public enum ParseError: Error, Equatable {
        case truncated
        case wrongID
        case malformed
    }

    /// Reads the response to query `id` for `type`.
    public static func parse(_ bytes: [UInt8], id: UInt16, type: DNSRecordType) throws(ParseError) -> DNSOutcome {
        guard bytes.count >= 12 else { throw .truncated }
        guard UInt16(bytes[0]) << 8 | UInt16(bytes[1]) == id else { throw .wrongID }
        let rcode = Int(bytes[3] & 0x0F)
        switch rcode {
        case 0: break
        case 2: return .servfail
        case 3: return .nxdomain
        case 5: return .refused
        default: return .otherCode(rcode)
        }
        let questions = Int(UInt16(bytes[4]) << 8 | UInt16(bytes[5]))
        let answers = Int(UInt16(bytes[6]) << 8 | UInt16(bytes[7]))
        var offset = 12
        for _ in 0..<questions {
            _ = try readName(bytes, &offset)
            offset += 4
        }
        var values: [String] = []
        for _ in 0..<answers {
            _ = try readName(bytes, &offset)
            guard offset + 10 <= bytes.count else { throw .truncated }
            let recordType = UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
            let length = Int(UInt16(bytes[offset + 8]) << 8 | UInt16(bytes[offset + 9]))
            offset += 10
            guard offset + length <= bytes.count else { throw .truncated }
            if recordType == type.code {
                values.append(try rdata(bytes, offset, length, type))
            }
            offset += length
        }
        return values.isEmpty ? .noRecords : .answers(values)
    }

    private static func rdata(_ bytes: [UInt8], _ offset: Int, _ length: Int, _ type: DNSRecordType) throws(ParseError) -> String {
        switch type {
        case .a:
            guard length == 4 else { throw .malformed }
            return bytes[offset..<offset + 4].map(String.init).joined(separator: ".")
        case .aaaa:
            guard length == 16 else { throw .malformed }
            let groups = stride(from: offset, to: offset + 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            return groups.joined(separator: ":")
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

    /// Reads a possibly compressed name at `offset`, advancing it past the name's bytes here.
    static func readName(_ bytes: [UInt8], _ offset: inout Int) throws(ParseError) -> String {
        var labels: [String] = []
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
            guard at + 1 + length <= bytes.count else { throw .truncated }
            labels.append(String(decoding: bytes[(at + 1)..<(at + 1 + length)], as: UTF8.self))
            at += 1 + length
        }
        return labels.joined(separator: ".")
    }
}
