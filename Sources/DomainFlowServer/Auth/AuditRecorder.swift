import DomainFlowStore
import Foundation

/// Writes `audit_logs` rows, on the caller's connection so that they commit or roll back
/// with the change they record. Details never hold a password or token.
enum AuditRecorder {
    static func record(_ connection: PGConnection, context: CallContext, userID: UUID?, action: String,
                       resourceType: String? = nil, resourceID: UUID? = nil, details: [String: Any] = [:]) throws {
        var details = details
        if let peer = context.peer {
            details["peer_uid"] = Int(peer.uid)
            details["peer_pid"] = Int(peer.pid)
        }
        details["method"] = context.methodName
        try write(connection, userID: userID, action: action, resourceType: resourceType, resourceID: resourceID,
                  details: details, userAgent: context.clientName)
    }

    /// Writes one row as given; `record` adds the call's peer, method and client to it.
    /// The server itself (first-start admin) writes through here, with no call.
    static func write(_ connection: PGConnection, userID: UUID?, action: String, resourceType: String?, resourceID: UUID?,
                      details: [String: Any], userAgent: String) throws {
        let json = (try? JSONSerialization.data(withJSONObject: details, options: [.sortedKeys]))
            .map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        try connection.run(AuditLogs.insert(userID: userID, action: action, resourceType: resourceType, resourceID: resourceID,
                                            details: json, userAgent: userAgent.isEmpty ? nil : userAgent))
    }
}
