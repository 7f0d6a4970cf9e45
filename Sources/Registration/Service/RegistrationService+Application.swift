import Crypto
import ExamEngine
public import Foundation
import NIOPosix
import SeleksiCore
import Synchronization

/// The applicant's side: one application, its documents, *end registration*,
/// objections and the cards.
extension RegistrationService {
    /// The applicant's application, or nil before they start one.
    public func application(accountID: Int64) async throws -> Application? {
        try await store.application(accountID: accountID)
    }

    func requireApplication(_ accountID: Int64) async throws -> Application {
        guard let application = try await store.application(accountID: accountID) else { throw RegistrationError.noApplication }
        return application
    }

    /// The checks every save of the form runs: window, email verified, fields, the
    /// formation exists in this period, eligibility.
    func checkDraft(_ draft: ApplicationDraft, account: Account, period: SelectionPeriod) async throws {
        try require(period.registration, "Pengisian lamaran")
        guard account.emailVerified else { throw RegistrationError.emailNotVerified }
        let year = IndonesianDate.components(now).year
        if let problem = Eligibility.checkForm(draft, currentYear: year) { throw problem }
        guard let formation = try await store.formation(id: draft.formationID), formation.periodID == period.id else {
            throw RegistrationError.unknownFormation
        }
        guard try await testLocations().contains(draft.testLocation) else {
            throw RegistrationError.invalid("invalid-test-location", "Lokasi tes '\(draft.testLocation)' tidak tersedia.")
        }
        let closing = IndonesianDate.components(period.registration.closes)
        let reasons = eligibility.reasons(
            draft: draft,
            formation: formation,
            birthDate: account.birthDate,
            nik: try NIK(account.nik),
            closingDay: (closing.year, closing.month, closing.day)
        )
        guard reasons.isEmpty else { throw RegistrationError.ineligible(reasons) }
        if !draft.accommodations.isEmpty {
            let offered = try examRuleSet().accommodations
            if let problem = Eligibility.checkAccommodations(draft.accommodations, formationType: formation.type, offered: offered) { throw problem }
        }
    }

    /// What an applicant may ask for at the exam (the exam rule set's accommodations), by name.
    public func accommodationOffers() -> [AccommodationOffer] {
        ((try? examRuleSet().accommodations) ?? [:]).sorted { $0.key < $1.key }.map { name, accommodation in
            AccommodationOffer(
                name: name,
                extraMinutes: accommodation.extraMinutes,
                formationTypes: accommodation.formationTypes.map { $0.sorted { $0.rawValue < $1.rawValue } }
            )
        }
    }

    /// Starts the one application of this period.
    public func createApplication(accountID: Int64, draft: ApplicationDraft) async throws -> Application {
        let period = try await period()
        let account = try await account(id: accountID)
        if try await store.application(accountID: accountID) != nil { throw RegistrationError.secondApplication }
        try await checkDraft(draft, account: account, period: period)
        return try await store.createApplication(accountID: accountID, periodID: period.id, draft: draft, now: now)
    }

    /// Changes the application while it is a draft.
    public func updateApplication(accountID: Int64, draft: ApplicationDraft) async throws -> Application {
        let period = try await period()
        let account = try await account(id: accountID)
        let application = try await requireApplication(accountID)
        guard application.status == .draft else { throw RegistrationError.locked }
        try await checkDraft(draft, account: account, period: period)
        try await store.updateDraft(applicationID: application.id, draft: draft, now: now)
        return try await requireApplication(accountID)
    }

    public func requirement(kind: String) throws -> DocumentRequirement {
        guard let requirement = settings.documents.first(where: { $0.kind == kind }) else { throw RegistrationError.unknownDocument }
        return requirement
    }

