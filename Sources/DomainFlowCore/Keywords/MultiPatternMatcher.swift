/// Every occurrence of many literal patterns in one pass over a text (Aho-Corasick), pure. Text and
/// patterns are sequences of Unicode scalars; case-insensitive patterns are matched on the text with each
/// scalar lower-cased one for one (so positions stay those of the original text).
public struct MultiPatternMatcher: Sendable {
    /// A match of pattern `pattern` over scalars `start ..< end` of the text.
    public struct Match: Sendable, Equatable {
        public var pattern: Int
        public var start: Int
        public var end: Int
    }

    private struct Automaton: Sendable {
        var next: [[UInt32: Int32]] = [[:]]
        var fail: [Int32] = [0]
        /// Patterns (index, length) ending at each state, its own and those of its fail chain.
        var outputs: [[(pattern: Int, length: Int)]] = [[]]
        /// Whether `outputs` of a state is not empty (filled by `build`).
        var emits: [Bool] = []
        /// The ASCII transitions of every state with the fail links already followed (a DFA on ASCII):
        /// `ascii[state << 7 | scalar]`, one array read per character where the trie costs hash lookups. Empty
        /// when the automaton has more than `maxDenseStates` states (then every scalar goes through the trie).
        var ascii: [Int32] = []
        static let maxDenseStates = 1 << 15

        mutating func insert(_ scalars: [UInt32], pattern: Int) {
            var state = 0
            for scalar in scalars {
                if let to = next[state][scalar] { state = Int(to); continue }
                next.append([:]); fail.append(0); outputs.append([])
                next[state][scalar] = Int32(next.count - 1)
                state = next.count - 1
            }
            outputs[state].append((pattern, scalars.count))
        }

        mutating func build() {
            var queue: [Int] = []
            for (_, child) in next[0] { fail[Int(child)] = 0; queue.append(Int(child)) }
            var head = 0
            while head < queue.count {
                let state = queue[head]; head += 1
                for (scalar, childIndex) in next[state] {
                    let child = Int(childIndex)
                    queue.append(child)
                    var f = Int(fail[state])
                    while f != 0, next[f][scalar] == nil { f = Int(fail[f]) }
                    let target = next[f][scalar].map(Int.init) ?? 0
                    fail[child] = Int32(target == child ? 0 : target)
                    outputs[child] += outputs[Int(fail[child])]
                }
            }
            emits = outputs.map { !$0.isEmpty }
            guard next.count <= Self.maxDenseStates else { return }
            ascii = [Int32](repeating: 0, count: next.count << 7)
            for (scalar, child) in next[0] where scalar < 128 { ascii[Int(scalar)] = child }
            // Breadth first, so a state's fail state (shallower) has its row already: start from it, then its own edges.
            for state in queue {
                let failRow = Int(fail[state]) << 7, row = state << 7
                for c in 0..<128 { ascii[row | c] = ascii[failRow | c] }
                for (scalar, child) in next[state] where scalar < 128 { ascii[row | Int(scalar)] = child }
            }
        }

        /// Every match in `text`; with `lowering`, each scalar is lower-cased as it is read (`MultiPatternMatcher.lower`),
        /// not in a lower-cased copy of the text first.
        func scan(_ text: [UInt32], lowering: Bool, into matches: inout [Match]) {
            var state = 0
            let dense = !ascii.isEmpty
            for (index, original) in text.enumerated() {
                let scalar = lowering ? MultiPatternMatcher.lower(original) : original
                if dense, scalar < 128 {
                    state = Int(ascii[state << 7 | Int(scalar)])
                } else {
                    while state != 0, next[state][scalar] == nil { state = Int(fail[state]) }
                    state = next[state][scalar].map(Int.init) ?? 0
                }
                guard emits[state] else { continue }  // most states end no pattern: no look at their (retained) list
                for output in outputs[state] {
                    matches.append(Match(pattern: output.pattern, start: index + 1 - output.length, end: index + 1))
                }
            }
        }
    }

    private var sensitive = Automaton()
    private var insensitive = Automaton()
    private let hasSensitive: Bool
    private let hasInsensitive: Bool

    /// Patterns in order; an empty pattern never matches.
    public init(patterns: [(text: String, caseSensitive: Bool)]) {
        var anySensitive = false, anyInsensitive = false
        for (index, pattern) in patterns.enumerated() where !pattern.text.isEmpty {
            if pattern.caseSensitive {
                sensitive.insert(pattern.text.scalarValues, pattern: index)
                anySensitive = true
            } else {
                insensitive.insert(Self.lowered(pattern.text.scalarValues), pattern: index)
                anyInsensitive = true
            }
        }
        sensitive.build(); insensitive.build()
        hasSensitive = anySensitive; hasInsensitive = anyInsensitive
    }

    /// Each scalar lower-cased when its lower case is one scalar (ASCII fast).
    private static func lowered(_ scalars: [UInt32]) -> [UInt32] { scalars.map(lower) }

    /// A scalar's lower case when that is one scalar, else the scalar itself (ASCII without the property tables).
    @inline(__always)
    static func lower(_ value: UInt32) -> UInt32 {
        if value < 128 { return value &- 65 < 26 ? value | 0x20 : value }
        guard let scalar = Unicode.Scalar(value) else { return value }
        let mapped = scalar.properties.lowercaseMapping.unicodeScalars
        return mapped.count == 1 ? mapped.first!.value : value
    }

    /// Every match in `text` (as scalars), ordered by end position.
    public func matches(in text: [UInt32]) -> [Match] {
        var found: [Match] = []
        if hasSensitive { sensitive.scan(text, lowering: false, into: &found) }
        if hasInsensitive { insensitive.scan(text, lowering: true, into: &found) }
        if hasSensitive && hasInsensitive { found.sort { ($0.end, $0.pattern) < ($1.end, $1.pattern) } }
        return found
    }
}
