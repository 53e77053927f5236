import DomainFlowCore
import DomainFlowEngine
import DomainFlowStore
import DomainFlowWire
import Foundation

/// A campaign's uploaded list of names, received in chunks (`AppendCampaignInput`) and sealed by
/// `FinishCampaignInput`. Line n becomes offset n - 1; valid names go into the campaign's own
/// `generated_domains` rows (business status `uploaded`), so the DNS phase reads them as it reads a
/// generation campaign's. Chunks must come in line order; a chunk sent again adds nothing.
enum UploadedInput {
    /// The most lines one chunk may carry.
    static let maxLinesPerChunk = 50_000
    /// Invalid lines kept in the summary and returned per chunk.
    static let invalidLinesKept = 20

    /// What the campaign's `parameters` hold while and after the list arrives.
    struct State: Codable {
        var input = InputSummary()
        /// The line the next chunk must start at.
        var nextLine: UInt64 = 1
    }

    static var initialParameters: String { encode(State()) }

    static func summary(ofParameters json: String) -> InputSummary? {
        (try? JSONDecoder().decode(State.self, from: Data(json.utf8)))?.input
    }

    private static func encode(_ state: State) -> String {
        String(decoding: (try? JSONEncoder().encode(state)) ?? Data("{}".utf8), as: UTF8.self)
    }

    private static func openCampaign(_ c: PGConnection, _ id: String, principal: Principal) throws -> (CampaignRow, State) {
        let campaignID = try Paging.uuid(id, field: "id")
        let row = try CampaignsService.find(c, campaignID, principal: principal, forUpdate: true)
        guard row.inputState != nil, let state = try? JSONDecoder().decode(State.self, from: Data(row.parameters.utf8)) else {
            throw RPCError(.failedPrecondition, "campaign \(row.info.name) was not created to receive an uploaded list (upload_input)")
        }
        guard row.inputState == "open" else {
            throw RPCError(.failedPrecondition, "the input of campaign \(row.info.name) is already complete")
        }
        return (row, state)
    }

    /// Adds one chunk of lines.
    static func append(_ c: PGConnection, _ request: AppendCampaignInputRequest, principal: Principal) throws -> AppendCampaignInputResponse {
        guard request.lines.count <= maxLinesPerChunk else {
            throw RPCError.invalidArgument("lines: at most \(maxLinesPerChunk) per chunk, got \(request.lines.count)")
        }
        guard request.firstLine >= 1 else { throw RPCError.invalidArgument("first_line: lines are numbered from 1") }
        let (row, stateBefore) = try openCampaign(c, request.id, principal: principal)
        var state = stateBefore
        let end = request.firstLine + UInt64(request.lines.count)
        if end <= state.nextLine { return AppendCampaignInputResponse() }  // a chunk sent again
        guard request.firstLine == state.nextLine else {
            throw RPCError.invalidArgument("first_line: the next chunk must start at line \(state.nextLine), not \(request.firstLine)")
        }
        var response = AppendCampaignInputResponse()
        var names: [NameAtOffset] = []
        var seen = Set<String>()
        let takesURLs = row.info.type == .httpKeywordValidation
        for (index, line) in request.lines.enumerated() {
            let number = request.firstLine + UInt64(index)
            var read = DomainNameInput.read(line, urls: takesURLs)
            var url = ""
            if case .url(let name, let target) = read { read = .name(name); url = target }
            switch read {
            case .skip, .url: continue
            case .name(let name):
                // A URL line is its own entry (a site's pages); a bare name once.
                if seen.insert(url.isEmpty ? name : url).inserted {
                    names.append(NameAtOffset(name: name, offset: Int64(number - 1), url: url.isEmpty ? nil : url))
                } else {
                    response.duplicates += 1
                }
            case .invalid(let reason):
                response.invalid += 1
                let text = String(line.utf8.prefix(200)) ?? String(line.prefix(200))
                let invalid = InvalidLine(line: number, text: text, reason: reason)
                if response.invalidLines.count < invalidLinesKept { response.invalidLines.append(invalid) }
                if state.input.firstInvalid.count < invalidLinesKept { state.input.firstInvalid.append(invalid) }
            }
        }
        if !names.isEmpty {
            let inserted = try c.run(DomainNames.insertUploaded(campaign: row.id, names))
            response.accepted = UInt64(inserted)
            response.duplicates += UInt64(names.count) - UInt64(inserted)  // names seen in an earlier chunk
        }
        state.nextLine = end
        state.input.lines = end - 1
        state.input.valid += response.accepted
        state.input.duplicates += response.duplicates
        state.input.invalid += response.invalid
        try c.run(Campaigns.updateInput(id: row.id, state: encode(state), totalItems: 0, inputState: "open"))
        return response
    }

    /// What finishing an upload came to.
    enum Finish: Sendable {
        case sealed(CampaignRow)
        /// The list had no valid name: the campaign was deleted (committed), and the call fails with this.
        case rejected(RPCError)
    }

    /// Seals the list: batches over its lines, for the campaign and its follow-ons; started with `start`.
    /// Without a valid name the campaign is deleted and the call is INVALID_ARGUMENT.
    static func finish(_ c: PGConnection, _ request: FinishCampaignInputRequest, principal: Principal, context: CallContext,
                       batchSize: Int) throws -> Finish {
        let (row, state) = try openCampaign(c, request.id, principal: principal)
        let received = state.nextLine - 1
        guard request.totalLines == received else {
            throw RPCError.invalidArgument("total_lines: \(received) lines were received, not \(request.totalLines); send the missing chunks first")
        }
        guard state.input.valid > 0 else {
            try c.run(Campaigns.delete(id: row.id))
            var words = "input: no valid domain names in \(received) line\(received == 1 ? "" : "s")"
            if let first = state.input.firstInvalid.first {
                words += " (\(state.input.invalid) invalid; line \(first.line) '\(first.text)': \(first.reason))"
            }
            return .rejected(RPCError.invalidArgument(words + "; the campaign was deleted"))
        }
        try c.run(Campaigns.updateInput(id: row.id, state: encode(state), totalItems: Int64(received), inputState: "sealed"))
        try CampaignBatches.cut(c, campaign: row.id, start: 0, count: Int64(received), batchSize: batchSize)
        var source = row.id
        for followOn in try c.run(Campaigns.followOns(of: row.id)) {
            let id = followOn.id
            try CampaignBatches.mirror(c, campaign: id, source: source)
            try c.run(Campaigns.setTotalItems(id: id, Int64(received)))
            source = id
        }
        try AuditRecorder.record(c, context: context, userID: principal.userID, action: "campaign_input",
                                 resourceType: "campaign", resourceID: row.id,
                                 details: ["lines": received, "valid": state.input.valid, "duplicates": state.input.duplicates,
                                           "invalid": state.input.invalid])
        if request.start {
            return .sealed(try CampaignsService.start(c, row.id, principal: principal, context: context))
        }
        return .sealed(try CampaignsService.find(c, row.id, principal: principal, forUpdate: false))
    }
}
