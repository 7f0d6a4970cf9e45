public import ExamEngine

/// A staff member a committee admin authorised to score one SKB component (practical,
/// psychological or health test) for one formation: only they enter those scores, and
/// only for candidates of that formation.
public struct SKBAssessor: Sendable, Hashable, Codable {
    public let username: String
    public let component: SKBPlan.ComponentKind
    public let formationID: String
    public let assignedAt: Int64
    public let assignedBy: String

    public init(username: String, component: SKBPlan.ComponentKind, formationID: String, assignedAt: Int64, assignedBy: String) {
        self.username = username
        self.component = component
        self.formationID = formationID
        self.assignedAt = assignedAt
        self.assignedBy = assignedBy
    }
}