    /// Stores a document: type read from the content, size checked, written under its
    /// digest and flushed, and only then recorded; the file it replaces is removed after
    /// the record commits. A failure at any step leaves
    /// the previous document as it was.
    public func uploadDocument(accountID: Int64, kind: String, bytes: [UInt8]) async throws -> StoredDocument {
        let requirement = try requirement(kind: kind)
        guard !bytes.isEmpty else { throw RegistrationError.emptyFile(requirement) }
        guard bytes.count <= requirement.maxBytes else { throw RegistrationError.fileTooLarge(requirement) }
        guard requirement.type.matches(bytes) else { throw RegistrationError.wrongFileType(requirement.label, expected: requirement.type.label) }
        let period = try await period()
        try require(period.registration, "Unggah dokumen")
        let application = try await requireApplication(accountID)
        guard application.status == .draft else { throw RegistrationError.locked }
        let sha = Hex.encode(SHA256.hash(data: bytes))
        // The same file again: nothing to write (rewriting it would touch the stored copy).
        if let same = application.documents.first(where: { $0.kind == kind && $0.sha256 == sha }) { return same }
        // 256 folders by the digest's first byte, made once, rather than one folder per
        // application: each new folder costs the file system an inode like a file does.
        let path = documentDirectory + "/\(sha.prefix(2))/\(application.id)-\(kind)-\(sha.prefix(16)).\(requirement.type.fileExtension)"
        try await DocumentFiles.pool.runIfActive { try DocumentFiles.writeContentAddressed(bytes, to: path) }
        let document = StoredDocument(kind: kind, contentType: requirement.type.contentType, size: bytes.count, sha256: sha, path: path, uploadedAt: now)
        do {
            if let replaced = try await store.replaceDocument(applicationID: application.id, document) {
                try? FileManager.default.removeItem(atPath: replaced)
            }
        } catch {
            if !(application.documents.contains { $0.path == path }) { try? FileManager.default.removeItem(atPath: path) }
            throw error
        }
        return document
    }

    /// The applicant's own document.
    public func document(accountID: Int64, kind: String) async throws -> (StoredDocument, Data) {
        _ = try requirement(kind: kind)
        let application = try await requireApplication(accountID)
        return try await Self.read(application, kind: kind)
    }

    static func read(_ application: Application, kind: String) async throws -> (StoredDocument, Data) {
        guard let document = application.documents.first(where: { $0.kind == kind }) else { throw RegistrationError.notFound }
        let path = document.path
        guard let data = try await DocumentFiles.pool.runIfActive({ FileManager.default.contents(atPath: path) }) else { throw RegistrationError.notFound }
        return (document, data)
    }

    /// *Akhiri pendaftaran*: eligibility again, every document present, then locked.
    public func submit(accountID: Int64) async throws -> Application {
        let period = try await period()
        let account = try await account(id: accountID)
        let application = try await requireApplication(accountID)
        guard application.status == .draft else { throw RegistrationError.locked }
        try await checkDraft(application.draft, account: account, period: period)
        let required = Dictionary(uniqueKeysWithValues: settings.documents.map { ($0.kind, $0.label) })
        try await store.submit(applicationID: application.id, requiredKinds: required, now: now)
        return try await requireApplication(accountID)
    }

    /// The result as the applicant may see it: nothing before the announcement.
    public func visibleVerification(_ application: Application, period: SelectionPeriod) -> Verification? {
        guard let announced = period.resultsAnnouncedAt, announced <= now else { return nil }
        return application.verification
    }

    /// An objection to a TMS result: once, within the configured days after the announcement.
    public func fileObjection(accountID: Int64, reason: String) async throws -> Application {
        let period = try await period()
        let application = try await requireApplication(accountID)
        let result = visibleVerification(application, period: period)?.result
        let deadline = period.objectionDeadline
        if let refusal = ObjectionRule.fileRefusal(result: result, alreadyFiled: application.objection != nil, now: now, deadline: deadline) {
            throw refusal
        }
        let text = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (20...2000).contains(text.count) else {
            throw RegistrationError.invalid("invalid-objection", "Alasan sanggahan harus ditulis, 20-2000 karakter.")
        }
        try await store.fileObjection(applicationID: application.id, Objection(reason: text, filedAt: now), deadline: deadline)
        return try await requireApplication(accountID)
    }

    /// The exam card, once the applicant has a participant number and a seat.
    public func examCard(accountID: Int64) async throws -> (Account, Application, ExamAssignment) {
        let account = try await account(id: accountID)
        let application = try await requireApplication(accountID)
        guard let assignment = application.assignment else { throw RegistrationError.notEligibleForCard }
        return (account, application, assignment)
    }

