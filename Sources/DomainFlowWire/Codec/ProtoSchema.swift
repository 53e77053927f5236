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

    /// The schema of the sub-message in field `number`, or nil if that field is not a message.
    public func subSchema(_ number: UInt32) -> ProtoSchema? {
        guard let field = protobuf_c_message_descriptor_get_field(descriptor, number),
              field.pointee.type == PROTOBUF_C_TYPE_MESSAGE,
              let sub = field.pointee.descriptor else { return nil }
        return ProtoSchema(descriptor: sub.assumingMemoryBound(to: ProtobufCMessageDescriptor.self))
    }
}
