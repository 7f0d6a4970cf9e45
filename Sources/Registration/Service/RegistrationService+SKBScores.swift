public import ExamEngine
public import Foundation
import Selection
import SeleksiCore

/// SKB components scored by people (domain stage 6). Interviews are scored by their
/// panel (RegistrationService+Interviews); the practical, psychological and health tests
/// by the staff a committee admin authorises for that component and formation. Every
/// score is against the rubric of the candidate's SKB plan, audited with what it
/// replaced, and frozen once the final result is announced.
extension RegistrationService {
    /// The components an assessor is authorised for: the ones scored by people outside a panel.
    public static let assessedComponents: Set<SKBPlan.ComponentKind> = [.practical, .psychological, .health]

    /// Authorises an interviewer-role staff account to score `component` for each of
    /// `formations`, after checking each formation's SKB plan has that component.
    /// Authorising again changes nothing. Audited as `skb.assessor`.
    public func assignSKBAssessor(
        staff: StaffAccount,
        username: String,
        component: SKBPlan.ComponentKind,
        formations: [String]
    ) async throws -> [SKBAssessor] {
        try requireAdmin(staff)
        let period = try await period()
        guard Self.assessedComponents.contains(component) else {
            throw RegistrationError.invalid(
                "skb-component",
                "Hanya tes praktik kerja, psikologi dan kesehatan yang dinilai penguji; wawancara dinilai panelnya, CAT SKB oleh node ujian."
            )
        }
        guard let credentials = try await store.staffCredentials(username: username), credentials.staff.role == .interviewer else {
            throw RegistrationError.invalid("skb-unknown-assessor", "'\(username)' bukan akun staf berperan pewawancara/penguji.")
        }
        let wanted = Array(Set(formations)).sorted()
        guard !wanted.isEmpty else { throw RegistrationError.invalid("unknown-formation", "Sebutkan sedikitnya satu formasi.") }
        for id in wanted {
            guard let formation = try await store.formation(id: id), formation.periodID == period.id else {
                throw RegistrationError.invalid("unknown-formation", "Formasi '\(id)' tidak ada di periode ini.")
            }
            guard try await skbComponent(formationID: id, component) != nil else {
                throw RegistrationError.invalid(
                    "component-not-in-plan",
                    "Rencana SKB formasi \(id) tidak memuat \(component.label.lowercased()) (Config/rules/skb-*.yaml)."
                )
            }
        }
        try await store.saveSKBAssessors(
            wanted.map { SKBAssessor(username: username, component: component, formationID: $0, assignedAt: now, assignedBy: staff.username) },
            periodID: period.id,
            audit: audit(staff, "skb.assessor", "skb-assessor:\(username)", "\(component.label): \(wanted.joined(separator: ", "))")
        )
        // As kept: an authorisation given before keeps its own time and author.
        return try await store.skbAssessors(periodID: period.id).filter {
            $0.username == username && $0.component == component && wanted.contains($0.formationID)
        }
    }

    public func skbAssessors(staff: StaffAccount) async throws -> [SKBAssessor] {
        try requireAdmin(staff)
        return try await store.skbAssessors(periodID: try await period().id)
    }

    /// One candidate an assessor may score, with the score so far.
    public struct AssessedCandidate: Sendable {
        public let participantNumber: String
        public let name: String
        public let formationID: String
        public let score: SKBComponentScore?
        public let rubric: SKBPlan.Component
    }

    /// The candidates of the SKB list in the formations the assessor is authorised for
    /// `component`; nothing else.
    public func assessedCandidates(staff: StaffAccount, component: SKBPlan.ComponentKind) async throws -> [AssessedCandidate] {
        guard staff.role == .interviewer else { throw RegistrationError.forbidden }
        let period = try await period()
        let formations = Set(
            try await store.skbAssessors(periodID: period.id).filter { $0.username == staff.username && $0.component == component }.map(\.formationID)
        )
        guard !formations.isEmpty else { return [] }
        let rows = try await skbShortlist(periodID: period.id).filter { formations.contains($0.formationID) }
        let scores = Dictionary(
            try await store.skbScores(periodID: period.id).filter { $0.component == component }.map { ($0.participantNumber, $0) },
            uniquingKeysWith: { first, _ in first }
        )
        var rubrics: [String: SKBPlan.Component] = [:]
        for id in formations { rubrics[id] = try await skbComponent(formationID: id, component) }
        return rows.compactMap { row in
            rubrics[row.formationID].map {
                AssessedCandidate(
                    participantNumber: row.participantNumber,
                    name: row.name,
                    formationID: row.formationID,
                    score: scores[row.participantNumber],
                    rubric: $0
                )
            }
        }
    }

