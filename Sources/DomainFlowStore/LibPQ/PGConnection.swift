import CLibPQ
import Glibc

/// One libpq connection (`PGconn`). Every method blocks (but those of pipeline mode): call them only
/// from the store's blocking thread pool (the `ConnectionPool` does). Not safe for concurrent use; the pool
/// hands a connection to one caller at a time; a `PipelinedConnection` makes every call on its event loop's thread.
public final class PGConnection: @unchecked Sendable {
    private let handle: OpaquePointer
    /// Names of the statements prepared on this connection.
    public private(set) var prepared: Set<String> = []

    /// Opens a connection from a libpq connection string or URL.
    public init(connectionString: String) throws(StoreError) {
        guard let handle = PQconnectdb(connectionString) else {
            throw StoreError(kind: .unavailable, message: "libpq could not allocate a connection")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = Self.trimmedMessage(PQerrorMessage(handle))
            PQfinish(handle)
            throw StoreError(kind: .unavailable, message: "cannot connect to PostgreSQL: \(message)")
        }
        self.handle = handle
        PQsetNoticeProcessor(handle, { _, _ in }, nil)  // NOTICEs are not errors; keep them off stderr
    }

    deinit { PQfinish(handle) }

    /// Whether libpq considers the connection usable.
    public var isHealthy: Bool { PQstatus(handle) == CONNECTION_OK }

    /// The server's version number, e.g. 150018.
    public var serverVersion: Int { Int(PQserverVersion(handle)) }

    /// Prepares `statement` on this connection (once).
    func prepare(_ statement: Statement) throws(StoreError) {
        guard !prepared.contains(statement.name) else { return }
        let result = PQprepare(handle, statement.name, statement.sql, 0, nil)
        _ = try consume(result, context: "preparing \(statement.name)")
        prepared.insert(statement.name)
    }

    /// Runs a prepared statement with `parameters` bound in text format.
    func execute(_ statement: Statement, _ parameters: [PGValue?] = []) throws(StoreError) -> QueryResult {
        if !prepared.contains(statement.name) { try prepare(statement) }
        let texts = parameters.map { $0?.text }
        let result = withCStrings(texts) { pointers in
            PQexecPrepared(handle, statement.name, Int32(pointers.count), pointers, nil, nil, 0)
        }
        return try consume(result, context: statement.name)
    }

    // MARK: pipeline mode, non-blocking (`PipelinedConnection`)

    /// Puts the connection in libpq's pipeline mode, non-blocking: statements are queued with `sendPipelined`
    /// (each followed by a sync: a transaction of its own), their results read with `consumeInput` and
    /// `nextPipelinedResult` when `socket` is readable. The caller serialises every call (libpq is not thread-safe).
    func enterNonBlockingPipeline() throws(StoreError) {
        guard PQsetnonblocking(handle, 1) == 0, PQenterPipelineMode(handle) == 1 else {
            throw StoreError(kind: .unavailable, message: "pipeline: \(Self.trimmedMessage(PQerrorMessage(handle)))")
        }
    }

    /// The connection's socket, to wait on for results (and, after `flush` returned `.more`, for room to write).
    var socket: Int32 { PQsocket(handle) }

    /// Queues `statement` (prepared in the pipeline first if it is not yet) and a sync; false when the connection
    /// failed. Call `flush` after.
    func sendPipelined(_ statement: Statement, _ parameters: [PGValue?]) -> Bool {
        if !prepared.contains(statement.name) {
            guard PQsendPrepare(handle, statement.name, statement.sql, 0, nil) == 1 else { return false }
            prepared.insert(statement.name)
        }
        let texts = parameters.map { $0?.text }
        let sent = withCStrings(texts) { pointers in
            PQsendQueryPrepared(handle, statement.name, Int32(pointers.count), pointers, nil, nil, 0) == 1
        }
        return sent && PQpipelineSync(handle) == 1
    }

    enum FlushOutcome { case done, more, failed }

