import Foundation
public import SeleksiCore

/// What a node's results package must agree with before any of it is kept: the session
/// of the roster version it ran, exactly its participants, and each answer log's digest.
public enum ResultsRule {
    /// The first problem of `package` against the roster session it names and the rule
    /// set's subtests (code → highest score), or nil.
    public static func refusal(_ package: ResultsPackage, roster: RosterPackage.Session, subtests: [String: Int]) -> RegistrationError? {
        if package.ruleSetID != roster.ruleSetID {
            return RegistrationError(
                "invalid-package",
                kind: .invalid,
                "Paket hasil sesi \(package.sessionID) memakai aturan \(EnvelopeError.shown(package.ruleSetID)), bukan \(roster.ruleSetID) dari daftar pesertanya."
            )
        }
        let expected = Set(roster.participants.map(\.participantNumber))
        var seen: Set<String> = []
        for candidate in package.candidates {
            let number = EnvelopeError.shown(candidate.participantNumber)
            guard expected.contains(candidate.participantNumber) else {
                return RegistrationError(
                    "participant-not-in-roster",
                    kind: .invalid,
                    "Peserta \(number) tidak ada di daftar peserta sesi \(package.sessionID)."
                )
            }
            guard seen.insert(candidate.participantNumber).inserted else {
                return RegistrationError("invalid-package", kind: .invalid, "Peserta \(number) dilaporkan dua kali.")
            }
            if candidate.answerLogDigest != ResultsPackage.digest(of: candidate.answerLog) {
                return RegistrationError("answer-log-digest", kind: .invalid, "Log jawaban peserta \(number) tidak cocok dengan digestnya.")
            }
            if let score = candidate.score {
                let codes = score.subtests.map(\.subtest)
                guard candidate.status != .absent, Set(codes) == Set(subtests.keys), codes.count == subtests.count,
                    score.subtests.allSatisfy({ (0...(subtests[$0.subtest] ?? 0)).contains($0.score) })
                else {
                    return RegistrationError(
                        "invalid-scores",
                        kind: .invalid,
                        "Nilai peserta \(number) tidak sesuai aturan \(roster.ruleSetID): subtes \(subtests.keys.sorted().joined(separator: ", ")), masing-masing 0 sampai nilai tertingginya."
                    )
                }
            }
            switch candidate.status {
            case .finished where candidate.score == nil:
                return RegistrationError("invalid-package", kind: .invalid, "Peserta \(number) selesai tetapi tanpa nilai.")
            case .disqualified where (candidate.reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty:
                return RegistrationError("invalid-package", kind: .invalid, "Peserta \(number) didiskualifikasi tanpa alasan.")
            default: break
            }
        }
        if let missing = expected.subtracting(seen).sorted().first {
            return RegistrationError(
                "participant-missing",
                kind: .invalid,
                "Peserta \(missing) dari daftar sesi \(package.sessionID) tidak ada di paket hasil."
            )
        }
        return nil
    }

    /// Another package of a session already kept: a node sends one per session.
    public static func alreadyImported(_ session: String, digest: String) -> RegistrationError {
        RegistrationError(
            "results-already-imported",
            kind: .conflict,
            "Hasil sesi \(session) sudah diterima dari paket lain (digest \(digest.prefix(16))…); paket ini ditolak."
        )
    }

    /// One attempt per participant: a result already held from another session.
    public static func resultElsewhere(_ participant: String, session: String) -> RegistrationError {
        RegistrationError(
            "participant-has-result",
            kind: .conflict,
            "Peserta \(participant) sudah punya hasil dari sesi \(session); satu peserta satu kali ujian (paket ditolak seluruhnya)."
        )
    }
}