    /// An assessor scores a candidate of the SKB list for `component`, only in a formation
    /// they are authorised for (any other candidate is not found to them), against the
    /// rubric of the candidate's plan, or marks them absent (TH).
    public func enterSKBScore(
        staff: StaffAccount,
        participantNumber: String,
        component: SKBPlan.ComponentKind,
        marks: [String: Int],
        absent: Bool
    ) async throws -> (score: SKBComponentScore, maximum: Int) {
        guard staff.role == .interviewer else { throw RegistrationError.forbidden }
        guard Self.assessedComponents.contains(component) else {
            throw RegistrationError.invalid("skb-component", "Komponen ini tidak dinilai penguji; wawancara dinilai panelnya.")
        }
        let period = try await period()
        guard let row = try await skbShortlist(periodID: period.id).first(where: { $0.participantNumber == participantNumber }),
            try await store.skbAssessors(periodID: period.id).contains(where: {
                $0.username == staff.username && $0.component == component && $0.formationID == row.formationID
            })
        else { throw RegistrationError.notFound }
        return try await scoreByRubric(
            staff: staff,
            periodID: period.id,
            participantNumber: participantNumber,
            formationID: row.formationID,
            kind: component,
            marks: marks,
            absent: absent,
            note: ""
        )
    }

    /// The `kind` component of the SKB plan of a formation (its own plan, else its agency's),
    /// or nil when the plan has none or the formation is unknown.
    func skbComponent(formationID: String, _ kind: SKBPlan.ComponentKind) async throws -> SKBPlan.Component? {
        guard let formation = try await store.formation(id: formationID) else { return nil }
        return try skbPlans.get().plan(formation: formationID, agency: formation.agencyID)?.component(kind)
    }

    /// Checks `marks` against the rubric of the `kind` component of the plan of the
    /// candidate's formation (or none when absent) and keeps the score, audited as
    /// `skb.score` with what it replaced.
    func scoreByRubric(
        staff: StaffAccount,
        periodID: String,
        participantNumber: String,
        formationID: String,
        kind: SKBPlan.ComponentKind,
        marks: [String: Int],
        absent: Bool,
        note: String
    ) async throws -> (score: SKBComponentScore, maximum: Int) {
        guard let component = try await skbComponent(formationID: formationID, kind) else {
            throw RegistrationError(
                kind == .interview ? "no-interview-component" : "component-not-in-plan",
                kind: .conflict,
                "Rencana SKB formasi \(formationID) tidak memuat \(kind.label.lowercased()) (Config/rules/skb-*.yaml)."
            )
        }
        let total: Int?
        if absent {
            guard marks.isEmpty else { throw RegistrationError.invalid("invalid-score", "Peserta yang tidak hadir tidak diberi nilai.") }
            total = nil
        } else {
            do { total = try SKBScore.rubricTotal(component, marks) } catch { throw RegistrationError.invalid("invalid-score", error.message) }
        }
        let score = SKBComponentScore(
            participantNumber: participantNumber,
            component: kind,
            marks: absent ? [:] : marks,
            total: total,
            enteredBy: staff.username,
            enteredAt: now
        )
        let text =
            absent
            ? "tidak hadir"
            : "\(total!)/\(component.maximum) (" + marks.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")"
        // The audit line names what it replaces, as the store reads it in the same write.
        let entry = audit(staff, "skb.score", "skb:\(participantNumber)/\(kind.rawValue)", "\(kind.label.lowercased()) \(text)\(note)")
        _ = try await store.saveSKBScore(score, periodID: periodID) { previous in
            let replaced = previous.map { $0.absent ? "; sebelumnya tidak hadir (\($0.enteredBy))" : "; sebelumnya \($0.total!) (\($0.enteredBy))" } ?? ""
            return AuditEntry(at: entry.at, actor: entry.actor, role: entry.role, action: entry.action, subject: entry.subject, detail: entry.detail + replaced)
        }
        return (score, component.maximum)
    }
}
