import Crypto
import Foundation
import NIOPosix
import SeleksiAuth
import SeleksiCore

/// Someone else's NIK: its owner files a claim with their KTP and KK scans, a verifier
/// of the period decides, and an upheld claim freezes the account that took the NIK so
/// that the owner can register. Every step is in the audit log.
extension RegistrationService {
    /// The scans a claim carries, as configured for the KTP.
    public var claimDocuments: [DocumentRequirement] {
        NIKClaimRule.documents(ktp: settings.documents.first { $0.kind == "ktp" } ?? DocumentRequirement.national[2])
    }

    /// Files a claim. `identity` is what the owner would have signed up with (its password
    /// is not read); `scans` holds each of `claimDocuments` by kind.
    public func fileClaim(identity: SignUp, statement: String, scans: [String: [UInt8]], address: String) async throws -> NIKClaim {
        let period = try await period()
        // The owner registers once the claim is upheld, so claims are taken while registration is open.
        try require(period.registration, "Klaim NIK")
        let checked = try SignUpRules.identity(identity).get()
        let text = statement.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (20...2000).contains(text.count) else {
            throw RegistrationError.invalid("invalid-statement", "Jelaskan singkat bagaimana NIK Anda terpakai akun lain, 20-2000 karakter.")
        }
        var files: [(DocumentRequirement, [UInt8])] = []
        for requirement in claimDocuments {
            guard let bytes = scans[requirement.kind], !bytes.isEmpty else {
                throw RegistrationError.invalid("missing-scan", "Unggah pindaian \(requirement.label).")
            }
            guard bytes.count <= requirement.maxBytes else { throw RegistrationError.fileTooLarge(requirement) }
            guard requirement.type.matches(bytes) else { throw RegistrationError.wrongFileType(requirement.label, expected: requirement.type.label) }
            files.append((requirement, bytes))
        }
        guard
            try await store.beginLoginAttempt(limits: [("claim-address:" + address, settings.claimsPerAddress)], since: now - 3_600_000, at: now) != nil
        else { throw RegistrationError.tooManyClaims }
        let name = identity.name.trimmingCharacters(in: .whitespaces)
        let kk = identity.kk.filter { !$0.isWhitespace }
        if let civilRegistry {
            let matches: Bool
            do {
                matches = try await civilRegistry.matches(nik: checked.nik.digits, kk: kk, name: name, birthDate: identity.birthDate)
            } catch {
                throw RegistrationError.civilRegistryUnavailable
            }
            guard matches else { throw RegistrationError.civilRegistryMismatch }
        }
        // Checked again inside the store's transaction; here so that nothing is written for nothing.
        guard let held = try await store.accountForLogin(periodID: period.id, nikOrEmail: checked.nik.digits)?.account, held.nik == checked.nik.digits
        else { throw RegistrationError.nikNotTaken }
        var documents: [StoredDocument] = []
        // Each claim's scans have names of their own (a nonce beside the digest): a refused
        // claim removes its files, which must never be another claim's with the same content.
        let nonce = String(SecretToken.generate().text.prefix(12))
        do {
            for (requirement, bytes) in files {
                let sha = Hex.encode(SHA256.hash(data: bytes))
                let path = documentDirectory + "/klaim/\(sha.prefix(2))/\(requirement.kind)-\(sha.prefix(16))-\(nonce).\(requirement.type.fileExtension)"
                // Listed before it is written: a failed write is removed with the others.
                documents.append(
                    StoredDocument(
                        kind: requirement.kind,
                        contentType: requirement.type.contentType,
                        size: bytes.count,
                        sha256: sha,
                        path: path,
                        uploadedAt: now
                    )
                )
                try await DocumentFiles.pool.runIfActive { try DocumentFiles.writeContentAddressed(bytes, to: path) }
            }
        } catch {
            for document in documents { try? FileManager.default.removeItem(atPath: document.path) }
            throw error
        }
        let claim = NIKClaim(
            id: 0,
            periodID: period.id,
            nik: checked.nik.digits,
            kk: kk,
            name: name,
            birthDate: identity.birthDate,
            email: checked.email,
            phone: checked.phone,
            statement: text,
            heldAccountID: held.id,
            documents: documents,
            filedAt: now
        )
        do {
            return try await store.fileClaim(
                claim,
                mails: [claimReceivedMail(claim), claimNoticeMail(to: held.email)],
                audit: AuditEntry(
                    at: now,
                    actor: "pemohon:" + checked.email,
                    role: "public",
                    action: "claim.file",
                    subject: "klaim",
                    detail: "NIK …\(claim.nik.suffix(4))"
                )
            )
        } catch {
            for document in documents { try? FileManager.default.removeItem(atPath: document.path) }
            throw error
        }
    }

    /// Verifiers of any agency and admins decide claims: a NIK belongs to no agency.
    func requireClaimDecider(_ staff: StaffAccount) throws {
        guard staff.role == .verifier || staff.role == .admin else { throw RegistrationError.forbidden }
    }

    public func claims(staff: StaffAccount) async throws -> [NIKClaim] {
        try requireClaimDecider(staff)
        let period = try await period()
        try await store.appendAudit(audit(staff, "claims.open", period.id))
        return try await store.claims(periodID: period.id, status: nil)
    }

