import Foundation
public import Hummingbird

extension CandidatePaper: ResponseEncodable {}
extension CandidateState: ResponseEncodable {}
extension SaveReceipt: ResponseEncodable {}
extension CandidateLogin: ResponseEncodable {}

/// The candidate's API: login, paper, answers, doubtful marks, state, finish.
struct CandidateController {
    let service: ExamService

    struct LoginBody: Decodable {
        let participantNumber: String
        let pin: String
        let birthDate: String
        let device: String
    }

    struct AnswerBody: Decodable {
        /// The option's identity (its letter in the bank), or null to clear the answer.
        let option: String?
        let sequence: Int64
    }

    struct DoubtBody: Decodable {
        let doubtful: Bool
        let sequence: Int64
    }

    struct FinishResponse: ResponseEncodable {
        let finished: Bool
        let score: ScoreView
    }

    func addRoutes(to group: RouterGroup<ExamRequestContext>) {
        group.post("login") { request, context -> CandidateLogin in
            let body = try await request.decode(as: LoginBody.self, context: context)
            return try await service.login(participant: body.participantNumber, pin: body.pin, birthDate: body.birthDate, device: body.device)
        }
        group.get("paper") { request, _ -> Response in
            let json = try await service.paperJSON(token: try bearer(request))
            return Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: json)))
        }
        group.put("answers/:item") { request, context -> SaveReceipt in
            let token = try bearer(request)
            let item = try context.parameters.require("item")
            let body = try await request.decode(as: AnswerBody.self, context: context)
            return try await service.save(token: token, item: item, option: body.option, sequence: body.sequence)
        }
        group.put("doubtful/:item") { request, context -> SaveReceipt in
            let token = try bearer(request)
            let item = try context.parameters.require("item")
            let body = try await request.decode(as: DoubtBody.self, context: context)
            return try await service.mark(token: token, item: item, doubtful: body.doubtful, sequence: body.sequence)
        }
        group.get("state") { request, _ -> CandidateState in
            try await service.state(token: try bearer(request))
        }
        group.post("finish") { request, _ -> FinishResponse in
            let sheet = try await service.finish(token: try bearer(request))
            return FinishResponse(finished: true, score: ScoreView(sheet))
        }
    }
}

/// The bearer token of a request, or the refusal a missing one deserves.
func bearer(_ request: Request) throws -> String {
    guard let header = request.headers[.authorization], header.hasPrefix("Bearer "), header.count > 7 else {
        throw ExamNodeError.badToken
    }
    return String(header.dropFirst(7))
}
