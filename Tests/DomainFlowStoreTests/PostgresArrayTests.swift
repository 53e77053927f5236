@testable import DomainFlowStore
import Testing

/// PostgreSQL's text form of a word array, as a campaign's pipeline comes back.
@Suite struct PostgresArrayTests {
    @Test func wordsComeOutInOrderWithoutBracesOrQuotes() {
        #expect(PostgresArray.words("{generation,dns,http}") == ["generation", "dns", "http"])
        #expect(PostgresArray.words("{\"dns validation\",http}") == ["dns validation", "http"])
        #expect(PostgresArray.words("{}") == [])
        #expect(PostgresArray.words("{dns}") == ["dns"])
    }
}
