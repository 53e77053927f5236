import CLibPQ
import Glibc

/// One libpq connection (`PGconn`). Every method blocks: call them only from the store's
/// blocking thread pool (the `ConnectionPool` does). Not safe for concurrent use; the pool
/// hands a connection to one caller at a time.
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

    /// One statement of a pipeline and where its result goes.
    struct PipelinedQuery {
        let statement: Statement
        let parameters: [PGValue?]
        let complete: (Result<QueryResult, StoreError>) -> Void

        init(statement: Statement, parameters: [PGValue?], complete: @escaping (Result<QueryResult, StoreError>) -> Void) {
            self.statement = statement
            self.parameters = parameters
            self.complete = complete
        }
    }

    /// Runs `first` in pipeline mode (each statement in a transaction of its own: a sync follows each), and after
    /// each result asks `more` for statements submitted meanwhile, which join the round trips in flight: the server
    /// is never left idle while there is work. Each result goes to its query's `complete` as soon as it is read, in
    /// order. Returns the queries `more` gave that name a statement not yet prepared on this connection (preparing
    /// waits for the pipeline to drain); run them again.
    func runPipeline(_ first: [PipelinedQuery], more: () -> [PipelinedQuery]) -> [PipelinedQuery] {
        for query in first where !prepared.contains(query.statement.name) {
            do { try prepare(query.statement) } catch {
                for query in first { query.complete(.failure(error)) }
                return []
            }
        }
        guard PQenterPipelineMode(handle) == 1 else {
            for query in first { query.complete(Result { () throws(StoreError) in try execute(query.statement, query.parameters) }) }
            return []
        }
        defer { _ = PQexitPipelineMode(handle) }
        var inFlight: [PipelinedQuery] = []
        var next = 0  // index in inFlight of the next result to read
        var deferred: [PipelinedQuery] = []
        var broken: StoreError?
        func send(_ queries: [PipelinedQuery]) {
            for query in queries {
                if let broken { query.complete(.failure(broken)); continue }
                let ok = withCStrings(query.parameters.map { $0?.text }) { pointers in
                    PQsendQueryPrepared(handle, query.statement.name, Int32(pointers.count), pointers, nil, nil, 0) == 1
                }
                guard ok, PQpipelineSync(handle) == 1 else {  // the connection failed while sending: the rest are never sent
                    broken = StoreError(kind: .unavailable, message: "pipeline: \(Self.trimmedMessage(PQerrorMessage(handle)))")
                    query.complete(.failure(broken!))
                    continue
                }
                inFlight.append(query)
            }
        }
        send(first)
        while next < inFlight.count {
            let query = inFlight[next]
            next += 1
            query.complete(readPipelinedResult(context: query.statement.name))
            if broken == nil {
                var joining: [PipelinedQuery] = []
                for query in more() {
                    if prepared.contains(query.statement.name) { joining.append(query) } else { deferred.append(query) }
                }
                send(joining)
            }
            if next > 256 {  // keep the list short on a long-running pipeline
                inFlight.removeFirst(next)
                next = 0
            }
        }
        return deferred
    }

    /// The result of the next query of a pipeline, reading through to its sync.
    private func readPipelinedResult(context: String) -> Result<QueryResult, StoreError> {
        var outcome: Result<QueryResult, StoreError>?
        var nulls = 0
        while true {
            guard let result = PQgetResult(handle) else {
                nulls += 1  // one NULL ends the query's results; more mean the connection is gone
                if nulls > 1 || !isHealthy {
                    return outcome ?? .failure(StoreError(kind: .unavailable,
                        message: "\(context): \(Self.trimmedMessage(PQerrorMessage(handle)))"))
                }
                continue
            }
            if PQresultStatus(result) == PGRES_PIPELINE_SYNC {
                PQclear(result)
                return outcome ?? .failure(StoreError(kind: .internal, message: "\(context): no result before the sync"))
            }
            if outcome == nil {
                outcome = Result { () throws(StoreError) in try consume(result, context: context) }
            } else {
                PQclear(result)
            }
        }
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
