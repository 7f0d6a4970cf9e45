import Crypto
public import Foundation
import SeleksiCore

/// An announcement of a stage's results: an immutable, versioned snapshot. Its digest is
/// SHA-256 over its canonical form (`canonical()`), which includes the previous version's
/// digest: a correction is a new version, the old one stays as it was, and a silent
/// rewrite of any version breaks the chain after it.
public struct Announcement: Sendable, Hashable, Codable {
    /// One participant as the announcement may show them: never a NIK, a birth date or a
    /// document, nor a proctor's free-text reason for a disqualification (the code says DIS;
    /// the reason stays in the portal with the node's results package).
    public struct Row: Sendable, Hashable, Codable {
        public let participantNumber: String
        public let name: String
        public let agencyID: String
        public let agencyName: String
        public let formationID: String
        public let formationName: String
        /// Per subtest code; nil for the absent and the disqualified.
        public let scores: [String: Int]?
        public let total: Int?
        public let rank: Int?
        public let code: String
        public let label: String

        public init(
            participantNumber: String,
            name: String,
            agencyID: String,
            agencyName: String,
            formationID: String,
            formationName: String,
            scores: [String: Int]?,
            total: Int?,
            rank: Int?,
            code: String,
            label: String
        ) {
            self.participantNumber = participantNumber
            self.name = name
            self.agencyID = agencyID
            self.agencyName = agencyName
            self.formationID = formationID
            self.formationName = formationName
            self.scores = scores
            self.total = total
            self.rank = rank
            self.code = code
            self.label = label
        }
    }

    /// A signed results package the scores came from: anyone holding it can check a score.
    public struct Source: Sendable, Hashable, Codable {
        public let sessionID: String
        public let nodeID: String
        /// `ResultsPackage.digest(payload:)`.
        public let digest: String

        public init(sessionID: String, nodeID: String, digest: String) {
            self.sessionID = sessionID
            self.nodeID = nodeID
            self.digest = digest
        }
    }

    public let periodID: String
    /// `skd`.
    public let stage: String
    public let version: Int
    /// The digest of version − 1; nil for the first.
    public let previousDigest: String?
    /// From when the public sees it (milliseconds since 1970).
    public let publishedAt: Int64
    public let ruleSetID: String
    public let sources: [Source]
    /// By formation, then rank, then participant number.
    public let rows: [Row]

    public init(
        periodID: String,
        stage: String,
        version: Int,
        previousDigest: String?,
        publishedAt: Int64,
        ruleSetID: String,
        sources: [Source],
        rows: [Row]
    ) {
        self.periodID = periodID
        self.stage = stage
        self.version = version
        self.previousDigest = previousDigest
        self.publishedAt = publishedAt
        self.ruleSetID = ruleSetID
        self.sources = sources
        self.rows = rows
    }

    /// The canonical form: JSON, UTF-8, object keys in byte order, no insignificant
    /// whitespace, `/` not escaped, absent values left out.
    public func canonical() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data()
    }

    /// SHA-256 (hex) of the canonical form.
    public var digest: String { Hex.encode(SHA256.hash(data: canonical())) }

    /// What changes between versions (the results), leaving out the version, the chain and the time.
    public var contentDigest: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let parts = [(try? encoder.encode([ruleSetID])), (try? encoder.encode(sources)), (try? encoder.encode(rows))]
        return Hex.encode(SHA256.hash(data: parts.reduce(Data()) { $0 + ($1 ?? Data()) + Data([0x0A]) }))
    }
}

/// An announcement as downloaded: the snapshot and the digest published beside it.
public struct PublishedAnnouncement: Sendable, Hashable, Codable {
    public let digest: String
    public let announcement: Announcement

    public init(_ announcement: Announcement) {
        self.digest = announcement.digest
        self.announcement = announcement
    }

    /// The download's bytes (the same every time).
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data()
    }
}

/// Checks downloaded announcements: each one's digest recomputed from its content, and
/// each version's `previousDigest` against the version before it.
public enum AnnouncementCheck {
    public struct Finding: Sendable, Hashable {
        public let version: Int
        /// Nil: this version is sound.
        public let problem: String?

        public init(version: Int, problem: String?) {
            self.version = version
            self.problem = problem
        }
    }

    /// A downloaded file, read; nil if it is not an announcement file. `uncovered`: it holds
    /// something its digest does not cover (a field added, a value written another way),
    /// which reading it into the announcement would silently drop.
    public static func read(_ data: Data) -> (file: PublishedAnnouncement, uncovered: Bool)? {
        guard let file = try? JSONDecoder().decode(PublishedAnnouncement.self, from: data) else { return nil }
        let raw = try? JSONSerialization.jsonObject(with: data) as? NSDictionary
        let canonical = try? JSONSerialization.jsonObject(with: file.encoded()) as? NSDictionary
        return (file, raw == nil || canonical == nil || raw?.isEqual(canonical) != true)
    }

    public static func verify(_ files: [PublishedAnnouncement]) -> [Finding] {
        let ordered = files.sorted { $0.announcement.version < $1.announcement.version }
        var findings: [Finding] = []
        for (index, file) in ordered.enumerated() {
            let announcement = file.announcement
            let recomputed = announcement.digest
            var problems: [String] = []
            if recomputed != file.digest { problems.append("digest dihitung \(recomputed), tertulis \(file.digest): isinya diubah") }
            if index > 0 {
                let previous = ordered[index - 1]
                if announcement.stage != previous.announcement.stage || announcement.periodID != previous.announcement.periodID {
                    problems.append("bukan pengumuman tahap yang sama dengan versi \(previous.announcement.version)")
                } else if announcement.version != previous.announcement.version + 1 {
                    problems.append("versi \(previous.announcement.version + 1) tidak ada di antara berkas yang diberikan")
                } else if announcement.previousDigest != previous.announcement.digest {
                    problems.append(
                        "digest versi sebelumnya tertulis \(announcement.previousDigest ?? "-"), dihitung \(previous.announcement.digest): rantai putus"
                    )
                }
            } else if announcement.version == 1, announcement.previousDigest != nil {
                problems.append("versi 1 tidak boleh menunjuk versi sebelumnya")
            }
            findings.append(Finding(version: announcement.version, problem: problems.isEmpty ? nil : problems.joined(separator: "; ")))
        }
        return findings
    }
}
