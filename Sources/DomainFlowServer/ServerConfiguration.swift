import DomainFlowEngine
import DomainFlowEventLoop
import DomainFlowStore
import DomainFlowWire
import Foundation
import Glibc
import Logging
import NIOCore

/// Everything a server needs to know to start.
public struct ServerConfiguration: Sendable {
    /// Path of the Unix domain socket to listen on.
    public var socketPath: String
    /// A listening Unix socket handed over by the service manager (systemd socket activation): served
    /// instead of binding `socketPath`, and never chmod-ed or removed (its owner made it).
    public var inheritedListener: Int32?
    /// Permission bits of the socket file (default 0660: owner and group may connect).
    public var socketMode: mode_t
    public var maxFrameBytes: Int
    /// Calls one connection may have open at once; more get RESOURCE_EXHAUSTED.
    public var maxConcurrentCallsPerConnection: Int
    /// How long a graceful shutdown waits for open calls before cancelling them.
    public var shutdownGracePeriod: Duration
    /// Event-loop threads (default: `EpollEventLoopGroup.defaultThreads`), when the server starts loops of its own.
    public var eventLoopThreads: Int
    /// Loops to serve the connections on, shared with the store's pipelined connections (`ConnectionPool.Configuration
    /// .loops`) so that a read is answered on the loop that read its call; their owner stops them after the server
    /// and the store. Nil: the server starts `eventLoopThreads` loops of its own and stops them at shutdown.
    public var eventLoops: EpollEventLoopGroup?
    public var logger: Logger
    /// The PostgreSQL store, or nil for a server without one (protocol-only tests).
    public var store: Store?
    /// Authentication; `.required` needs a store.
    public var authentication: Authentication
    /// The key that seals proxy passwords; without one, proxies cannot have passwords.
    public var secrets: SecretBox?
    /// Where proxy checks fetch when the caller names no URL.
    public var proxyCheckURL = URL(string: "https://www.example.com/")!
    /// How long one proxy check may take, connection and response included.
    public var proxyCheckTimeout = Duration.seconds(10)
    /// The campaign engine (runs when there is a store and `workers > 0`).
    public var engine = CampaignEngine.Configuration()

    public init(socketPath: String = DefaultSocket.path(),
                socketMode: mode_t = 0o660,
                maxFrameBytes: Int = defaultMaxFrameBytes,
                maxConcurrentCallsPerConnection: Int = 256,
                shutdownGracePeriod: Duration = .seconds(10),
                eventLoopThreads: Int = EpollEventLoopGroup.defaultThreads,
                logger: Logger = Logger(label: "domainflow.server"),
                store: Store? = nil,
                authentication: Authentication = .required(AuthConfiguration())) {
        self.socketPath = socketPath
        self.socketMode = socketMode
        self.maxFrameBytes = maxFrameBytes
        self.maxConcurrentCallsPerConnection = maxConcurrentCallsPerConnection
        self.shutdownGracePeriod = shutdownGracePeriod
        self.eventLoopThreads = eventLoopThreads
        self.logger = logger
        self.store = store
        self.authentication = authentication
    }

}

