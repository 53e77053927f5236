import ArgumentParser
import DomainFlowCore
import DomainFlowEventLoop
import DomainFlowServer
import DomainFlowStore
import Foundation
import Glibc
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

@main
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "domainflow-server",
        abstract: "The DomainFlow server: serves the DomainFlow protocol on a Unix domain socket.",
        subcommands: [Serve.self, Migrate.self, CreateAdmin.self],
        defaultSubcommand: Serve.self)
}

/// Where the data lives: a PostgreSQL URL, or the embedded cluster's directory.
struct DatabaseOptions: ParsableArguments {
    @Option(help: "PostgreSQL connection URL or conninfo (default: $DATABASE_URL; without one, an embedded cluster is run).")
    var databaseURL: String?

    @Option(help: "Data directory of the embedded PostgreSQL cluster (default: $XDG_DATA_HOME/domainflow/postgres or ~/.local/share/domainflow/postgres).")
    var dataDir: String?

    @Option(help: "Database connections in the pool.")
    var poolSize: Int = 4

    @Option(help: "Connections in libpq's pipeline mode that the unary reads (Get and List calls) share, beside the pool (default: one per event loop).")
    var readConnections: Int?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func bootstrapLogging() throws -> Logger {
        guard let level = Logger.Level(rawValue: logLevel) else { throw ValidationError("unknown log level '\(logLevel)'") }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "domainflow.server")
    }

    /// The database to use; starts the embedded cluster when no URL is given.
    func resolve(logger: Logger) async throws -> (connectionString: String, embedded: EmbeddedPostgres?) {
        if let url = databaseURL ?? environment("DATABASE_URL") { return (url, nil) }
        let cluster = try EmbeddedPostgres(dataDirectory: dataDir ?? EmbeddedPostgres.defaultDataDirectory(), logger: logger)
        try await NIOThreadPool.singleton.runIfActive { try cluster.start() }
        return (cluster.connectionString, cluster)
    }

    /// For one-shot commands: opens a one-connection store (starting the embedded cluster if needed), runs
    /// `body`, then shuts the store down and stops the cluster, in that order, however `body` ends.
    func withStore<T>(logger: Logger, _ body: (Store) async throws -> T) async throws -> T {
        let (connectionString, embedded) = try await resolve(logger: logger)
        defer { if let embedded { try? embedded.stop() } }
        let store = try await Store.open(ConnectionPool.Configuration(connectionString: connectionString, size: 1), logger: logger)
        do {
            let result = try await body(store)
            await store.shutdown()
            return result
        } catch {
            await store.shutdown()
            throw error
        }
    }

    private func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        let text = String(cString: value)
        return text.isEmpty ? nil : text
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the server (the default).")

    @Option(help: "Unix socket path (default: $DOMAINFLOW_SOCKET, else $XDG_RUNTIME_DIR/domainflow/domainflow.sock, else /tmp/domainflow-<uid>/domainflow.sock).")
    var socket: String?

    @Option(help: "Permission bits of the socket file, in octal.")
    var socketMode: String = "660"

    @Option(help: "Largest frame accepted, in bytes.")
    var maxFrameBytes: Int = 4 * 1024 * 1024

    @Option(help: "Seconds a shutdown waits for open calls before cancelling them.")
    var shutdownGrace: Int = 10

    @Option(help: "Map a peer uid to a user, without a password (repeatable): UID=USERNAME. Off by default.")
    var trustPeerUid: [String] = []

    @Option(help: "Hours a session lives without use (each call extends it).")
    var sessionHours: Int = 12

    @Option(help: "Campaign engine workers in this process (0: this server runs no campaign work).")
    var engineWorkers: Int = 2

    @Option(help: "Event-loop threads serving connections and driving the read connections (default: half the cores, at least one).")
    var eventLoopThreads: Int = EpollEventLoopGroup.defaultThreads

    @Option(help: "Seconds a leased batch stays with its worker before another may take it (crash recovery).")
    var leaseSeconds: Int = 30

    @Option(help: "Names per batch of new generation campaigns.")
    var batchSize: Int = 5_000

    @Option(help: "Key file sealing proxy passwords, created (mode 0600) if missing; $DOMAINFLOW_SECRET_KEY overrides it (default: next to the embedded data, or ~/.config/domainflow/secret.key).")
    var secretKeyFile: String?

    @Option(help: "The URL proxy checks fetch when the caller names none (TestProxy, CheckAllProxies).")
    var proxyCheckURL = "https://www.example.com/"

    @Option(help: "Seconds one proxy check may take, connection and response included.")
    var proxyCheckTimeout: Int = 10

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard let url = URL(string: proxyCheckURL), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
            throw ValidationError("--proxy-check-url must be an absolute http:// or https:// URL")
        }
        guard (1...300).contains(proxyCheckTimeout) else { throw ValidationError("--proxy-check-timeout must be 1...300 seconds") }
        guard (1...1000).contains(database.poolSize) else { throw ValidationError("--pool-size must be 1...1000") }
        guard (0...256).contains(database.readConnections ?? 0) else {
            throw ValidationError("--read-connections must be 0...256 (0: the reads take pooled connections)")
        }
    }

    func authConfiguration() throws -> AuthConfiguration {
        var auth = AuthConfiguration()
        guard (1...24 * 365).contains(sessionHours) else { throw ValidationError("--session-hours must be 1...8760") }
        auth.sessionLifetime = .seconds(sessionHours * 3600)
        for mapping in trustPeerUid {
            let parts = mapping.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let uid = UInt32(parts[0]), !parts[1].isEmpty else {
                throw ValidationError("--trust-peer-uid takes UID=USERNAME, e.g. 1000=alice")
            }
            auth.trustedPeers[uid] = String(parts[1])
        }
        return auth
    }

    func run() async throws {
        let tuned = MemoryTuning.apply()  // first: before the threads that would get arenas of their own
        guard (1...256).contains(eventLoopThreads) else { throw ValidationError("--event-loop-threads 1...256") }
        // One set of loops serves the connections and drives the pipelined database connections, so that a read is
        // sent, answered and resumed on the loop of its call; they stop after the server and the store.
        let loops = try EpollEventLoopGroup(threads: eventLoopThreads)
        do {
            try await serve(on: loops, tuned: tuned)
        } catch {
            await loops.stop()
            throw error
        }
        await loops.stop()
    }

    private func serve(on loops: EpollEventLoopGroup, tuned: Bool) async throws {
        let auth = try authConfiguration()
        guard let mode = mode_t(socketMode, radix: 8), mode <= 0o777 else {
            throw ValidationError("socket mode must be octal permission bits, e.g. 660")
        }
        let logger = try database.bootstrapLogging()
        let openFiles = OpenFileLimit.raiseToHardLimit()
        logger.debug("open file limit", metadata: ["limit": "\(openFiles)"])
        logger.debug("malloc tuning", metadata: ["applied": "\(tuned)"])
        let (connectionString, embedded) = try await database.resolve(logger: logger)
        let store: Store
        do {
            store = try await Store.open(ConnectionPool.Configuration(connectionString: connectionString, size: database.poolSize,
                                                                      pipelinedReaders: database.readConnections ?? eventLoopThreads,
                                                                      loops: loops),
                                         logger: logger)
        } catch {
            try? await embedded?.stopOffTheLoop()
            throw error
        }
        var config = ServerConfiguration(socketMode: mode, maxFrameBytes: maxFrameBytes,
                                         shutdownGracePeriod: .seconds(shutdownGrace), logger: logger, store: store,
                                         authentication: .required(auth))
        if let socket { config.socketPath = socket }
        if let (descriptor, path) = try SocketActivation.listener() {
            // systemd (or anything doing as it does) made the socket: serve that one.
            if let socket, socket != path { logger.notice("serving the passed socket, not --socket", metadata: ["passed": "\(path)", "socket": "\(socket)"]) }
            config.inheritedListener = descriptor
            config.socketPath = path
        }
        guard (0...64).contains(engineWorkers), (1...3600).contains(leaseSeconds), (1...1_000_000).contains(batchSize) else {
            throw ValidationError("--engine-workers 0...64, --lease-seconds 1...3600, --batch-size 1...1000000")
        }
        config.eventLoops = loops
        config.engine.workers = engineWorkers
        config.engine.leaseDuration = .seconds(leaseSeconds)
        config.engine.batchSize = batchSize
        config.proxyCheckURL = URL(string: proxyCheckURL)!
        config.proxyCheckTimeout = .seconds(proxyCheckTimeout)

        do {
            let keyFile = secretKeyFile ?? (getuid() == 0 ? "/var/lib/domainflow/secret.key"
                : BaseDirectories.config() + "/domainflow/secret.key")
            config.secrets = try SecretBox.load(keyFile: keyFile)
            _ = try await AdminBootstrap.ensureAdmin(store: store, bcryptCost: auth.bcryptCost, logger: logger)
        } catch {
            await store.shutdown()
            try? await embedded?.stopOffTheLoop()
            throw error
        }
        // One group runs them until SIGTERM or SIGINT, then shuts them down in reverse order: the server drains,
        // the engine's workers stop, then the store closes and the embedded cluster stops. The listener opens
        // inside the group, so that a signal is handled from the first call on; if it cannot open, the group
        // stops the rest and the error ends the command.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: StoreLifecycleService(store: store, embedded: embedded))]
        if let engine = config.makeEngine() { services.append(.init(service: EngineLifecycleService(engine: engine))) }
        services.append(.init(service: ServerLifecycleService(configuration: config)))
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending schema migrations and exit.")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let logger = try database.bootstrapLogging()
        try await database.withStore(logger: logger) { store in print("schema version \(store.schemaVersion)") }
    }
}

struct CreateAdmin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create-admin",
        abstract: "Create an admin user with a random one-time password (or $DOMAINFLOW_ADMIN_PASSWORD) and print it.")

    @Option(help: "Username of the new admin.") var username = "admin"
    @Option(help: "Email of the new admin (default: USERNAME@domainflow.local).") var email: String?
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let logger = try database.bootstrapLogging()
        let created = try await database.withStore(logger: logger) { store in
            try await AdminBootstrap.createAdmin(store: store, username: username, email: email ?? "\(username)@domainflow.local")
        }
        print(created.generated
              ? "created admin '\(created.username)' with one-time password: \(created.password)"
              : "created admin '\(created.username)' with the password from DOMAINFLOW_ADMIN_PASSWORD")
        print("it must be changed at first login (domainflow login, then domainflow passwd)")
    }
}
