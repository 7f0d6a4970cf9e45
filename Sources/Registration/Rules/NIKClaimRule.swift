/// When a NIK claim may be filed and decided. The service checks it first and the store
/// again inside its transaction (two claims or two decisions racing see one winner).
public enum NIKClaimRule {
    /// The scans a claim carries: the KTP as the applicant's documents have it, and the KK.
    public static func documents(ktp: DocumentRequirement) -> [DocumentRequirement] {
        [ktp, DocumentRequirement(kind: "kk", label: "Kartu Keluarga", type: .jpeg, maxKB: 500)]
    }

    /// One open claim per NIK, and only against a NIK an active account holds.
    public static func fileRefusal(heldByAccount: Bool, pendingClaim: Bool) -> RegistrationError? {
        guard heldByAccount else { return .nikNotTaken }
        guard !pendingClaim else { return .claimPending }
        return nil
    }

    /// A claim is decided once; a decision carries its reason.
    public static func decisionRefusal(_ claim: NIKClaim, note: String) -> RegistrationError? {
        guard claim.status == .pending else { return .claimDecided }
        guard (5...2000).contains(note.count) else { return .invalid("invalid-note", "Tulis alasan keputusan, 5-2000 karakter.") }
        return nil
    }
}
