import Foundation

/// What every formation must have, whether it is typed into a form, sent to the API or
/// read from an agency's table.
public enum FormationRule {
    /// Codes the committee and agencies use (`KPG-GR-001`).
    public static let codePattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"
    public static let ages: ClosedRange<Int> = 18...60
    public static let quotas: ClosedRange<Int> = 1...100_000
    /// Position, unit and location are printed on public pages and cards: a line of plain text.
    public static let textLength = 200

    /// Every problem with `formation`, in Indonesian; empty when it may be saved.
    public static func problems(_ formation: Formation) -> [String] {
        var problems: [String] = []
        if formation.id.range(of: codePattern, options: .regularExpression) == nil {
            problems.append("kode formasi '\(formation.id)' harus 1-40 huruf, angka, titik, garis bawah atau tanda hubung")
        }
        for (label, text) in [("jabatan", formation.position), ("unit kerja", formation.unit), ("lokasi", formation.location)] {
            if text.isEmpty {
                problems.append("\(label) wajib diisi")
            } else if text.count > textLength || text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                problems.append("\(label) harus satu baris teks, paling panjang \(textLength) karakter")
            }
        }
        if formation.majors.isEmpty || formation.majors.contains(where: \.isEmpty) {
            problems.append("minimal satu program studi, tanpa nama kosong")
        }
        if !quotas.contains(formation.quota) { problems.append("kuota harus \(quotas.lowerBound)-\(quotas.upperBound)") }
        if !ages.contains(formation.maxAge) { problems.append("batas usia harus \(ages.lowerBound)-\(ages.upperBound) tahun") }
        return problems
    }

    /// The refusal the form and the API give.
    public static func refusal(_ formation: Formation) -> RegistrationError? {
        let problems = problems(formation)
        guard !problems.isEmpty else { return nil }
        return .invalid("invalid-formation", "Formasi tidak dapat disimpan: " + problems.joined(separator: "; ") + ".")
    }
}
