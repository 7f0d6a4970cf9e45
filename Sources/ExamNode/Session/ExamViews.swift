import SeleksiCore

/// A session as the proctor sees it.
public struct SessionSummary: Sendable, Codable, Hashable {
    public let id: String
    public let venue: String
    public let ruleSet: String
    public let scheduledStart: Int64
    public let pin: String
    public let state: String
    public let paused: Bool
    public let candidates: Int
}

/// One candidate as the proctor sees them.
public struct CandidateStatus: Sendable, Codable, Hashable {
    public let participantNumber: String
    public let name: String
    public let formationType: String
    public let loggedIn: Bool
    public let started: Bool
    public let answered: Int
    public let items: Int
    public let secondsLeft: Int64
    public let finished: Bool
    /// Never started before the session closed: absent (TH), with no score.
    public let absent: Bool
    public let total: Int?
    public let passed: Bool?
    /// Why the node could not finish this attempt when its time ran out, until it can.
    public let problem: String?
}

/// One option as the candidate sees it: its identity and text, never its weight.
public struct CandidateOption: Sendable, Codable, Hashable {
    public let id: String
    public let text: String
}

/// One item as the candidate sees it.
public struct CandidateItem: Sendable, Codable, Hashable {
    public let number: Int
    public let id: String
    public let subtest: String
    public let stem: String
    public let options: [CandidateOption]
}

/// The paper as the candidate's browser receives it: no key, no weights.
public struct CandidatePaper: Sendable, Codable, Hashable {
    public let participantNumber: String
    public let name: String
    public let ruleSet: String
    public let items: [CandidateItem]
}

/// The state of one item on the candidate's grid.
public struct GridEntry: Sendable, Codable, Hashable {
    public let item: String
    public let option: String?
    public let doubtful: Bool
}

/// What the candidate's page polls: the grid, the server's time and the time left.
public struct CandidateState: Sendable, Codable, Hashable {
    public let serverTime: Int64
    public let secondsLeft: Int64
    public let paused: Bool
    public let started: Bool
    public let finished: Bool
    public let lastSequence: Int64
    public let grid: [GridEntry]
    public let score: ScoreView?
}

/// The answer to a save: it is on disk.
public struct SaveReceipt: Sendable, Codable, Hashable {
    public let saved: Bool
    public let item: String
    public let sequence: Int64
    /// False when a newer answer for the item was already saved (this one is logged, not applied).
    public let applied: Bool
    public let serverTime: Int64
    public let secondsLeft: Int64

    /// The receipt as JSON, written directly (the same value `Codable` gives; a test checks).
    public func json() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128 + item.utf8.count)
        JSONText.raw("{\"saved\":", to: &out)
        out.append(contentsOf: (saved ? "true" : "false").utf8)
        JSONText.raw(",\"item\":", to: &out)
        JSONText.string(item, to: &out)
        JSONText.raw(",\"sequence\":", to: &out)
        out.append(contentsOf: String(sequence).utf8)
        JSONText.raw(",\"applied\":", to: &out)
        out.append(contentsOf: (applied ? "true" : "false").utf8)
        JSONText.raw(",\"serverTime\":", to: &out)
        out.append(contentsOf: String(serverTime).utf8)
        JSONText.raw(",\"secondsLeft\":", to: &out)
        out.append(contentsOf: String(secondsLeft).utf8)
        JSONText.raw("}", to: &out)
        return out
    }
}

/// A signed-in candidate.
public struct CandidateLogin: Sendable, Codable, Hashable {
    public let token: String
    public let sessionID: String
    public let participantNumber: String
    public let name: String
}

/// One entry of the audit log.
public struct AuditEntry: Sendable, Codable, Hashable {
    public let at: Int64
    public let actor: String
    public let action: String
    public let sessionID: String?
    public let participantNumber: String?
    public let details: String
}
