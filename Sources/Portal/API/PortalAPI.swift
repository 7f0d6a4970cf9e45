import Foundation
import Hummingbird
import NIOCore
import Registration
import Selection
import SeleksiCore
import Synchronization

/// One route of the JSON API, as the OpenAPI document must list it.
public struct APIRoute: Sendable, Hashable {
    public let method: String
    /// OpenAPI style: `/api/formations/{id}`.
    public let path: String
}

/// The JSON API: the same operations as the pages, for apps and integrations.
/// Every route says who may call it; `RouteTable` records each one for the test that
/// holds `openapi.json` to what the server does.
struct PortalAPI {
    let service: RegistrationService
    /// Rendered answers of the public, read-heavy routes (the formation list, the
    /// timetable), kept for a few seconds: millions read the same few pages at a deadline.
    let cache: TTLCache<ByteBuffer>
    /// Where live scores go out to the live pages' watchers.
    let hub: LiveScoreHub
    /// Results packages being read from senders not signed in.
    let nodeUploads = InFlightLimit(4)

    struct NodeBody: Decodable {
        let id: String
        let venues: [String]
        let url: String
        let publicKey: String
    }
    struct SignInBody: Decodable {
        let login: String
        let password: String
    }
    struct StaffSignInBody: Decodable {
        let username: String
        let password: String
        let totp: String
    }
    struct EmailBody: Decodable { let email: String }
    struct VerifyEmailBody: Decodable {
        let email: String
        let code: String
    }
    struct ResetBody: Decodable {
        let email: String
        let code: String
        let password: String
    }
    struct ObjectionBody: Decodable { let reason: String }
    struct SignInCodeBody: Decodable {
        let login: String
        let code: String
    }
    struct DecisionBody: Decodable {
        let result: String
        let reasonCode: String?
        let note: String?
        /// The accommodations asked for that the documents support (MS only).
        let accommodations: [String]?
    }
    struct AnswerBody: Decodable {
        let accepted: Bool
        let answer: String
        let accommodations: [String]?
    }
    struct MoveBody: Decodable { let slotID: String }
    struct ResitBody: Decodable {
        let slotID: String
        let reason: String
    }
    struct PublishBody: Decodable {
        /// From when the public sees it (milliseconds since 1970); absent: now.
        let publishAt: Int64?
        /// The preview's `contentDigest`: refused if the results changed since.
        let contentDigest: String?
    }

