import ArgumentParser
import DomainFlowClient
import DomainFlowWire
import Foundation

struct ServerInfoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "server-info", abstract: "Show the server's versions, limits and counters.")

    @OptionGroup var connection: ConnectionOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let info = try await connection.unary(Methods.serverInfo, .init(), timeout: .seconds(10))
        var rows: [(String, String)] = [
            ("server_version", info.serverVersion),
            ("protocol_version", "\(info.protocolVersion)"),
            ("max_frame_bytes", "\(info.limits?.maxFrameBytes ?? 0)"),
            ("max_concurrent_calls", "\(info.limits?.maxConcurrentCalls ?? 0)"),
            ("uptime_millis", "\(info.uptimeMillis)"),
            ("open_connections", "\(info.openConnections)"),
            ("calls_served", "\(info.callsServed)"),
            ("calls_in_flight", "\(info.callsInFlight)"),
            ("outbound_buffered_bytes", "\(info.outboundBufferedBytes)"),
        ]
        if let store = info.store {
            rows += [("store_pool_size", "\(store.poolSize)"), ("store_in_use", "\(store.inUse)"),
                     ("store_waiters", "\(store.waiters)"), ("database_version", store.databaseVersion),
                     ("schema_version", "\(store.schemaVersion)")]
        }
        if json {
            var object: [String: Any] = [:]
            for (key, value) in rows { object[key] = Int(value) ?? value as Any }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            let width = rows.map(\.0.count).max() ?? 0
            for (key, value) in rows { print(key.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value) }
        }
    }
}
