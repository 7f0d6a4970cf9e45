/// Where something was written: the bank author needs file and line to fix it.
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    public let file: String
    public let line: Int

    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    public var description: String { "\(file):\(line)" }
}

/// One option of an item. Its identity is its letter in the bank (A, B, ...), never
/// its position on a candidate's screen.
public struct ItemOption: Sendable, Hashable {
    public let id: String
    public let text: String
    /// Right/wrong items: the one correct option.
    public let correct: Bool
    /// Weighted items (TKP style): the option's weight.
    public let weight: Int?
    /// A fixed option keeps its position when options are shuffled ("Semua salah").
    public let fixed: Bool

    public init(id: String, text: String, correct: Bool = false, weight: Int? = nil, fixed: Bool = false) {
        self.id = id
        self.text = text
        self.correct = correct
        self.weight = weight
        self.fixed = fixed
    }

    /// Option letters by position in the bank.
    public static let letters = ["A", "B", "C", "D", "E", "F", "G", "H"]
}

/// How an item is scored: by its one correct option, or by a weight on every option.
public enum ItemKey: Sendable, Hashable {
    case correct(optionIndex: Int)
    case weights([Int])
}

/// One multiple-choice item of a question bank.
public struct Item: Sendable, Hashable {
    public let id: String
    public let version: Int
    public let subtest: String
    public let topic: String
    /// 1 easy, 2 medium, 3 hard.
    public let difficulty: Int
    public let stem: String
    public let options: [ItemOption]
    public let explanation: String?
    public let key: ItemKey
    /// Where the item (or the template instance it came from) is written.
    public let origin: SourceLocation
    /// The template this item was generated from, if any.
    public let templateID: String?
    /// Stem, option texts and explanation are `ItemMarkup` (written out again from their
    /// checked parts), not plain text.
    public let markup: Bool
    /// The bank images it shows (paths relative to the bank folder), in order: its
    /// passage's first.
    public let images: [String]
    /// The stimulus it shares with other items, shown with it.
    public let passage: Passage?

    public init(
        id: String,
        version: Int,
        subtest: String,
        topic: String,
        difficulty: Int,
        stem: String,
        options: [ItemOption],
        explanation: String?,
        key: ItemKey,
        origin: SourceLocation,
        templateID: String? = nil,
        markup: Bool = false,
        images: [String] = [],
        passage: Passage? = nil
    ) {
        self.id = id
        self.version = version
        self.subtest = subtest
        self.topic = topic
        self.difficulty = difficulty
        self.stem = stem
        self.options = options
        self.explanation = explanation
        self.key = key
        self.origin = origin
        self.templateID = templateID
        self.markup = markup
        self.images = images
        self.passage = passage
    }

    /// The same item shown with `passage` (its figures before the item's own).
    public func with(passage: Passage) -> Item {
        var shown = passage.images
        for path in images where !shown.contains(path) { shown.append(path) }
        return Item(
            id: id,
            version: version,
            subtest: subtest,
            topic: topic,
            difficulty: difficulty,
            stem: stem,
            options: options,
            explanation: explanation,
            key: key,
            origin: origin,
            templateID: templateID,
            markup: markup,
            images: shown,
            passage: passage
        )
    }

    /// The index of an option by its identity, or nil when the item has no such option.
    public func optionIndex(of optionID: String) -> Int? {
        options.firstIndex { $0.id == optionID }
    }
}