    func register(on router: Router<PortalRequestContext>, table: RouteTable) {
        let api = router.group("api")
        // MARK: Public
        table.add(api, .get, "period") { _, _ in
            cached(try await cache.value("period") { try Self.encode(try await periodView()) })
        }
        table.add(api, .get, "formations") { request, _ in
            let filter = try FormationQuery.filter(request.formQuery)
            // Keyed by the query as sent: cheap, and a valid query always means the same list.
            return cached(try await cache.value("formations?" + (request.uri.query ?? "")) { try Self.encode(try await formations(filter)) })
        }
        table.add(api, .get, "formations/{id}") { _, context in JSONBody(try await service.formation(id: try context.parameters.require("id"))) }
        // MARK: Applicant account
        table.add(api, .post, "accounts") { request, context -> Response in
            let form = try await request.decode(as: SignUp.self, context: context)
            let account = try await service.signUp(form, address: context.clientAddress)
            return try created(AccountView(account), request, context)
        }
        table.add(api, .post, "accounts/verify-email") { request, context in
            let body = try await request.decode(as: VerifyEmailBody.self, context: context)
            try await service.verifyEmail(email: body.email, code: body.code, address: context.clientAddress)
            return Accepted(ok: true, message: "Email terverifikasi.")
        }
        table.add(api, .post, "accounts/resend-code") { request, context in
            let body = try await request.decode(as: EmailBody.self, context: context)
            try await service.resendVerification(email: body.email)
            return Accepted(ok: true, message: "Jika alamat itu terdaftar dan belum terverifikasi, kode baru sudah dikirim.")
        }
        table.add(api, .post, "password-reset") { request, context in
            let body = try await request.decode(as: EmailBody.self, context: context)
            try await service.requestPasswordReset(email: body.email)
            return Accepted(ok: true, message: "Jika alamat itu terdaftar, kode pengaturan ulang sudah dikirim.")
        }
        table.add(api, .post, "password-reset/confirm") { request, context in
            let body = try await request.decode(as: ResetBody.self, context: context)
            try await service.resetPassword(email: body.email, code: body.code, newPassword: body.password, address: context.clientAddress)
            return Accepted(ok: true, message: "Kata sandi diganti; semua sesi lama diakhiri.")
        }
        table.add(api, .post, "sessions") { request, context in
            let body = try await request.decode(as: SignInBody.self, context: context)
            let (token, session) = try await service.login(nikOrEmail: body.login, password: body.password, address: context.clientAddress)
            return TokenView(token: token, csrf: session.csrf, expiresAt: session.expiresAt, role: "applicant")
        }
        table.add(api, .post, "sessions/code") { request, context in
            let body = try await request.decode(as: SignInCodeBody.self, context: context)
            let (token, session) = try await service.loginWithCode(nikOrEmail: body.login, code: body.code, address: context.clientAddress)
            return TokenView(token: token, csrf: session.csrf, expiresAt: session.expiresAt, role: "applicant")
        }
        table.add(api, .delete, "sessions") { _, context in
            guard let token = context.token else { throw RegistrationError.unauthenticated }
            try await service.logout(token: token)
            return Accepted(ok: true, message: "Anda sudah keluar.")
        }
        table.add(api, .get, "me") { _, context in AccountView(try await service.account(id: try context.applicantID())) }
        // MARK: Applicant application
        table.add(api, .get, "application") { _, context in try await applicationView(try context.applicantID()) }
        table.add(api, .post, "application") { request, context -> Response in
            let draft = try await request.decode(as: ApplicationDraft.self, context: context)
            let id = try context.applicantID()
            return try created(try await view(try await service.createApplication(accountID: id, draft: draft)), request, context)
        }
        table.add(api, .put, "application") { request, context in
            let draft = try await request.decode(as: ApplicationDraft.self, context: context)
            let id = try context.applicantID()
            return try await view(try await service.updateApplication(accountID: id, draft: draft))
        }
        table.add(api, .put, "application/documents/{kind}") { request, context in
            let id = try context.applicantID()
            let kind = try context.parameters.require("kind")
            let bytes = try await Upload.read(request.body, headers: request.headers, requirement: try service.requirement(kind: kind))
            return DocumentView(try await service.uploadDocument(accountID: id, kind: kind, bytes: bytes))
        }
        table.add(api, .get, "application/documents/{kind}") { _, context in
            let (document, data) = try await service.document(accountID: try context.applicantID(), kind: try context.parameters.require("kind"))
            return fileResponse(document, [UInt8](data))
        }
        table.add(api, .post, "application/submit") { _, context in
            let id = try context.applicantID()
            return try await view(try await service.submit(accountID: id))
        }
        table.add(api, .post, "application/objection") { request, context in
            let body = try await request.decode(as: ObjectionBody.self, context: context)
            let id = try context.applicantID()
            return try await view(try await service.fileObjection(accountID: id, reason: body.reason))
        }
        table.add(api, .get, "application/exam-card") { _, context in try await examCard(try context.applicantID()) }
        // MARK: Staff
        table.add(api, .post, "staff/sessions") { request, context in
            let body = try await request.decode(as: StaffSignInBody.self, context: context)
            let (token, session) = try await service.staffLogin(
                username: body.username,
                password: body.password,
                totp: body.totp,
                address: context.clientAddress
            )
            guard case .staff(let staff) = session.principal else { throw RegistrationError.forbidden }
            return TokenView(token: token, csrf: session.csrf, expiresAt: session.expiresAt, role: staff.role.rawValue)
        }
        table.add(api, .get, "verifier/applications") { _, context in Worklist(items: try await service.worklist(staff: try context.staff())) }
        table.add(api, .get, "verifier/applications/{id}") { _, context in
            let (account, application) = try await service.openApplication(try context.staff(), id: try applicationID(context))
            return StaffApplicationView(
                applicant: AccountView(account),
                application: ApplicationView(application, verification: application.verification, service: service, showStaff: true)
            )
        }
        table.add(api, .get, "verifier/applications/{id}/documents/{kind}") { _, context in
            let (document, bytes) = try await service.documentForStaff(
                try context.staff(),
                id: try applicationID(context),
                kind: try context.parameters.require("kind")
            )
            return fileResponse(document, bytes)
        }
        table.add(api, .post, "verifier/applications/{id}/decision") { request, context in
            let body = try await request.decode(as: DecisionBody.self, context: context)
            guard let result = VerificationResult(rawValue: body.result) else { throw RegistrationError.invalid("invalid-result", "Hasil harus MS atau TMS.") }
            let staff = try context.staff()
            let id = try applicationID(context)
            try await service.decide(
                staff: staff,
                id: id,
                result: result,
                reasonCode: body.reasonCode,
                note: body.note ?? "",
                accommodations: body.accommodations ?? []
            )
            return Accepted(ok: true, message: "Hasil verifikasi dicatat.")
        }
        table.add(api, .post, "verifier/applications/{id}/objection-answer") { request, context in
            let body = try await request.decode(as: AnswerBody.self, context: context)
            try await service.answerObjection(
                staff: try context.staff(),
                id: try applicationID(context),
                accepted: body.accepted,
                answer: body.answer,
                accommodations: body.accommodations ?? []
            )
            return Accepted(ok: true, message: "Jawaban sanggahan dicatat.")
        }
        // MARK: Committee admin
        table.add(api, .put, "admin/period") { request, context in
            let period = try await request.decode(as: SelectionPeriod.self, context: context)
            try await service.setPeriod(staff: try requireAdmin(context), period)
            cache.clear()
            return try await periodView()
        }
        table.add(api, .post, "admin/agencies") { request, context -> Response in
            let agency = try await request.decode(as: Agency.self, context: context)
            try await service.addAgency(staff: try requireAdmin(context), agency)
            cache.clear()
            return try created(Accepted(ok: true, message: "Instansi disimpan."), request, context)
        }
        table.add(api, .post, "admin/formations") { request, context -> Response in
            let formation = try await request.decode(as: Formation.self, context: context)
            try await service.addFormation(staff: try requireAdmin(context), formation)
            cache.clear()
            return try created(JSONBody(try await service.formation(id: formation.id)), request, context)
        }
        table.add(api, .post, "admin/slots") { request, context -> Response in
            let slot = try await request.decode(as: ExamSlot.self, context: context)
            try await service.addSlot(staff: try requireAdmin(context), slot)
            cache.clear()
            return try created(Accepted(ok: true, message: "Sesi ujian disimpan."), request, context)
        }
        table.add(api, .post, "admin/announce-results") { _, context in
            _ = try await service.announceResults(staff: try requireAdmin(context))
            cache.clear()
            return try await periodView()
        }
        table.add(api, .post, "admin/assign-seats") { _, context in
            let (assigned, unplaced) = try await service.assignSeats(staff: try requireAdmin(context))
            return SeatsView(assigned: assigned, unplaced: unplaced)
        }
        table.add(api, .post, "admin/applications/{id}/seat") { request, context in
            let body = try await request.decode(as: MoveBody.self, context: context)
            try await service.moveSeat(staff: try requireAdmin(context), applicationID: try applicationID(context), slotID: body.slotID)
            return Accepted(ok: true, message: "Peserta dipindahkan.")
        }
        table.add(api, .post, "admin/applications/{id}/resit") { request, context in
            let body = try await request.decode(as: ResitBody.self, context: context)
            try await service.grantResit(staff: try requireAdmin(context), applicationID: try applicationID(context), slotID: body.slotID, reason: body.reason)
            return Accepted(ok: true, message: "Ujian ulang diberikan; paket daftar peserta berikutnya membawanya ke node.")
        }
        table.add(api, .post, "admin/nodes") { request, context -> Response in
            let body = try await request.decode(as: NodeBody.self, context: context)
            let node = try await service.registerNode(
                staff: try requireAdmin(context),
                RegisteredNode(id: body.id, venues: body.venues, url: body.url, publicKey: body.publicKey)
            )
            return try created(JSONBody(node), request, context)
        }
        table.add(api, .get, "admin/nodes") { _, context in NodeList(items: try await service.nodes(staff: try requireAdmin(context))) }
        table.add(api, .post, "admin/results") { request, context in
            let staff = try requireAdmin(context)
            return JSONBody(try await service.importResults(try await packageBody(request), .upload(staff)))
        }
        table.add(api, .get, "admin/announcements/skd/preview") { request, context in
            let staff = try requireAdmin(context)
            let at = try request.formQuery["publishAt"].map { text -> Int64 in
                guard let value = Int64(String(text)) else { throw RegistrationError.invalid("invalid-request", "publishAt harus milidetik sejak 1970.") }
                return value
            }
            return JSONBody(PublishedAnnouncement(try await service.skdAnnouncementDraft(staff: staff, publishAt: at)))
        }
        table.add(api, .post, "admin/announcements/skd") { request, context -> Response in
            let body = try await request.decode(as: PublishBody.self, context: context)
            let stored = try await service.publishSKD(staff: try requireAdmin(context), publishAt: body.publishAt, expectedContent: body.contentDigest)
            return try created(JSONBody(stored), request, context)
        }
        table.add(api, .post, "admin/announcements/skd/{version}/withdraw") { _, context in
            guard let version = Int(try context.parameters.require("version")) else { throw RegistrationError.notFound }
            return JSONBody(
                try await service.withdrawScheduledAnnouncement(staff: try requireAdmin(context), stage: RegistrationService.skdStage, version: version)
            )
        }
        // MARK: Observers (read-only)
        table.add(api, .get, "observer/progress") { _, context in JSONBody(["items": try await service.examProgress(staff: try context.staff())]) }
        table.add(api, .get, "observer/audit") { request, context in
            AuditView(items: try await service.observerAuditLog(staff: try context.staff(), Self.auditFilter(request)))
        }
        table.add(api, .get, "observer/sessions/{id}/audit") { _, context in
            JSONBody(["items": try await service.nodeAudit(staff: try context.staff(), sessionID: try context.parameters.require("id")).lines])
        }
        table.add(api, .get, "observer/scores/{number}") { _, context in
            JSONBody(try await service.verifyScore(staff: try context.staff(), participantNumber: try context.parameters.require("number")))
        }
        // MARK: Exam nodes (the node's signature is its credential)
        table.add(api, .post, "node/roster") { request, _ in
            let body = try await request.body.collect(upTo: 64 * 1024)
            let package = try await service.rosterForNode(Data(body.readableBytesView))
            return Response(
                status: .ok,
                headers: [.contentType: "application/json", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(bytes: package.envelope))
            )
        }
        table.add(api, .post, "node/scores") { request, _ in
            try await nodeUploads.admit {
                let body = try await request.body.collect(upTo: 4 * 1_048_576)
                let (accepted, ignored, sessions) = try await service.importLiveScores(Data(body.readableBytesView))
                for session in sessions where accepted > 0 { await hub.arrived(session: session) }
                return JSONBody(["accepted": accepted, "ignored": ignored])
            }
        }
        table.add(api, .post, "node/results") { request, _ in
            // Anyone may send one (the signature is checked after reading): a few at a time.
            try await nodeUploads.admit {
                JSONBody(try await service.importResults(try await packageBody(request), .fromNode))
            }
        }
        table.add(api, .get, "admin/audit") { request, context in
            AuditView(items: try await service.auditLog(staff: try context.staff(), Self.auditFilter(request)))
        }
        registerInterviews(api, table: table)
        registerSKBScores(api, table: table)
    }

