/// One thing wrong with a bank, a rule set or an imported file, told so that the
/// author can fix it: where, which item, what, in plain words.
public struct BankProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// Machine-readable kind, stable for tests and tools (`duplicate-id`, `unknown-topic`, ...).
    public let code: String
    public let file: String
    public let line: Int?
    public let itemID: String?
    public let message: String

    public init(code: String, file: String, line: Int?, itemID: String? = nil, message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.itemID = itemID
        self.message = message
    }

    /// `QuestionBanks/skd/twk.yaml:12: item twk-001: ...`
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if let itemID { text += ": soal \(itemID)" }
        return text + ": " + message
    }
}

/// A load that found problems: the whole list, so every one can be fixed in one pass.
public struct BankProblems: Error, Sendable, CustomStringConvertible {
    public let problems: [BankProblem]

    public init(_ problems: [BankProblem]) { self.problems = problems }

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
