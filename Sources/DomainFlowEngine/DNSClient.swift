import DomainFlowCore
import Foundation
import Glibc

/// One DNS query over UDP to one resolver, blocking (run it on a thread pool), with a
/// timeout. A resolver nobody listens on is a timeout: replies come only from an answering
/// server (an unconnected socket ignores ICMP errors).
public enum DNSClient {
    public enum Result: Sendable, Equatable {
        case outcome(DNSOutcome)
        case timeout
        case error(String)
    }

    public static func query(_ name: String, type: DNSRecordType, host: String, port: Int, timeout: Duration) -> Result {
        let id = UInt16.random(in: 1...UInt16.max)
        guard let query = DNSMessage.query(id: id, name: name, type: type) else { return .error("'\(name)' is not a valid name") }
        let isV6 = host.contains(":")
        let fd = socket(isV6 ? AF_INET6 : AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return .error("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var storage = sockaddr_storage()
        let length: socklen_t
        if isV6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = in_port_t(UInt16(port).bigEndian)
            guard inet_pton(AF_INET6, host, &address.sin6_addr) == 1 else { return .error("bad address \(host)") }
            withUnsafeBytes(of: address) { raw in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: raw) } }
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { return .error("bad address \(host)") }
            withUnsafeBytes(of: address) { raw in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: raw) } }
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
        }
        let sent = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, query, query.count, 0, $0, length) }
        }
        guard sent == query.count else { return .error("send: \(String(cString: strerror(errno)))") }
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return .timeout }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let millis = Int32(clamping: max(1, left.wholeMilliseconds))
            let ready = poll(&poller, 1, millis)
            if ready == 0 { return .timeout }
            if ready < 0 { if errno == EINTR { continue } else { return .error("poll: \(String(cString: strerror(errno)))") } }
            let n = recv(fd, &buffer, buffer.count, 0)
            guard n > 0 else { continue }  // e.g. an ICMP error surfaced; keep waiting for a real answer
            do {
                return .outcome(try DNSMessage.parse(Array(buffer[0..<n]), id: id, type: type))
            } catch .wrongID {
                continue  // a stray datagram; not ours
            } catch {
                return .error("malformed response: \(error)")
            }
        }
    }
}