    /// A claim and the account that held the NIK (with its application, if any), for the
    /// verifier's comparison; the opening is audited.
    public func openClaim(staff: StaffAccount, id: Int64) async throws -> (claim: NIKClaim, held: Account, application: Application?) {
        try requireClaimDecider(staff)
        guard let claim = try await store.claim(id: id), claim.periodID == (try await period()).id,
            let held = try await store.account(id: claim.heldAccountID)
        else { throw RegistrationError.notFound }
        try await store.appendAudit(audit(staff, "claim.open", "klaim:\(id)"))
        return (claim, held, try await store.application(accountID: held.id))
    }

    public func claimDocument(staff: StaffAccount, id: Int64, kind: String) async throws -> (StoredDocument, [UInt8]) {
        try requireClaimDecider(staff)
        guard let claim = try await store.claim(id: id), let document = claim.documents.first(where: { $0.kind == kind }) else {
            throw RegistrationError.notFound
        }
        let path = document.path
        guard let data = try await DocumentFiles.pool.runIfActive({ FileManager.default.contents(atPath: path) }) else { throw RegistrationError.notFound }
        try await store.appendAudit(audit(staff, "claim.document.open", "klaim:\(id)", kind))
        return (document, [UInt8](data))
    }

    /// Upheld: the account that held the NIK is frozen (signed out, out of the selection)
    /// and the owner is told to register; rejected: the owner is told why.
    public func decideClaim(staff: StaffAccount, id: Int64, upheld: Bool, note: String) async throws -> NIKClaim {
        try requireClaimDecider(staff)
        let text = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let claim = try await store.claim(id: id), let held = try await store.account(id: claim.heldAccountID) else {
            throw RegistrationError.notFound
        }
        if let refusal = NIKClaimRule.decisionRefusal(claim, note: text) { throw refusal }
        var mails = [claimDecisionMail(claim, upheld: upheld)]
        var entries = [audit(staff, "claim.decide", "klaim:\(id)", upheld ? "diterima" : "ditolak")]
        if upheld {
            mails.append(frozenMail(to: held.email))
            entries.append(audit(staff, "account.freeze", "akun:\(held.id)", "klaim:\(id)"))
        }
        return try await store.decideClaim(id: id, upheld: upheld, by: staff.username, at: now, note: text, mails: mails, audit: entries)
    }

    // MARK: - Mails (the system's text first; what a person typed never stands in its place)

    func claimReceivedMail(_ claim: NIKClaim) -> Mail {
        Mail(
            to: claim.email,
            subject: "Klaim NIK diterima",
            body: """
                Klaim NIK Anda sudah kami terima. Verifikator akan membandingkan pindaian KTP dan Kartu Keluarga Anda dengan akun yang memakai NIK itu.
                Keputusan dikirim ke alamat email ini. Jika klaim diterima, Anda dapat membuat akun dengan NIK Anda.
                Jika Anda tidak mengajukan klaim ini, abaikan pesan ini.

                \(Self.typedName(claim.name))
                """,
            createdAt: now
        )
    }

    func claimNoticeMail(to email: String) -> Mail {
        Mail(
            to: email,
            subject: "Ada klaim atas NIK akun Anda",
            body: """
                Seseorang menyatakan bahwa NIK yang dipakai akun Anda adalah miliknya, dan mengajukan klaim dengan pindaian KTP dan Kartu Keluarga.
                Verifikator akan memeriksanya. Jika NIK itu memang milik Anda, pastikan dokumen lamaran Anda (KTP) sesuai aslinya.
                Jika klaim diterima, akun Anda dibekukan.
                """,
            createdAt: now
        )
    }

    func claimDecisionMail(_ claim: NIKClaim, upheld: Bool) -> Mail {
        Mail(
            to: claim.email,
            subject: upheld ? "Klaim NIK diterima" : "Klaim NIK ditolak",
            body: upheld
                ? """
                Klaim NIK Anda diterima. Akun yang memakai NIK Anda sudah dibekukan: buat akun dengan NIK Anda di halaman Buat akun selama pendaftaran dibuka.
                """
                : """
                Klaim NIK Anda ditolak setelah pindaian Anda dibandingkan dengan akun yang memakai NIK itu.
                Jika Anda yakin NIK itu milik Anda, hubungi layanan bantuan panitia dengan membawa KTP dan Kartu Keluarga asli.
                """,
            createdAt: now
        )
    }

    func frozenMail(to email: String) -> Mail {
        Mail(
            to: email,
            subject: "Akun Anda dibekukan",
            body: """
                Akun Anda dibekukan: pemilik NIK yang dipakai akun ini membuktikan NIK itu miliknya dengan KTP dan Kartu Keluarga.
                Akun ini tidak dapat dipakai masuk lagi dan lamarannya tidak diikutkan dalam seleksi.
                Jika menurut Anda ini keliru, hubungi layanan bantuan panitia dengan membawa KTP dan Kartu Keluarga asli.
                """,
            createdAt: now
        )
    }
}
