import Foundation
public import Hummingbird

extension SessionSummary: ResponseEncodable {}

/// The proctor's API, behind a proctor login; every action goes to the audit log.
struct ProctorController {
    let service: ExamService

    struct LoginBody: Decodable {
        let username: String
        let password: String
        /// The code the proctor's authenticator shows now.
        let totp: String
    }

    struct TokenResponse: ResponseEncodable {
        let token: String
    }

    struct MinutesBody: Decodable {
        let minutes: Int
    }

    struct ReasonBody: Decodable {
        let reason: String
    }

    struct Done: ResponseEncodable {
        let ok: Bool
    }

    struct Candidates: ResponseEncodable {
        let session: SessionSummary
        let candidates: [CandidateStatus]
    }

    struct Audit: ResponseEncodable {
        let entries: [AuditEntry]
    }

    func addRoutes(to group: RouterGroup<ExamRequestContext>) {
        group.post("login") { request, context -> TokenResponse in
            let body = try await request.decode(as: LoginBody.self, context: context)
            return TokenResponse(
                token: try await service.proctorLogin(username: body.username, password: body.password, totp: body.totp, address: context.clientAddress)
            )
        }
        // Every other route is a signed-in proctor's, within the sessions they may reach.
        let signedIn = group.group().add(middleware: ProctorAuthMiddleware(service: service))
        signedIn.post("logout") { request, _ -> Done in
            try await service.proctorLogout(token: try bearer(request))
            return Done(ok: true)
        }
        signedIn.get("sessions") { _, context -> [SessionSummary] in
            try await service.sessions(visibleTo: try context.requireProctor())
        }
        // The portal's signed roster package (`seleksi handoff export`), uploaded as a file.
        signedIn.post("packages") { request, context -> RosterImportResult in
            let proctor = try context.requireProctor()
            let buffer = try await request.body.collect(upTo: service.settings.maxPackageBytes + 1)
            return try await service.importRosterPackage(Data(buffer.readableBytesView), actor: proctor)
        }
        signedIn.get("sessions/:id") { _, context -> Candidates in
            let (_, id) = try await scoped(context)
            return Candidates(session: try await service.session(id), candidates: try await service.candidates(id))
        }
        for (action, operation) in [
            ("open", service.openSession), ("pause", service.pauseSession), ("resume", service.resumeSession), ("close", service.closeSession),
        ] as [(String, @Sendable (String, String) async throws -> Void)] {
            signedIn.post("sessions/:id/\(action)") { _, context -> Done in
                let (actor, id) = try await scoped(context)
                try await operation(id, actor)
                return Done(ok: true)
            }
        }
        signedIn.post("sessions/:id/extend") { request, context -> Done in
            let (actor, id) = try await scoped(context)
            let body = try await request.decode(as: MinutesBody.self, context: context)
            try await service.extendSession(id, minutes: body.minutes, actor: actor)
            return Done(ok: true)
        }
        signedIn.post("sessions/:id/candidates/:number/extend") { request, context -> Done in
            let (actor, id) = try await scoped(context)
            let body = try await request.decode(as: MinutesBody.self, context: context)
            try await service.extendCandidate(id, participant: try context.parameters.require("number"), minutes: body.minutes, actor: actor)
            return Done(ok: true)
        }
        signedIn.post("sessions/:id/candidates/:number/reset-device") { _, context -> Done in
            let (actor, id) = try await scoped(context)
            try await service.resetDevice(id, participant: try context.parameters.require("number"), actor: actor)
            return Done(ok: true)
        }
        signedIn.post("sessions/:id/candidates/:number/disqualify") { request, context -> Done in
            let (actor, id) = try await scoped(context)
            let body = try await request.decode(as: ReasonBody.self, context: context)
            try await service.disqualify(id, participant: try context.parameters.require("number"), reason: body.reason, actor: actor)
            return Done(ok: true)
        }
        // The closed session's signed results package, as a file for the portal (`seleksi handoff import-results`).
        signedIn.get("sessions/:id/results") { _, context -> Response in
            let (_, id) = try await scoped(context)
            let envelope = try await service.resultsPackage(session: id)
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            headers[.contentDisposition] = "attachment; filename=\"hasil-\(id).json\""
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: envelope)))
        }
        signedIn.get("sessions/:id/audit") { _, context -> Audit in
            let (_, id) = try await scoped(context)
            return Audit(entries: try await service.audit(session: id))
        }
    }

    /// The signed-in proctor and the session of the route, if it is theirs (else "not found").
    private func scoped(_ context: ExamRequestContext) async throws -> (proctor: String, session: String) {
        let proctor = try context.requireProctor()
        let id = try context.parameters.require("id")
        try await service.requireAccess(proctor: proctor, session: id)
        return (proctor, id)
    }
}

/// Puts the proctor a bearer token belongs to on the request context, or refuses.
struct ProctorAuthMiddleware: RouterMiddleware {
    let service: ExamService

    func handle(_ request: Request, context: ExamRequestContext, next: (Request, ExamRequestContext) async throws -> Response) async throws -> Response {
        guard let token = try? bearer(request) else { throw ExamNodeError.proctorUnauthorized }
        var context = context
        context.proctor = try await service.proctor(token: token)
        return try await next(request, context)
    }
}

extension RosterImportResult: ResponseEncodable {}