    /// The candidate's working minutes at the exam: the rule set's duration plus the
    /// accommodations a verifier confirmed that apply to its formation type.
    public func workingMinutes(_ application: Application) throws -> Int {
        let ruleSet = try examRuleSet()
        do {
            return try ruleSet.durationMinutes(for: application.formation.type, accommodations: application.verification?.accommodations ?? [])
        } catch {
            return ruleSet.durationMinutes
        }
    }

    /// The registration card, once registration was ended.
    public func registrationCard(accountID: Int64) async throws -> (Account, Application) {
        let account = try await account(id: accountID)
        let application = try await requireApplication(accountID)
        guard application.status == .submitted else { throw RegistrationError.notSubmitted }
        return (account, application)
    }
}

/// Document files on disk.
public enum DocumentFiles {
    /// Threads for blocking disk work (writes with fsync, reads of documents), so that a
    /// slow disk never holds the threads that serve requests. fsync waits on the disk,
    /// not the CPU, so there are more of them than cores.
    static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 16)
        pool.start()
        return pool
    }()

    /// Folders known to exist, so that a write does not ask the file system again.
    static let madeFolders = Mutex<Set<String>>([])

    /// Writes a file whose name carries its content's digest. A name that already exists
    /// with the content's size holds that content and was committed by an earlier write: it
    /// is never opened for writing again (two uploads of the same file once shared one
    /// `O_TRUNC` open, so a failing second write could tear the first's committed document).
    /// New content is created under its name exclusively, flushed, and the folder flushed
    /// after it; a name left short by a failed or crashed write is replaced through a
    /// temporary file and a rename, never rewritten in place. (Temporary file and rename
    /// for every document cost a second journal commit each: 27% more portal CPU per
    /// application in `bench portal`, so that path is kept for the rare damaged name.)
    public static func writeContentAddressed(_ bytes: [UInt8], to path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !madeFolders.withLock({ $0.contains(folder) }) {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            madeFolders.withLock { _ = $0.insert(folder) }
        }
        var existing = stat()
        if stat(path, &existing) == 0, existing.st_size == off_t(bytes.count) { return }
        let failure = RegistrationError("storage", kind: .internal, "Berkas tidak dapat disimpan.")
        let created = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if created >= 0 {
            // Nobody else can have committed this name: it did not exist. On a failure it is
            // left short, and the next upload of the content replaces it.
            guard writeAll(bytes, to: created), fsync(created) == 0 else {
                close(created)
                throw failure
            }
            guard close(created) == 0 else { throw failure }
            try flushFolder(folder)
            return
        }
        guard errno == EEXIST else { throw failure }
        // The name is there but short: a write in flight, or one that failed. Replace it whole.
        let temporary = path + ".part-" + UUID().uuidString
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw failure }
        guard writeAll(bytes, to: descriptor), fsync(descriptor) == 0, close(descriptor) == 0, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw failure
        }
        try flushFolder(folder)
    }

    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard result > 0 else { return false }
            written += result
        }
        return true
    }

    /// Makes a rename in `folder` durable (the folder's entry, not only the file's bytes).
    static func flushFolder(_ folder: String) throws {
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw RegistrationError("storage", kind: .internal, "Berkas tidak dapat disimpan.") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw RegistrationError("storage", kind: .internal, "Berkas tidak dapat disimpan.") }
    }

    /// Writes to a temporary name, flushes it to disk, then renames it into place, so a
    /// reader sees the whole file or none of it.
    static func writeDurably(_ bytes: [UInt8], to path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temporary = path + ".part-" + UUID().uuidString
        guard
            let handle = FileHandle(forWritingAtPath: temporary)
                ?? {
                    _ = FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: 0o600])
                    return FileHandle(forWritingAtPath: temporary)
                }()
        else { throw RegistrationError("storage", kind: .internal, "Berkas tidak dapat disimpan.") }
        do {
            try handle.write(contentsOf: bytes)
            try handle.synchronize()
            try handle.close()
            if rename(temporary, path) != 0 { throw RegistrationError("storage", kind: .internal, "Berkas tidak dapat disimpan.") }
            try flushFolder(folder)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }
}
