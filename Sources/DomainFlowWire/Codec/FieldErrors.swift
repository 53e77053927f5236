/// The errors of decoding a field, worded once for both decoders (`ProtoFields`, `ProtobufCReader`).
enum FieldErrors {
    /// The value `raw` of enum field `name` as `E`; INVALID_ARGUMENT naming the field for a value `E` lacks.
    static func enumValue<E: RawRepresentable<Int32>>(_ raw: Int32, _ name: String) throws(RPCError) -> E {
        guard let value = E(rawValue: raw) else { throw .invalidArgument("\(name): unknown value \(raw)") }
        return value
    }

    /// Runs `body`, prefixing the message of an INVALID_ARGUMENT it throws with `name.` (the path of the field).
    static func within<T>(_ name: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as RPCError where error.code == .invalidArgument {
            throw RPCError.invalidArgument("\(name).\(error.message)")
        }
    }
}
