/// A topic of a subtest.
public struct BankTopic: Sendable, Hashable {
    public let code: String
    public let name: String

    public init(code: String, name: String) {
        self.code = code
        self.name = name
    }
}

/// A subtest as a bank declares it: its name and the topics items may carry.
public struct BankSubtest: Sendable, Hashable {
    public let code: String
    public let name: String
    /// In the order the manifest lists them.
    public let topics: [BankTopic]

    public init(code: String, name: String, topics: [BankTopic]) {
        self.code = code
        self.name = name
        self.topics = topics
    }

    public func hasTopic(_ code: String) -> Bool { topics.contains { $0.code == code } }
}

/// A bank's manifest (`bank.yaml`).
public struct BankManifest: Sendable, Hashable {
    public let id: String
    public let version: String
    public let title: String
    public let optionCount: ClosedRange<Int>
    public let subtests: [BankSubtest]

    public init(id: String, version: String, title: String, optionCount: ClosedRange<Int>, subtests: [BankSubtest]) {
        self.id = id
        self.version = version
        self.title = title
        self.optionCount = optionCount
        self.subtests = subtests
    }

    public func subtest(_ code: String) -> BankSubtest? { subtests.first { $0.code == code } }
}

/// A loaded, valid question bank. Only `BankLoader` makes one, and only when the
/// whole bank is free of problems: a bank never loads half.
public struct QuestionBank: Sendable {
    public let manifest: BankManifest
    /// Items in a stable order (file name, then position in the file).
    public let items: [Item]
    /// The folder it was loaded from.
    public let directory: String
    /// The images its items show, by path.
    public let images: [String: BankImage]
    /// Per item id: the SHA-256 (hex) of everything a candidate sees of it and how it is
    /// scored, image bytes included.
    public let fingerprints: [String: String]
    /// The SHA-256 (hex) of every item's fingerprint, in order: a paper names it, so a
    /// changed word, key or figure anywhere in the bank shows in the paper's fingerprint.
    public let contentDigest: String
    /// The stimuli its items share, by id.
    public let passages: [String: Passage]
    private let indexByID: [String: Int]

    public init(manifest: BankManifest, items: [Item], directory: String, images: [String: BankImage] = [:]) {
        self.manifest = manifest
        self.items = items
        self.directory = directory
        self.images = images
        var index: [String: Int] = [:]
        for (position, item) in items.enumerated() { index[item.id] = position }
        self.indexByID = index
        var fingerprints: [String: String] = [:]
        var all = ""
        for item in items {
            let fingerprint = ItemFingerprint.of(item, images: images)
            fingerprints[item.id] = fingerprint
            all += item.id + " " + fingerprint + "\n"
        }
        self.fingerprints = fingerprints
        var passages: [String: Passage] = [:]
        for case let passage? in items.lazy.map(\.passage) { passages[passage.id] = passage }
        self.passages = passages
        self.contentDigest = ItemFingerprint.hex(all)
    }

    public var id: String { manifest.id }
    public var version: String { manifest.version }

    public func item(_ id: String) -> Item? { indexByID[id].map { items[$0] } }
}
