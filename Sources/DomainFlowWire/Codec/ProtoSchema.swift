import CProtobufC
import DomainFlowProtoC

/// A protobuf message type known to protobuf-c: a handle on its generated descriptor.
/// Only the envelope types are named here; nested messages are reached through their fields.
public struct ProtoSchema: @unchecked Sendable {
    // Safe to share: generated descriptors are immutable C globals.
    let descriptor: UnsafePointer<ProtobufCMessageDescriptor>

    /// The protobuf full name, e.g. `domainflow.v1.ClientFrame`.
    public var fullName: String { String(cString: descriptor.pointee.name) }

    public static let clientFrame = ProtoSchema(descriptor: domainflow__v1__client_frame__descriptor_ptr())
    public static let serverFrame = ProtoSchema(descriptor: domainflow__v1__server_frame__descriptor_ptr())

    /// The schema of the request message of method `number` (the `Request.method` oneof's field), or nil if the
    /// protocol has no such method.
    public static func request(ofMethod number: UInt32) -> ProtoSchema? {
        clientFrame.subSchema(2)?.subSchema(number)
    }

    /// The method numbers the protocol defines: the fields of `Request`'s `method` oneof, in order.
    public static let methodNumbers: [UInt32] = {
        guard let request = clientFrame.subSchema(2) else { return [] }
        return request.fieldList.filter(\.isInOneof).map(\.number)
    }()

    /// This message's fields as declared, in field-number order.
    public var fieldList: [ProtoFieldInfo] {
        let d = descriptor.pointee
        return (0..<Int(d.n_fields)).map { i in
            let field = d.fields[i]
            let kind: ProtoFieldInfo.Kind
            switch field.type {
            case PROTOBUF_C_TYPE_STRING: kind = .string
            case PROTOBUF_C_TYPE_BYTES: kind = .bytes
            case PROTOBUF_C_TYPE_BOOL: kind = .bool
            case PROTOBUF_C_TYPE_ENUM: kind = .enumeration
            case PROTOBUF_C_TYPE_MESSAGE: kind = .message
            case PROTOBUF_C_TYPE_FLOAT, PROTOBUF_C_TYPE_DOUBLE: kind = .floatingPoint
            case PROTOBUF_C_TYPE_UINT32, PROTOBUF_C_TYPE_FIXED32, PROTOBUF_C_TYPE_UINT64, PROTOBUF_C_TYPE_FIXED64:
                kind = .unsignedInteger
            default: kind = .signedInteger
            }
            return ProtoFieldInfo(number: field.id, name: String(cString: field.name), kind: kind,
                                  isRepeated: field.label == PROTOBUF_C_LABEL_REPEATED,
                                  isInOneof: (field.flags & UInt32(PROTOBUF_C_FIELD_FLAG_ONEOF.rawValue)) != 0)
        }
    }

    /// The position of field `number` in the descriptor's field list (the index `ProtobufCReader` and
    /// `ProtobufCWriter` take), or nil when the message has no such field.
    func fieldIndex(_ number: UInt32) -> Int? {
        guard let field = protobuf_c_message_descriptor_get_field(descriptor, number) else { return nil }
        return field - descriptor.pointee.fields
    }

    /// The values of the enum in field `number` (name as in the `.proto`, number), or [] if it is not an enum.
    public func enumValues(ofField number: UInt32) -> [(name: String, number: Int32)] {
        guard let field = protobuf_c_message_descriptor_get_field(descriptor, number),
              field.pointee.type == PROTOBUF_C_TYPE_ENUM, let raw = field.pointee.descriptor else { return [] }
        let e = raw.assumingMemoryBound(to: ProtobufCEnumDescriptor.self).pointee
        return (0..<Int(e.n_values)).map { (String(cString: e.values[$0].name), e.values[$0].value) }
    }

    /// The schema of the sub-message in field `number`, or nil if that field is not a message.
    public func subSchema(_ number: UInt32) -> ProtoSchema? {
        guard let field = protobuf_c_message_descriptor_get_field(descriptor, number),
              field.pointee.type == PROTOBUF_C_TYPE_MESSAGE,
              let sub = field.pointee.descriptor else { return nil }
        return ProtoSchema(descriptor: sub.assumingMemoryBound(to: ProtobufCMessageDescriptor.self))
    }
}

/// One declared field of a message, as its descriptor describes it.
public struct ProtoFieldInfo: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case string, bytes, bool, enumeration, message, floatingPoint, signedInteger, unsignedInteger
    }

    public let number: UInt32
    /// The name in the `.proto` file (snake_case).
    public let name: String
    public let kind: Kind
    public let isRepeated: Bool
    public let isInOneof: Bool
}