    /// Sends what is queued, as far as the socket takes it.
    func flush() -> FlushOutcome {
        switch PQflush(handle) {
        case 0: .done
        case 1: .more
        default: .failed
        }
    }

    /// Reads what the socket holds; false when the connection failed.
    func consumeInput() -> Bool { PQconsumeInput(handle) == 1 }

    /// Where the reading of one sent statement stands: a prepare's result (when it was prepared in the pipeline),
    /// then the statement's, then its sync.
    struct PipelineReadState {
        fileprivate var outcome: Result<QueryResult, StoreError>?
        fileprivate var nulls = 0
        init() {}
    }

    /// The result of the oldest statement sent and not yet answered, once all of it up to its sync has been read
    /// (`consumeInput` first); nil while more input is needed. A failed prepare fails its statement.
    func nextPipelinedResult(_ state: inout PipelineReadState, context: String) -> Result<QueryResult, StoreError>? {
        while PQisBusy(handle) == 0 {
            guard let result = PQgetResult(handle) else {
                // One NULL ends each command's results (the prepare's, then the statement's); with nothing between
                // two of them libpq has nothing left to give: the connection is gone.
                state.nulls += 1
                if state.nulls > 1 || !isHealthy {
                    state = PipelineReadState()
                    return .failure(StoreError(kind: .unavailable, message: "\(context): \(Self.trimmedMessage(PQerrorMessage(handle)))"))
                }
                continue
            }
            if PQresultStatus(result) == PGRES_PIPELINE_SYNC {
                PQclear(result)
                let outcome = state.outcome ?? .failure(StoreError(kind: .internal, message: "\(context): no result before the sync"))
                state = PipelineReadState()
                return outcome
            }
            state.nulls = 0
            let outcome = Result { () throws(StoreError) in try consume(result, context: context) }
            // The statement's result replaces its prepare's; an error is kept (a failed prepare fails the statement).
            if case .failure = state.outcome {} else { state.outcome = outcome }
        }
        return nil
    }

    /// Runs SQL text with no parameters (migrations, transaction control). Several
    /// statements separated by semicolons run as one implicit transaction.
    func simpleQuery(_ sql: String) throws(StoreError) -> QueryResult {
        try consume(PQexec(handle, sql), context: "query")
    }

