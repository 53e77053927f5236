/// Partial updates by field mask, as `google.protobuf.FieldMask` does it: a path names a field of the
/// request message ("name"), or a field inside one of its message fields ("http.user_agent").
/// Masked fields are taken from the update (absent there: reset to the default); all others keep
/// their current values.
public struct FieldMask: Sendable {
    /// Field names (as in the .proto) to numbers, and the schemas of message fields that may be entered.
    public let fields: [String: UInt32]
    public let messages: [String: FieldMask]

    public init(fields: [String: UInt32], messages: [String: FieldMask] = [:]) {
        self.fields = fields
        self.messages = messages
    }

    /// Every field of `schema` by its `.proto` name but those `excluded` (at the top level), message fields
    /// enterable: read from the descriptors.
    public init(schema: ProtoSchema, excluding excluded: Set<String> = []) {
        var fields: [String: UInt32] = [:]
        var messages: [String: FieldMask] = [:]
        for field in schema.fieldList where !excluded.contains(field.name) {
            fields[field.name] = field.number
            if field.kind == .message, !field.isRepeated, let sub = schema.subSchema(field.number) {
                messages[field.name] = FieldMask(schema: sub)
            }
        }
        self.init(fields: fields, messages: messages)
    }

    /// `current` with the fields named by `paths` copied from `update`; INVALID_ARGUMENT for an unknown path.
    public func apply(_ paths: [String], update: ProtoFields, to current: ProtoFields) throws(RPCError) -> ProtoFields {
        var merged = current
        for path in paths {
            let parts = path.split(separator: ".", maxSplits: 1).map(String.init)
            guard let number = fields[parts[0]] else {
                throw .invalidArgument("update_mask: unknown field '\(path)'; known: \(fields.keys.sorted().joined(separator: ", "))")
            }
            if parts.count == 1 {
                merged[number] = update[number]
                continue
            }
            guard let inner = messages[parts[0]] else {
                throw .invalidArgument("update_mask: '\(parts[0])' has no fields to enter ('\(path)')")
            }
            func message(_ value: ProtoValue?) -> ProtoFields {
                if case .message(let m) = value { m } else { ProtoFields() }
            }
            merged[number] = .message(try inner.apply([parts[1]], update: message(update[number]), to: message(merged[number])))
        }
        return merged
    }
}