    // MARK: - Helpers

    static func auditFilter(_ request: Request) -> AuditFilter {
        let query = request.formQuery
        return AuditFilter(
            actor: query["actor"].map(String.init),
            action: query["action"].map(String.init),
            subject: query["subject"].map(String.init),
            limit: query["limit"].flatMap { Int(String($0)) } ?? 200
        )
    }

    /// A signed package as uploaded, refused past the configured size before it is all read.
    func packageBody(_ request: Request) async throws -> Data {
        let limit = service.settings.maxPackageMB * 1_048_576
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw RegistrationError("invalid-package", kind: .tooLarge, "Paket lebih besar dari \(service.settings.maxPackageMB) MB.")
        }
        return Data(try await request.body.collect(upTo: limit).readableBytesView)
    }

    func periodView() async throws -> PeriodView {
        let period = try await service.period()
        return PeriodView(
            period: period,
            objectionDeadline: period.objectionDeadline,
            documents: service.settings.documents,
            rejectionReasons: service.settings.rejectionReasons,
            testLocations: try await service.testLocations()
        )
    }

    static func encode(_ value: some Encodable) throws -> ByteBuffer { ByteBuffer(bytes: try JSONEncoder().encode(value)) }

    /// A public answer that every visitor may share for a few seconds.
    func cached(_ body: ByteBuffer) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "public, max-age=5"], body: .init(byteBuffer: body))
    }

    func formations(_ filter: FormationFilter) async throws -> FormationPage {
        let (_, items, total) = try await service.formations(filter)
        return FormationPage(total: total, page: filter.page, pageSize: filter.pageSize, items: items)
    }

    func applicationView(_ accountID: Int64) async throws -> ApplicationView {
        guard let application = try await service.application(accountID: accountID) else { throw RegistrationError.noApplication }
        return try await view(application)
    }

    /// The applicant's view of an application the service just returned (no second read).
    func view(_ application: Registration.Application) async throws -> ApplicationView {
        ApplicationView(application, verification: service.visibleVerification(application, period: try await service.period()), service: service)
    }

    func examCard(_ accountID: Int64) async throws -> ExamCardView {
        let (account, application, seat) = try await service.examCard(accountID: accountID)
        return ExamCardView(
            participantNumber: seat.participantNumber,
            name: account.name,
            agency: application.formation.agencyName,
            position: application.formation.position,
            venue: seat.slot.venue,
            location: seat.slot.location,
            date: seat.slot.localStart,
            startsAt: seat.slot.startsAt,
            endsAt: seat.slot.startsAt + Int64(try service.workingMinutes(application)) * 60_000,
            arriveBy: seat.slot.startsAt - Int64(service.settings.arrivalMinutes) * 60_000,
            timeZone: seat.slot.timeZone.rawValue,
            session: seat.slot.sessionNumber,
            accessCode: service.accessCode(participantNumber: seat.participantNumber, periodID: application.periodID),
            rules: examCardRules(arrivalMinutes: service.settings.arrivalMinutes)
        )
    }

    func requireAdmin(_ context: PortalRequestContext) throws -> StaffAccount {
        let staff = try context.staff()
        guard staff.role == .admin else { throw RegistrationError.forbidden }
        return staff
    }

    func applicationID(_ context: PortalRequestContext) throws -> Int64 {
        guard let id = Int64(try context.parameters.require("id")) else { throw RegistrationError.notFound }
        return id
    }

    func created(_ value: some ResponseEncodable, _ request: Request, _ context: PortalRequestContext) throws -> Response {
        var response = try value.response(from: request, context: context)
        response.status = .created
        return response
    }
}

