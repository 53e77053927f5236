/// A Swift value that maps to one protobuf message of `Protos/`.
///
/// The conformers are generated from `Protos/` (`Sources/DomainFlowWire/Generated`); the protobuf-c codec
/// does the rest from the generated descriptors.
public protocol WireMessage: Sendable {
    /// Builds the value from decoded fields; throws `RPCError` (INVALID_ARGUMENT) on values it cannot accept.
    init(fields: ProtoFields) throws
    /// The fields to encode.
    var fields: ProtoFields { get }
    /// Reads the message from protobuf-c's C message: the codec's fast path (generated; by default through `fields`).
    init(protobufC message: ProtobufCReader) throws
    /// Writes the message into protobuf-c's C message (generated; by default through `fields`).
    func write(protobufC message: ProtobufCWriter)
}
