/// A failure of the store, classified by what the caller should do about it.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure; named after the protocol status code it maps to.
    public enum Kind: Sendable, Equatable {
        /// A unique constraint: the thing exists already (ALREADY_EXISTS).
        case alreadyExists
        /// A check, not-null or data-format violation: bad input (INVALID_ARGUMENT).
        case invalidArgument
        /// A foreign key points nowhere (FAILED_PRECONDITION).
        case failedPrecondition
        /// Serialization failure or deadlock: retry the transaction (ABORTED).
        case aborted
        /// The database cannot be reached or the connection broke (UNAVAILABLE).
        case unavailable
        /// The database is out of a resource (RESOURCE_EXHAUSTED).
        case resourceExhausted
        /// Anything else, e.g. a bug in a statement (INTERNAL).
        case `internal`
    }

    public let kind: Kind
    /// The SQLSTATE, when PostgreSQL reported one.
    public let sqlState: String?
    /// The violated constraint's name, for constraint errors.
    public let constraint: String?
    public let message: String

    public init(kind: Kind, sqlState: String? = nil, constraint: String? = nil, message: String) {
        self.kind = kind
        self.sqlState = sqlState
        self.constraint = constraint
        self.message = message
    }

    public var description: String {
        var text = message
        if let sqlState { text += " (SQLSTATE \(sqlState)" + (constraint.map { ", constraint \($0)" } ?? "") + ")" }
        return text
    }

    /// Whether an idempotent operation may simply be run again.
    public var isTransient: Bool { kind == .aborted || kind == .unavailable }

    /// Classifies a SQLSTATE (see PostgreSQL's Appendix A).
    public static func kind(forSQLState state: String) -> Kind {
        switch state {
        case "23505": return .alreadyExists
        case "23514", "23502", "22001", "22003", "22007", "22008", "22P02", "22023", "2201B": return .invalidArgument
        case "23503": return .failedPrecondition
        case "40001", "40P01": return .aborted
        case "57P01", "57P02", "57P03": return .unavailable
        default: break
        }
        switch state.prefix(2) {
        case "08": return .unavailable
        case "53": return .resourceExhausted
        case "22", "23": return .invalidArgument
        default: return .internal
        }
    }
}