/// A stored document, shown inline to its owner or verifier (its type was checked by
/// content and `nosniff` is set), never cached by a shared cache.
func fileResponse(_ document: StoredDocument, _ bytes: [UInt8]) -> Response {
    let fileExtension = document.contentType == "application/pdf" ? "pdf" : "jpg"
    var headers = HTTPFields()
    headers[.contentType] = document.contentType
    headers[.contentDisposition] = "inline; filename=\"\(document.kind).\(fileExtension)\""
    headers[.cacheControl] = "private, no-store"
    // Bytes an applicant sent: never scripts, never part of our pages.
    headers[.contentSecurityPolicy] = "sandbox; default-src 'none'"
    return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
}

/// The query of the public formation list, shared by the API and the page.
enum FormationQuery {
    static func filter(_ query: Parameters) throws -> FormationFilter {
        func text(_ key: String) -> String? {
            guard let raw = query[Substring(key)] else { return nil }
            let trimmed: String = String(raw).trimmingCharacters(in: .whitespaces)
            return trimmed.isEmpty ? nil : String(trimmed.prefix(100))
        }
        var filter = FormationFilter(text: text("q"), agencyID: text("agency"), location: text("location"))
        if let type = text("type") {
            guard let value = FormationType(rawValue: type) else { throw RegistrationError.invalid("invalid-filter", "Jenis formasi '\(type)' tidak dikenal.") }
            filter.type = value
        }
        if let level = text("education") {
            guard let value = EducationLevel(rawValue: level) else {
                throw RegistrationError.invalid("invalid-filter", "Jenjang pendidikan '\(level)' tidak dikenal.")
            }
            filter.educationLevel = value
        }
        if let page = text("page") {
            guard let value = Int(page), (1...10_000).contains(value) else { throw RegistrationError.invalid("invalid-filter", "Halaman harus 1..10000.") }
            filter.page = value
        }
        if let size = text("pageSize") {
            guard let value = Int(size), (1...100).contains(value) else { throw RegistrationError.invalid("invalid-filter", "pageSize harus 1..100.") }
            filter.pageSize = value
        }
        return filter
    }
}

