/// A Swift value that maps to one protobuf message of `Protos/`.
///
/// Conformers list their fields by number in both directions, a few lines each; the
/// protobuf-c codec does the rest from the generated descriptors.
public protocol WireMessage: Sendable {
    /// Builds the value from decoded fields; throws `RPCError` (INVALID_ARGUMENT) on values it cannot accept.
    init(fields: ProtoFields) throws
    /// The fields to encode.
    var fields: ProtoFields { get }
}

/// A message with no fields.
public struct Empty: WireMessage, Equatable {
    public init() {}
    public init(fields: ProtoFields) {}
    public var fields: ProtoFields { ProtoFields() }
}
