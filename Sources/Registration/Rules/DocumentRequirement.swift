/// A document the application needs, from `Config/portal.yaml`: its kind, the file
/// type it must be, and its size limit.
public struct DocumentRequirement: Sendable, Codable, Hashable {
    public enum FileType: String, Sendable, Codable {
        case jpeg
        case pdf

        public var contentType: String { self == .jpeg ? "image/jpeg" : "application/pdf" }
        public var label: String { self == .jpeg ? "JPG" : "PDF" }
        public var fileExtension: String { self == .jpeg ? "jpg" : "pdf" }

        /// The type is read from the content, never from the name: a JPEG starts with
        /// FF D8 FF and ends with its end-of-image marker FF D9 (padding after it is
        /// tolerated); a PDF starts with "%PDF-" and has "%%EOF" in its last kilobyte.
        /// A file cut off in transfer fails the second half.
        public func matches(_ bytes: [UInt8]) -> Bool {
            switch self {
            case .jpeg:
                return bytes.starts(with: [0xFF, 0xD8, 0xFF]) && Self.contains(bytes.suffix(64), [0xFF, 0xD9])
            case .pdf:
                return bytes.starts(with: Array("%PDF-".utf8)) && Self.contains(bytes.suffix(1024), Array("%%EOF".utf8))
            }
        }

        static func contains(_ haystack: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
            guard haystack.count >= needle.count else { return false }
            let start = haystack.startIndex
            return (start...(haystack.endIndex - needle.count)).contains { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
        }
    }

    public var kind: String
    public var label: String
    public var type: FileType
    public var maxKB: Int

    enum CodingKeys: String, CodingKey {
        case kind, label, type
        case maxKB = "max_kb"
    }

    public init(kind: String, label: String, type: FileType, maxKB: Int) {
        self.kind = kind
        self.label = label
        self.type = type
        self.maxKB = maxKB
    }

    public var maxBytes: Int { maxKB * 1024 }

    /// The national portal's list (domain.md); agencies may change it in the config.
    public static let national: [DocumentRequirement] = [
        .init(kind: "foto", label: "Pas foto", type: .jpeg, maxKB: 200),
        .init(kind: "swafoto", label: "Swafoto", type: .jpeg, maxKB: 200),
        .init(kind: "ktp", label: "KTP", type: .jpeg, maxKB: 200),
        .init(kind: "ijazah", label: "Ijazah", type: .pdf, maxKB: 800),
        .init(kind: "transkrip", label: "Transkrip nilai", type: .pdf, maxKB: 500),
    ]
}

/// A TMS reason verifiers choose from (the list is configured).
public struct RejectionReason: Sendable, Codable, Hashable {
    public var code: String
    public var label: String

    public init(code: String, label: String) {
        self.code = code
        self.label = label
    }

    public static let defaults: [RejectionReason] = [
        .init(code: "dokumen-tidak-terbaca", label: "Dokumen tidak terbaca atau tidak sesuai"),
        .init(code: "ijazah-tidak-sesuai", label: "Ijazah tidak sesuai kualifikasi pendidikan formasi"),
        .init(code: "ipk-tidak-memenuhi", label: "IPK tidak memenuhi syarat"),
        .init(code: "data-tidak-sesuai", label: "Data isian tidak sesuai dengan dokumen"),
        .init(code: "usia-tidak-memenuhi", label: "Usia tidak memenuhi syarat"),
        .init(code: "syarat-khusus", label: "Tidak memenuhi syarat khusus jenis formasi"),
        .init(code: "lainnya", label: "Lainnya (lihat keterangan)"),
    ]
}

extension [DocumentRequirement] {
    /// What pages call a document of `kind` ("Pas foto"); the kind itself when none is configured.
    public func label(of kind: String) -> String { first { $0.kind == kind }?.label ?? kind }
}