/// Reads an upload body with the document's own limit: a declared length over the
/// limit is refused before a byte is read, and reading stops at the limit.
enum Upload {
    static func read(_ body: RequestBody, headers: HTTPFields, requirement: DocumentRequirement) async throws -> [UInt8] {
        if let length = headers[.contentLength].flatMap({ Int($0) }), length > requirement.maxBytes {
            throw RegistrationError.fileTooLarge(requirement)
        }
        do {
            let buffer = try await body.collect(upTo: requirement.maxBytes)
            return Array(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw RegistrationError.fileTooLarge(requirement)
        }
    }
}

/// Registers routes and remembers them, so that the OpenAPI test can compare.
final class RouteTable: @unchecked Sendable {
    private(set) var routes: [APIRoute] = []

    func add<Output: ResponseGenerator>(
        _ group: RouterGroup<PortalRequestContext>,
        _ method: HTTPRequest.Method,
        _ path: String,
        _ handler: @escaping @Sendable (Request, PortalRequestContext) async throws -> Output
    ) {
        let hummingbirdPath = path.replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: "")
        group.on(RouterPath(hummingbirdPath), method: method, use: handler)
        routes.append(APIRoute(method: method.rawValue.lowercased(), path: "/api/" + path))
    }
}

/// At most `limit` of something at once (reading an anonymous upload into memory); the
/// rest are told to come back (503), which a node's link retries with backoff.
final class InFlightLimit: Sendable {
    private let count = Mutex(0)
    let limit: Int

    init(_ limit: Int) { self.limit = limit }

    func admit<T>(_ body: () async throws -> T) async throws -> T {
        let admitted = count.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
        guard admitted else {
            throw RegistrationError("busy", kind: .unavailable, "Portal sedang menerima paket lain; coba lagi sebentar lagi.")
        }
        defer { count.withLock { $0 -= 1 } }
        return try await body()
    }
}
