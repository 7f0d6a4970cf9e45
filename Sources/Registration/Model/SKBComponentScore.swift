public import ExamEngine

/// A score a person gave for one SKB component (interview, practical, psychological,
/// health) against the plan's rubric: the marks per criterion and their total, or absent.
public struct SKBComponentScore: Sendable, Hashable, Codable {
    public let participantNumber: String
    public let component: SKBPlan.ComponentKind
    /// Per criterion code; empty when absent.
    public let marks: [String: Int]
    /// The marks together; nil when absent.
    public let total: Int?
    public let enteredBy: String
    public let enteredAt: Int64

    public init(participantNumber: String, component: SKBPlan.ComponentKind, marks: [String: Int], total: Int?, enteredBy: String, enteredAt: Int64) {
        self.participantNumber = participantNumber
        self.component = component
        self.marks = marks
        self.total = total
        self.enteredBy = enteredBy
        self.enteredAt = enteredAt
    }

    public var absent: Bool { total == nil }
}