    /// Bulk-loads rows with `COPY ... FROM STDIN` (text format); returns the rows loaded.
    func copyIn(_ target: CopyTarget, rows: some Sequence<[PGValue?]>) throws(StoreError) -> Int {
        guard let start = PQexec(handle, target.sql) else {
            throw StoreError(kind: .unavailable, message: Self.trimmedMessage(PQerrorMessage(handle)))
        }
        guard PQresultStatus(start) == PGRES_COPY_IN else {
            defer { PQclear(start) }
            throw error(from: start, context: "COPY \(target.table)")
        }
        PQclear(start)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 16)
        var count = 0
        var failure: StoreError?
        for row in rows {
            CopyText.append(row, to: &buffer)
            count += 1
            if buffer.count >= 1 << 16 {
                if let error = putCopyData(buffer) { failure = error; break }
                buffer.removeAll(keepingCapacity: true)
            }
        }
        if failure == nil, !buffer.isEmpty { failure = putCopyData(buffer) }
        guard PQputCopyEnd(handle, failure == nil ? nil : "client aborted the copy") == 1 else {
            throw StoreError(kind: .unavailable, message: Self.trimmedMessage(PQerrorMessage(handle)))
        }
        _ = try consume(PQgetResult(handle), context: "COPY \(target.table)")
        while let extra = PQgetResult(handle) { PQclear(extra) }
        if let failure { throw failure }
        return count
    }

    /// Runs `COPY (...) TO STDOUT` and appends its bytes to `output`; returns the rows copied. The SQL
    /// text must be constant: COPY takes no parameters, so values reach it through settings made
    /// by a prepared statement in the same transaction (`current_setting`).
    public func copyOut(_ sql: String, appendingTo output: inout [UInt8]) throws(StoreError) -> Int {
        guard let start = PQexec(handle, sql) else {
            throw StoreError(kind: .unavailable, message: Self.trimmedMessage(PQerrorMessage(handle)))
        }
        guard PQresultStatus(start) == PGRES_COPY_OUT else {
            defer { PQclear(start) }
            throw error(from: start, context: "COPY TO STDOUT")
        }
        PQclear(start)
        var rows = 0
        while true {
            var chunk: UnsafeMutablePointer<CChar>?
            let length = PQgetCopyData(handle, &chunk, 0)
            if length > 0, let chunk {
                output.append(contentsOf: UnsafeRawBufferPointer(start: chunk, count: Int(length)))
                PQfreemem(chunk)
                rows += 1
                continue
            }
            if length == -2 { throw StoreError(kind: .unavailable, message: Self.trimmedMessage(PQerrorMessage(handle))) }
            break  // -1: the copy is done
        }
        _ = try consume(PQgetResult(handle), context: "COPY TO STDOUT")
        while let extra = PQgetResult(handle) { PQclear(extra) }
        return rows
    }

    private func putCopyData(_ bytes: [UInt8]) -> StoreError? {
        let ok = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { PQputCopyData(handle, $0.baseAddress, Int32($0.count)) }
        }
        return ok == 1 ? nil : StoreError(kind: .unavailable, message: Self.trimmedMessage(PQerrorMessage(handle)))
    }

    // MARK: results and errors

    /// Converts a `PGresult` into Swift values (clearing it), or throws its error.
    private func consume(_ result: OpaquePointer?, context: String) throws(StoreError) -> QueryResult {
        guard let result else {
            throw StoreError(kind: isHealthy ? .internal : .unavailable,
                             message: "\(context): \(Self.trimmedMessage(PQerrorMessage(handle)))")
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return QueryResult(rows: Self.rows(of: result), affectedRows: Int(String(cString: PQcmdTuples(result))) ?? 0)
        default:
            throw error(from: result, context: context)
        }
    }

    private func error(from result: OpaquePointer, context: String) -> StoreError {
        func field(_ code: Int32) -> String? {
            guard let value = PQresultErrorField(result, code) else { return nil }
            return String(cString: value)
        }
        let state = field(Int32(UInt8(ascii: "C")))  // PG_DIAG_SQLSTATE
        let constraint = field(Int32(UInt8(ascii: "n")))  // PG_DIAG_CONSTRAINT_NAME
        let primary = field(Int32(UInt8(ascii: "M"))) ?? Self.trimmedMessage(PQresultErrorMessage(result))
        // An error without a SQLSTATE comes from libpq itself, not from the server: the connection broke
        // ("server closed the connection unexpectedly") before libpq marked it bad.
        var kind = state.map(StoreError.kind(forSQLState:)) ?? .unavailable
        if !isHealthy { kind = .unavailable }
        return StoreError(kind: kind, sqlState: state, constraint: constraint, message: primary)
    }

    private static func rows(of result: OpaquePointer) -> [Row] {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        guard rowCount > 0 else { return [] }
        let columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        var rows: [Row] = []
        rows.reserveCapacity(rowCount)
        for r in 0..<rowCount {
            var values: [String?] = []
            values.reserveCapacity(columnCount)
            for c in 0..<columnCount {
                if PQgetisnull(result, Int32(r), Int32(c)) == 1 {
                    values.append(nil)
                } else {
                    values.append(String(cString: PQgetvalue(result, Int32(r), Int32(c))))
                }
            }
            rows.append(Row(values: values, columns: columns))
        }
        return rows
    }

    private static func trimmedMessage(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "unknown libpq error" }
        return String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Calls `body` with NUL-terminated copies of `strings` (nil stays a null pointer).
private func withCStrings<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let copies: [UnsafeMutablePointer<CChar>?] = strings.map { $0.map { strdup($0)! } }
    defer { copies.forEach { free($0) } }
    return body(copies.map { $0.map { UnsafePointer($0) } })
}

import Foundation
