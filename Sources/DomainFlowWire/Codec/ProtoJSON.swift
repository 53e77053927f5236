import Foundation

/// Reads a message from a JSON (or YAML) value tree by protobuf's JSON mapping, driven by the
/// message's descriptor: field names in lowerCamelCase or as in the `.proto` (snake_case), enum
/// values by name (the full name, or without its type's prefix, in any case) or number, 64-bit
/// integers as numbers or strings, bytes in base64. A key that is not a field is an error naming it
/// and the fields there are; every error names the path of the value it is about.
public enum ProtoJSON {
    /// A value that does not fit the message, at `path` (e.g. `generation.prefix_length`).
    public struct DecodingError: Error, CustomStringConvertible, Equatable {
        public let path: String
        public let problem: String
        public var description: String { path.isEmpty ? problem : "\(path): \(problem)" }
    }

    /// The fields of a `schema` message read from `value`: a dictionary as `JSONSerialization` or a YAML
    /// loader gives it (strings, booleans, numbers, arrays, dictionaries).
    public static func fields(from value: Any, schema: ProtoSchema, path: String = "") throws(DecodingError) -> ProtoFields {
        let object: [String: Any]
        if let strings = value as? [String: Any] {
            object = strings
        } else if let mapping = value as? [AnyHashable: Any] {
            object = Dictionary(mapping.map { ("\($0.key)", $0.value) }, uniquingKeysWith: { first, _ in first })
        } else {
            throw DecodingError(path: path, problem: "expected an object with the fields of \(schema.fullName)")
        }
        let declared = schema.fieldList
        var fields = ProtoFields()
        for (key, item) in object.sorted(by: { $0.key < $1.key }) {
            guard let field = declared.first(where: { $0.name == key || lowerCamel($0.name) == key }) else {
                let known = declared.map(\.name).joined(separator: ", ")
                throw DecodingError(path: join(path, key), problem: "unknown field; the fields here are: \(known)")
            }
            let at = join(path, field.name)
            if item is NSNull { continue }
            if field.isRepeated {
                guard let items = item as? [Any] else { throw DecodingError(path: at, problem: "expected a list") }
                var values: [ProtoValue] = []
                for (index, element) in items.enumerated() {
                    values.append(try scalar(element, field: field, schema: schema, path: "\(at)[\(index)]"))
                }
                if !values.isEmpty { fields[field.number] = .list(values) }
            } else {
                fields[field.number] = try scalar(item, field: field, schema: schema, path: at)
            }
        }
        return fields
    }

    private static func scalar(_ value: Any, field: ProtoFieldInfo, schema: ProtoSchema,
                               path: String) throws(DecodingError) -> ProtoValue {
        switch field.kind {
        case .message:
            guard let sub = schema.subSchema(field.number) else { throw DecodingError(path: path, problem: "no schema") }
            return .message(try fields(from: value, schema: sub, path: path))
        case .string:
            if let text = value as? String { return .string(text) }
            if let number = integer(value) { return .string(String(number)) }
            if let number = real(value) { return .string(String(number)) }
            throw DecodingError(path: path, problem: "expected text")
        case .bool:
            guard let flag = value as? Bool else {
                throw DecodingError(path: path, problem: "expected true or false")
            }
            return .bool(flag)
        case .enumeration:
            let values = schema.enumValues(ofField: field.number)
            if let number = integer(value), let match = values.first(where: { Int64($0.number) == number }) { return .int(Int64(match.number)) }
            if let name = value as? String {
                let wanted = name.uppercased().replacingOccurrences(of: "-", with: "_")
                let matches = values.filter { $0.name == wanted || $0.name.hasSuffix("_" + wanted) }
                if matches.count == 1 { return .int(Int64(matches[0].number)) }
            }
            let names = values.filter { !$0.name.hasSuffix("_UNSPECIFIED") }.map(\.name).joined(separator: ", ")
            throw DecodingError(path: path, problem: "'\(value)' is not one of \(names) (or their numbers)")
        case .signedInteger:
            guard let number = integer(value) else { throw DecodingError(path: path, problem: "expected a whole number") }
            return .int(number)
        case .unsignedInteger:
            guard let number = integer(value), number >= 0 else { throw DecodingError(path: path, problem: "expected a whole number, 0 or more") }
            return .uint(UInt64(number))
        case .floatingPoint:
            if let number = real(value) { return .double(number) }
            throw DecodingError(path: path, problem: "expected a number")
        case .bytes:
            guard let text = value as? String, let data = Data(base64Encoded: text) else {
                throw DecodingError(path: path, problem: "expected base64 text")
            }
            return .bytes([UInt8](data))
        }
    }

    /// A whole number from a number or a numeric string (protobuf's JSON mapping writes 64-bit integers as strings).
    private static func integer(_ value: Any) -> Int64? {
        if value is Bool { return nil }
        if let number = value as? Int { return Int64(number) }
        if let number = value as? Double, number == number.rounded(), abs(number) < 9.2e18 { return Int64(number) }
        if let text = value as? String { return Int64(text) }
        return nil
    }

    /// A number from a whole or decimal number, or a numeric string.
    private static func real(_ value: Any) -> Double? {
        if value is Bool { return nil }
        if let number = value as? Double { return number }
        if let number = value as? Int { return Double(number) }
        if let text = value as? String { return Double(text) }
        return nil
    }

    /// `prefix_length` → `prefixLength`, as protobuf's JSON mapping names fields.
    public static func lowerCamel(_ name: String) -> String {
        var result = ""
        var upper = false
        for character in name {
            if character == "_" { upper = true; continue }
            result.append(upper ? Character(character.uppercased()) : character)
            upper = false
        }
        return result
    }

    private static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
}

extension ProtoSchema {
    /// The schema of `method`'s request message.
    public static func request<I, O>(of method: Method<I, O>) -> ProtoSchema? { request(ofMethod: method.number) }
}
