import DomainFlowCore
import Foundation
import Logging

/// The server's own private PostgreSQL cluster, for when no database URL is given.
///
/// Lives in `dataDirectory`: `initdb` on first use, then started with no TCP listener and
/// its Unix socket inside the (0700) data directory, so only its owner can reach it; that
/// is why `trust` authentication is safe here. PostgreSQL refuses to run as root: as root,
/// the cluster runs as Debian's `postgres` user, which then owns the directory.
/// A cluster left running by an earlier run is reused; one that crashed is restarted
/// (PostgreSQL's own crash recovery does the rest).
public final class EmbeddedPostgres: Sendable {
    public let dataDirectory: String
    public let databaseName: String
    private let binDirectory: String
    private let logger: Logger

    public enum Failure: Error, CustomStringConvertible {
        case binariesNotFound
        case commandFailed(String, Int32, String)
        case socketPathTooLong(String)

        public var description: String {
            switch self {
            case .binariesNotFound:
                "PostgreSQL binaries (initdb, pg_ctl) not found on PATH or under /usr/lib/postgresql/*/bin; install Debian's postgresql package or pass --database-url"
            case .commandFailed(let command, let status, let output):
                "\(command) failed with status \(status): \(output)"
            case .socketPathTooLong(let path):
                "the cluster's socket path \(path) is too long for a Unix socket; choose a shorter --data-dir"
            }
        }
    }

    public init(dataDirectory: String, databaseName: String = "domainflow",
                logger: Logger = Logger(label: "domainflow.embedded-postgres")) throws {
        self.dataDirectory = (dataDirectory as NSString).standardizingPath
        self.databaseName = databaseName
        self.logger = logger
        guard let bin = Self.locateBinaries() else { throw Failure.binariesNotFound }
        binDirectory = bin
        guard (self.dataDirectory + "/.s.PGSQL.5432").utf8.count < 107 else {
            throw Failure.socketPathTooLong(self.dataDirectory + "/.s.PGSQL.5432")
        }
    }

    /// The default data directory: `$XDG_DATA_HOME/domainflow/postgres`, else
    /// `~/.local/share/domainflow/postgres`; as root `/var/lib/domainflow/postgres`, since the
    /// `postgres` user running the cluster cannot enter root's home.
    public static func defaultDataDirectory() -> String {
        if getuid() == 0 { return "/var/lib/domainflow/postgres" }
        return BaseDirectories.data() + "/domainflow/postgres"
    }

    /// libpq connection string of the cluster's database.
    public var connectionString: String {
        "host=\(dataDirectory) port=5432 user=postgres dbname=\(databaseName)"
    }

    private var runsAsPostgresUser: Bool { getuid() == 0 }
    private var clusterDirectory: String { dataDirectory + "/cluster" }

    /// Creates (first run), starts or reuses the cluster, and ensures the database exists. Blocking.
    public func start() throws {
        let parent = (dataDirectory as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        if !FileManager.default.fileExists(atPath: dataDirectory) {
            try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: false,
                                                    attributes: [.posixPermissions: 0o700])
        }
        chmod(dataDirectory, 0o700)
        if runsAsPostgresUser { try run("/bin/chown", ["postgres:postgres", dataDirectory], asPostgres: false) }
        if !FileManager.default.fileExists(atPath: clusterDirectory + "/PG_VERSION") {
            logger.info("initialising embedded PostgreSQL cluster", metadata: ["dir": "\(clusterDirectory)"])
            try run(binDirectory + "/initdb", ["-D", clusterDirectory, "-U", "postgres", "--auth=trust",
                                               "-E", "UTF8", "--locale=C.UTF-8"])
        }
        if (try? run(binDirectory + "/pg_ctl", ["-D", clusterDirectory, "status"])) != nil {
            logger.notice("embedded PostgreSQL was already running (left by an earlier run): reusing it")
        } else {
            try run(binDirectory + "/pg_ctl", ["-D", clusterDirectory, "-l", dataDirectory + "/postgres.log", "-w", "-t", "60",
                                               "-o", "-c listen_addresses='' -c unix_socket_directories='\(dataDirectory)'",
                                               "start"])
            logger.info("embedded PostgreSQL started", metadata: ["socket_dir": "\(dataDirectory)"])
        }
        try createDatabaseIfMissing()
    }

    /// Stops the cluster: a fast shutdown ends open sessions cleanly; an immediate one stops at once, as a
    /// crash would, and the next start recovers from the WAL. Blocking.
    public func stop(immediate: Bool = false) throws {
        try run(binDirectory + "/pg_ctl", ["-D", clusterDirectory, "-m", immediate ? "immediate" : "fast", "-w", "stop"])
        logger.info("embedded PostgreSQL stopped")
    }

    /// Whether the cluster's postmaster is running.
    public var isRunning: Bool {
        (try? run(binDirectory + "/pg_ctl", ["-D", clusterDirectory, "status"])) != nil
    }

    private func createDatabaseIfMissing() throws {
        let admin = try PGConnection(connectionString: "host=\(dataDirectory) port=5432 user=postgres dbname=postgres")
        if databaseName == "domainflow", try !admin.databaseExists("domainflow") { try admin.createDatabase("domainflow") }
    }

    @discardableResult
    private func run(_ executable: String, _ arguments: [String], asPostgres: Bool = true) throws -> String {
        let result = asPostgres && runsAsPostgresUser
            ? try BlockingCommand.run("/usr/sbin/runuser", ["-u", "postgres", "--", executable] + arguments)
            : try BlockingCommand.run(executable, arguments)
        guard result.status == 0 else {
            throw Failure.commandFailed(([executable] + arguments).joined(separator: " "), result.status, result.output)
        }
        return result.output
    }

    /// The newest `/usr/lib/postgresql/N/bin`, else the directory of `initdb` on PATH.
    static func locateBinaries() -> String? {
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        if let newest = versions.compactMap(Int.init).sorted().last,
           FileManager.default.isExecutableFile(atPath: "\(root)/\(newest)/bin/initdb") {
            return "\(root)/\(newest)/bin"
        }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            if FileManager.default.isExecutableFile(atPath: "\(dir)/initdb"), FileManager.default.isExecutableFile(atPath: "\(dir)/pg_ctl") {
                return String(dir)
            }
        }
        return nil
    }
}
