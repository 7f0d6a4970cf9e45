public import ExamEngine
import Foundation

/// What a node can examine with: the rule sets and the banks they draw from, loaded
/// and checked once at start. The answer keys live here, in the node's process only.
public struct ExamCatalog: Sendable {
    public struct Entry: Sendable {
        public let ruleSet: RuleSet
        public let bank: QuestionBank
        public let assembler: PaperAssembler
        public let scorer: Scorer
        /// The bank's items as candidates receive them, escaped once.
        let renderer: PaperRenderer
    }

    public let entries: [String: Entry]
    /// Every image an item shows, by its content address, with the items that show it
    /// (`bankID/itemID`: two banks may use one item id).
    let images: [String: (image: BankImage, items: Set<String>)]
    /// Per `bankID/itemID`: the item's figures as one JSON member each
    /// (`"digest":{"type":…,"data":"base64…"}`), written once.
    let figureMembers: [String: [(digest: String, json: [UInt8])]]

    public init(ruleSets: [RuleSet], banks: [QuestionBank]) throws {
        var entries: [String: Entry] = [:]
        for ruleSet in ruleSets {
            guard let bank = banks.first(where: { $0.id == ruleSet.bankID }) else { continue }
            entries[ruleSet.id] = Entry(
                ruleSet: ruleSet,
                bank: bank,
                assembler: try PaperAssembler(bank: bank, ruleSet: ruleSet),
                scorer: try Scorer(bank: bank, ruleSet: ruleSet),
                renderer: PaperRenderer(bank: bank)
            )
        }
        self.entries = entries
        var images: [String: (image: BankImage, items: Set<String>)] = [:]
        for bank in banks {
            for item in bank.items {
                for path in item.images {
                    guard let image = bank.images[path] else { continue }
                    images[image.digest, default: (image, [])].items.insert(bank.id + "/" + item.id)
                }
            }
        }
        self.images = images
        var members: [String: [(digest: String, json: [UInt8])]] = [:]
        for (digest, shown) in images {
            var json: [UInt8] = []
            JSONText.string(digest, to: &json)
            JSONText.raw(":{\"type\":", to: &json)
            JSONText.string(shown.image.mediaType, to: &json)
            JSONText.raw(",\"data\":", to: &json)
            JSONText.string(shown.image.data.base64EncodedString(), to: &json)
            JSONText.raw("}", to: &json)
            for item in shown.items { members[item, default: []].append((digest, json)) }
        }
        self.figureMembers = members
    }

    /// Loads every rule set under `rulesDirectory` whose bank is under `bankDirectory`.
    public static func load(rulesDirectory: String, bankDirectory: String) throws -> ExamCatalog {
        let rules = RuleSetLoader.loadAll(directory: rulesDirectory)
        if !rules.problems.isEmpty { throw BankProblems(rules.problems) }
        let library = BankLoader.loadLibrary(directory: bankDirectory, ruleSets: rules.ruleSets)
        if !library.problems.isEmpty { throw BankProblems(library.problems) }
        return try ExamCatalog(ruleSets: rules.ruleSets, banks: library.banks)
    }

    func entry(_ ruleSetID: String) throws(ExamNodeError) -> Entry {
        guard let entry = entries[ruleSetID] else {
            throw .invalid("Aturan ujian '\(ruleSetID)' tidak tersedia di node ini (tersedia: \(entries.keys.sorted().joined(separator: ", "))).")
        }
        return entry
    }
}
