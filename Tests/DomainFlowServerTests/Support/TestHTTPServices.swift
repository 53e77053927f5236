import DomainFlowClient
import DomainFlowServer
import DomainFlowWire
import Foundation
import Glibc
import Testing

/// The loopback servers `Scripts/http-throwaway` starts for the HTTP tests (nginx, tinyproxy twice, dante, microsocks).
enum TestHTTPServices {
    static func address(_ variable: String) throws -> (host: String, port: UInt32) {
        guard let value = ProcessInfo.processInfo.environment[variable], let colon = value.lastIndex(of: ":"),
              let port = UInt32(value[value.index(after: colon)...]) else {
            throw TestFailure("\(variable) is not set: run the tests with Scripts/test, which starts nginx, tinyproxy and dante")
        }
        return (String(value[..<colon]), port)
    }

    static func url(_ path: String, tls: Bool = false) throws -> String {
        let (host, port) = try address(tls ? "DOMAINFLOW_TEST_HTTPS" : "DOMAINFLOW_TEST_HTTP")
        return "\(tls ? "https" : "http")://\(host):\(port)\(path)"
    }

    static func proxy(_ name: String, _ kind: ProxyProtocol, _ variable: String, username: String = "", password: String = "") throws -> ProxyRequest {
        let (host, port) = try address(variable)
        return ProxyRequest(name: name, protocol: kind, host: host, port: port, username: username, password: password, setPassword: !password.isEmpty)
    }

    /// A TCP port that accepts connections (the kernel completes them) but never answers.
    static func silentListener() throws -> (fd: Int32, port: UInt32) { try loopbackListener() }

    /// A listening TCP socket on 127.0.0.1 at a port the kernel chose.
    static func loopbackListener() throws -> (fd: Int32, port: UInt32) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound, listen(fd, 16) == 0 else { throw TestFailure("cannot listen on loopback") }
        return (fd, UInt32(UInt16(bigEndian: address.sin_port)))
    }
}
