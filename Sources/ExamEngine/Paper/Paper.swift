/// One item as it stands on a candidate's paper: which bank item, and its options in
/// the order this candidate sees them (indexes into the bank item's options).
public struct PaperItem: Sendable, Hashable, Codable {
    public let itemID: String
    public let itemVersion: Int
    public let optionOrder: [Int]

    public init(itemID: String, itemVersion: Int, optionOrder: [Int]) {
        self.itemID = itemID
        self.itemVersion = itemVersion
        self.optionOrder = optionOrder
    }
}

/// The items of one subtest, in the order the candidate meets them.
public struct PaperSection: Sendable, Hashable, Codable {
    public let subtest: String
    public let items: [PaperItem]

    public init(subtest: String, items: [PaperItem]) {
        self.subtest = subtest
        self.items = items
    }
}

/// A candidate's paper. It holds no key and no weights: those stay in the bank, in the
/// exam node's process. Its fingerprint (SHA-256 of `canonicalText`) identifies it.
public struct Paper: Sendable, Hashable, Codable {
    public let ruleSetID: String
    public let bankID: String
    public let bankVersion: String
    public let seed: UInt64
    public let sections: [PaperSection]
    /// Lower-case hex SHA-256 of the canonical text.
    public let fingerprint: String
    /// The bank's content digest (`QuestionBank.contentDigest`: every item's words, key
    /// and figure bytes) when the paper was assembled; nil for papers assembled before
    /// papers named it.
    public let bankContent: String?

    public init(
        ruleSetID: String,
        bankID: String,
        bankVersion: String,
        seed: UInt64,
        sections: [PaperSection],
        fingerprint: String,
        bankContent: String? = nil
    ) {
        self.ruleSetID = ruleSetID
        self.bankID = bankID
        self.bankVersion = bankVersion
        self.seed = seed
        self.sections = sections
        self.fingerprint = fingerprint
        self.bankContent = bankContent
    }

    public var itemCount: Int { sections.reduce(0) { $0 + $1.items.count } }

    /// Every item of the paper, subtest by subtest.
    public var items: [PaperItem] { sections.flatMap(\.items) }

    /// The text the fingerprint is computed over, documented so that anyone can recompute it:
    /// a header line, then `rules:`, `bank:ID@VERSION`, `content:DIGEST` (the bank's
    /// content digest; version 2 only), `seed:`, then per subtest a `subtest:CODE` line and
    /// per item `ID@VERSION:LETTERS` (option ids in display order).
    public var canonicalText: String {
        var text = Paper.header(bankContent) + "rules:\(ruleSetID)\nbank:\(bankID)@\(bankVersion)\n"
        if let bankContent { text += "content:\(bankContent)\n" }
        text += "seed:\(seed)\n"
        for section in sections {
            text += "subtest:\(section.subtest)\n"
            for item in section.items {
                text += "\(item.itemID)@\(item.itemVersion):" + item.optionOrder.map { ItemOption.letters[$0] }.joined() + "\n"
            }
        }
        return text
    }

    /// Version 2 names the bank's content; version 1 (papers before it) does not.
    static func header(_ bankContent: String?) -> String { bankContent == nil ? "seleksi-paper/1\n" : "seleksi-paper/2\n" }
}
