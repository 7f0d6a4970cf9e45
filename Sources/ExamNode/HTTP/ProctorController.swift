import Foundation
public import Hummingbird

extension SessionSummary: ResponseEncodable {}

/// The proctor's API, behind a proctor login; every action goes to the audit log.
struct ProctorController {
    let service: ExamService

    struct LoginBody: Decodable {
        let username: String
        let password: String
    }

    struct TokenResponse: ResponseEncodable {
        let token: String
    }

    struct CreateBody: Decodable {
        let venue: String
        let ruleSet: String
        /// Milliseconds since 1970.
        let scheduledStart: Int64
    }

    struct MinutesBody: Decodable {
        let minutes: Int
    }

    struct Done: ResponseEncodable {
        let ok: Bool
    }

    struct Loaded: ResponseEncodable {
        let candidates: Int
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
            return TokenResponse(token: try await service.proctorLogin(username: body.username, password: body.password))
        }
        group.get("sessions") { request, _ -> [SessionSummary] in
            _ = try await proctor(request)
            return try await service.sessions()
        }
        group.post("sessions") { request, context -> SessionSummary in
            let actor = try await proctor(request)
            let body = try await request.decode(as: CreateBody.self, context: context)
            return try await service.createSession(venue: body.venue, ruleSetID: body.ruleSet, scheduledStart: body.scheduledStart, actor: actor)
        }
        group.get("sessions/:id") { request, context -> Candidates in
            _ = try await proctor(request)
            let id = try context.parameters.require("id")
            return Candidates(session: try await service.session(id), candidates: try await service.candidates(id))
        }
        group.post("sessions/:id/roster") { request, context -> Loaded in
            let actor = try await proctor(request)
            let id = try context.parameters.require("id")
            let buffer = try await request.body.collect(upTo: context.maxUploadSize)
            let text = String(decoding: buffer.readableBytesView, as: UTF8.self)
            return Loaded(candidates: try await service.loadRoster(sessionID: id, text: text, actor: actor))
        }
        for (action, operation) in [
            ("open", service.openSession), ("pause", service.pauseSession), ("resume", service.resumeSession), ("close", service.closeSession),
        ] as [(String, @Sendable (String, String) async throws -> Void)] {
            group.post("sessions/:id/\(action)") { request, context -> Done in
                let actor = try await proctor(request)
                try await operation(try context.parameters.require("id"), actor)
                return Done(ok: true)
            }
        }
        group.post("sessions/:id/extend") { request, context -> Done in
            let actor = try await proctor(request)
            let body = try await request.decode(as: MinutesBody.self, context: context)
            try await service.extendSession(try context.parameters.require("id"), minutes: body.minutes, actor: actor)
            return Done(ok: true)
        }
        group.post("sessions/:id/candidates/:number/extend") { request, context -> Done in
            let actor = try await proctor(request)
            let body = try await request.decode(as: MinutesBody.self, context: context)
            try await service.extendCandidate(
                try context.parameters.require("id"), participant: try context.parameters.require("number"), minutes: body.minutes, actor: actor)
            return Done(ok: true)
        }
        group.post("sessions/:id/candidates/:number/reset-device") { request, context -> Done in
            let actor = try await proctor(request)
            try await service.resetDevice(try context.parameters.require("id"), participant: try context.parameters.require("number"), actor: actor)
            return Done(ok: true)
        }
        group.get("audit") { request, _ -> Audit in
            _ = try await proctor(request)
            return Audit(entries: try await service.audit(session: request.uri.queryParameters["session"].map(String.init)))
        }
    }

    private func proctor(_ request: Request) async throws -> String {
        guard let token = try? bearer(request) else { throw ExamNodeError.proctorUnauthorized }
        return try await service.proctor(token: token)
    }
}
