/// How an agency's SKB is made up (domain stage 6), from `Config/rules/skb-*.yaml`
/// (`kind: skb-plan`): a CAT SKB run on an exam node with its own rule set, and any of
/// interview, practical, psychological and health test, each scored by people against a
/// rubric of criteria with their ranges; each component has a weight, and the weights add
/// up to 100. A plan applies to the formations it names, or to every formation of the
/// agencies it names (a formation's own plan wins).
public struct SKBPlan: Sendable, Hashable {
    public enum Scope: Sendable, Hashable {
        case agencies(Set<String>)
        case formations(Set<String>)
    }

    public enum ComponentKind: String, Sendable, Hashable, CaseIterable, Codable {
        case cat
        case interview
        case practical
        case psychological
        case health

        /// As an announcement and a score sheet name it.
        public var label: String {
            switch self {
            case .cat: "CAT SKB"
            case .interview: "Wawancara"
            case .practical: "Tes praktik kerja"
            case .psychological: "Tes psikologi"
            case .health: "Tes kesehatan"
            }
        }
    }

    /// One criterion of a rubric: a score from `minimum` to `maximum`, whole points.
    public struct Criterion: Sendable, Hashable {
        public let code: String
        public let name: String
        public let minimum: Int
        public let maximum: Int

        public init(code: String, name: String, minimum: Int, maximum: Int) {
            self.code = code
            self.name = name
            self.minimum = minimum
            self.maximum = maximum
        }
    }

    public struct Component: Sendable, Hashable {
        public let kind: ComponentKind
        /// Percent of the SKB.
        public let weight: Int
        /// The CAT's rule set (only for `cat`).
        public let ruleSetID: String?
        /// What a person scores (every kind but `cat`).
        public let rubric: [Criterion]
        /// The highest score: the CAT rule set's maximum, or the rubric's criteria together.
        public let maximum: Int

        public init(kind: ComponentKind, weight: Int, ruleSetID: String?, rubric: [Criterion], maximum: Int) {
            self.kind = kind
            self.weight = weight
            self.ruleSetID = ruleSetID
            self.rubric = rubric
            self.maximum = maximum
        }
    }

    public let id: String
    public let name: String
    public let scope: Scope
    public let components: [Component]
    /// The file it was read from.
    public let source: String

    public init(id: String, name: String, scope: Scope, components: [Component], source: String) {
        self.id = id
        self.name = name
        self.scope = scope
        self.components = components
        self.source = source
    }

    public func component(_ kind: ComponentKind) -> Component? { components.first { $0.kind == kind } }
}

/// The plans of a selection: which one a formation follows.
public struct SKBPlans: Sendable, Hashable {
    public let plans: [SKBPlan]

    public init(_ plans: [SKBPlan]) { self.plans = plans }

    /// The plan naming the formation, else the one naming its agency, else none.
    public func plan(formation: String, agency: String) -> SKBPlan? {
        plans.first {
            if case .formations(let ids) = $0.scope { ids.contains(formation) } else { false }
        } ?? plans.first { if case .agencies(let ids) = $0.scope { ids.contains(agency) } else { false } }
    }
}
