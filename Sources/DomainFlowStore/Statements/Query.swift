/// One call of a typed statement: the statement, its parameters bound from Swift values, and the decoder of its
/// result into a Swift type. The aggregates' statement namespaces (`Campaigns`, `Users`, …) make them; callers run
/// them on a connection (`connection.run`, inside a transaction) or on the pool (`pool.run`, the pipelined reads),
/// and never see a column number.
public struct Query<Output>: Sendable {
    let statement: Statement
    let parameters: [PGValue?]
    let decode: @Sendable (QueryResult) throws(StoreError) -> Output

    init(_ statement: Statement, _ parameters: [PGValue?],
         decode: @escaping @Sendable (QueryResult) throws(StoreError) -> Output) {
        self.statement = statement
        self.parameters = parameters
        self.decode = decode
    }
}

extension Query {
    /// Every row, each decoded by `row`.
    static func rows<Element>(_ statement: Statement, _ parameters: [PGValue?] = [],
                              _ row: @escaping @Sendable (Row) throws(StoreError) -> Element) -> Query<[Element]>
    where Output == [Element] {
        Query(statement, parameters) { (result: QueryResult) throws(StoreError) -> [Element] in
            var elements: [Element] = []
            elements.reserveCapacity(result.rows.count)
            for each in result.rows { elements.append(try row(each)) }
            return elements
        }
    }

    /// The one row a statement always returns (an INSERT … RETURNING), decoded by `row`.
    static func one(_ statement: Statement, _ parameters: [PGValue?] = [],
                    _ row: @escaping @Sendable (Row) throws(StoreError) -> Output) -> Query<Output> {
        Query(statement, parameters) { (result: QueryResult) throws(StoreError) -> Output in
            guard let first = result.first else {
                throw StoreError(kind: .internal, message: "\(statement.name) returned no row")
            }
            return try row(first)
        }
    }

    /// The first row decoded by `row`, or nil when there is none.
    static func first<Element>(_ statement: Statement, _ parameters: [PGValue?] = [],
                               _ row: @escaping @Sendable (Row) throws(StoreError) -> Element) -> Query<Element?>
    where Output == Element? {
        Query(statement, parameters) { (result: QueryResult) throws(StoreError) -> Element? in
            guard let first = result.first else { return nil }
            return try row(first)
        }
    }
}

extension Query where Output == Int {
    /// How many rows the statement changed.
    static func affectedRows(_ statement: Statement, _ parameters: [PGValue?] = []) -> Query<Int> {
        Query(statement, parameters) { (result: QueryResult) throws(StoreError) -> Int in result.affectedRows }
    }

    /// The one integer the statement selects (0 when it selects no row).
    static func count(_ statement: Statement, _ parameters: [PGValue?] = []) -> Query<Int> {
        Query(statement, parameters) { (result: QueryResult) throws(StoreError) -> Int in
            Int(try result.first?.int(0) ?? 0)
        }
    }
}

extension Query where Output == Bool {
    /// Whether the statement returned a row.
    static func exists(_ statement: Statement, _ parameters: [PGValue?] = []) -> Query<Bool> {
        Query(statement, parameters) { (result: QueryResult) throws(StoreError) -> Bool in result.first != nil }
    }
}

extension PGConnection {
    /// Runs `query` on this connection (inside the caller's transaction, if any) and decodes its result.
    @discardableResult
    public func run<Output>(_ query: Query<Output>) throws(StoreError) -> Output {
        try query.decode(try execute(query.statement, query.parameters))
    }
}

extension ConnectionPool {
    /// Runs `query` alone on the pipelined connections and decodes its result on the store's thread; with
    /// `retryTransient` (for reads, and writes that are idempotent alone) a lost connection is retried.
    public func run<Output: Sendable>(_ query: Query<Output>, retryTransient: Bool = false) async throws -> Output {
        try await read(query.statement, query.parameters, retryTransient: retryTransient) { result in
            try query.decode(result)
        }
    }
}
