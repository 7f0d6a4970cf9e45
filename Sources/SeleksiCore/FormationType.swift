/// The type of a formation (formasi). Passing grades differ by type, so every score
/// decision needs it.
public enum FormationType: String, CaseIterable, Sendable, Codable, Hashable {
    case general
    case cumlaude
    case disability
    case papua
    case kalimantan
    case diaspora

    /// The name used on Indonesian pages and cards.
    public var displayName: String {
        switch self {
        case .general: "Umum"
        case .cumlaude: "Lulusan Cumlaude"
        case .disability: "Penyandang Disabilitas"
        case .papua: "Putra/Putri Papua"
        case .kalimantan: "Putra/Putri Kalimantan"
        case .diaspora: "Diaspora"
        }
    }
}
